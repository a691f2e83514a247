package keysource

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// PEM block types ParsePEM reads.
const (
	pemPublicKey    = "PUBLIC KEY"     // PKIX SubjectPublicKeyInfo
	pemRSAPublicKey = "RSA PUBLIC KEY" // PKCS #1
	pemCertificate  = "CERTIFICATE"    // X.509; only its public key is used
)

// Rules a PEM block breaks, as KeyError.Rule, beside those of NewKey.
const rulePEMType = "pem-type" // a block type other than the three above

var pemBegin = []byte("-----BEGIN")

// MaxPEMBlocks is the most PEM blocks a document may hold; a document with
// more is refused as a whole (ErrMalformed), as a JWK Set of more than 1000
// keys is. Keys from PEM have no kid, so a token without kid is tried
// against each of them: the cap bounds what one token costs.
const MaxPEMBlocks = 16

// ParsePEM parses every PEM block in data, in order, into keys without kid
// or alg, each checked by NewKey. The block types read are "PUBLIC KEY"
// (PKIX), "RSA PUBLIC KEY" (PKCS #1) and "CERTIFICATE", of which only the
// public key is taken: the certificate's chain, validity dates, key usage and
// signature are not checked, since the file (or the URL it came from) is the
// trust anchor, not a certificate authority. Text between blocks is ignored.
//
// Parsing is strict: a block of any other type is an error (rule "pem-type",
// matching ErrMalformed), and so is a private key block (rule "private-key"),
// a block that does not parse ("malformed", matching ErrMalformed), a key
// that breaks a rule of NewKey, and a "-----BEGIN" line that does not start a
// well-formed block. Each such error is a *KeyError whose Index is the
// block's position; all of them are returned, joined. Data without any PEM
// block, or with more than MaxPEMBlocks blocks, fails with ErrMalformed.
func ParsePEM(data []byte) ([]*Key, error) {
	keys, skipped, err := parsePEM(data)
	if err != nil {
		return nil, err
	}
	if len(skipped) > 0 {
		return nil, errors.Join(skipped...)
	}
	return keys, nil
}

// parsePEM reads every block. A block whose key cannot be used (weak,
// unsupported, not a public key) is returned in skipped, so that a remote
// source serves the other blocks, as it serves a JWK Set's good keys;
// ParsePEM refuses the whole document instead. A document whose blocks
// cannot be told apart, or without any block, is an error.
func parsePEM(data []byte) (keys []*Key, skipped []error, err error) {
	rest := data
	for i := 0; ; i++ {
		start := bytes.Index(rest, pemBegin)
		if start < 0 {
			break
		}
		if i == MaxPEMBlocks {
			return nil, skipped, fmt.Errorf("%w: more than %d PEM blocks", ErrMalformed, MaxPEMBlocks)
		}
		block, after := pem.Decode(rest[start:])
		// pem.Decode skips a malformed block and returns the next good one:
		// a well-formed block holds exactly one BEGIN line.
		consumed := rest[start : len(rest)-len(after)]
		if block == nil || bytes.Count(consumed, pemBegin) != 1 {
			return nil, skipped, errors.Join(append(skipped, pemErr(i, ruleMalformed, "PEM block #%d is not well-formed", i))...)
		}
		rest = after
		k, err := pemKey(i, block)
		if err != nil {
			skipped = append(skipped, err)
			continue
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 && len(skipped) == 0 {
		return nil, nil, fmt.Errorf("%w: no PEM block found", ErrMalformed)
	}
	return keys, skipped, nil
}

func pemErr(index int, rule, format string, args ...any) error {
	ke := keyErr("", rule, format, args...)
	ke.Index = index
	if rule == ruleMalformed || rule == rulePEMType {
		return alsoError{ke, ErrMalformed}
	}
	return ke
}

func pemKey(index int, block *pem.Block) (*Key, error) {
	var (
		pub any
		err error
	)
	switch block.Type {
	case pemPublicKey:
		pub, err = x509.ParsePKIXPublicKey(block.Bytes)
	case pemRSAPublicKey:
		pub, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case pemCertificate:
		var cert *x509.Certificate
		if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
			pub = cert.PublicKey
		}
	default:
		if strings.Contains(block.Type, "PRIVATE KEY") {
			return nil, pemErr(index, rulePrivate, "PEM block #%d is a private key (%s); a verifier must only be given public keys", index, block.Type)
		}
		return nil, pemErr(index, rulePEMType, "PEM block #%d has type %q, want %q, %q or %q", index, block.Type, pemPublicKey, pemRSAPublicKey, pemCertificate)
	}
	if err != nil {
		return nil, pemErr(index, ruleMalformed, "PEM block #%d (%s): %v", index, block.Type, err)
	}
	k, err := NewKey("", "", pub)
	if err != nil {
		return nil, withIndex(err, index)
	}
	return k, nil
}
