package dpop

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"time"

	"github.com/jwtguard/jwtguard/internal/jose"
)

// Thumbprint returns the RFC 7638 SHA-256 thumbprint, base64url, of a public
// key (*rsa.PublicKey, *ecdsa.PublicKey or ed25519.PublicKey): the cnf.jkt
// of a token bound to it, and Proof.JKT of a proof it signs. An authorization
// server binds a token by putting Proof.JKT (from checking the proof sent to
// its token endpoint) in the token's cnf.jkt.
func Thumbprint(pub crypto.PublicKey) (string, error) {
	switch pub.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
		return jose.Thumbprint(pub)
	}
	return "", fmt.Errorf("dpop: cannot take the thumbprint of %T: not an RSA, EC or Ed25519 public key", pub)
}

// NewProof returns a DPoP proof for one request, signed by signer: a new
// random jti, iat now, htm method, htu rawURL without its query and
// fragment, "ath" when accessToken is not empty and "nonce" when nonce is
// not empty. The algorithm follows the key: ES256, ES384 or ES512 for P-256,
// P-384 or P-521, EdDSA for Ed25519, RS256 for RSA. A client makes a new
// proof for every request.
func NewProof(signer crypto.Signer, method, rawURL, accessToken, nonce string) (string, error) {
	return newProof(signer, method, rawURL, accessToken, nonce, time.Now())
}

func newProof(signer crypto.Signer, method, rawURL, accessToken, nonce string, iat time.Time) (string, error) {
	if signer == nil {
		return "", errors.New("dpop: no signer")
	}
	alg, jwk, err := publicJWK(signer.Public())
	if err != nil {
		return "", err
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("dpop: %q is not an absolute URL", rawURL)
	}
	u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = "", false, "", ""
	var jti [16]byte
	if _, err := rand.Read(jti[:]); err != nil {
		return "", err
	}
	header, err := json.Marshal(struct {
		Typ string          `json:"typ"`
		Alg string          `json:"alg"`
		JWK json.RawMessage `json:"jwk"`
	}{ProofType, alg.String(), jwk})
	if err != nil {
		return "", err
	}
	c := struct {
		JTI   string `json:"jti"`
		HTM   string `json:"htm"`
		HTU   string `json:"htu"`
		IAT   int64  `json:"iat"`
		ATH   string `json:"ath,omitempty"`
		Nonce string `json:"nonce,omitempty"`
	}{base64.RawURLEncoding.EncodeToString(jti[:]), method, u.String(), iat.Unix(), "", nonce}
	if accessToken != "" {
		c.ATH = ATH(accessToken)
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	return signJWS(signer, alg, header, payload)
}

// publicJWK returns the algorithm a key signs proofs with and its public JWK.
func publicJWK(pub crypto.PublicKey) (jose.Alg, json.RawMessage, error) {
	b64 := base64.RawURLEncoding.EncodeToString
	var (
		alg jose.Alg
		v   any
	)
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		var crv string
		switch k.Curve {
		case elliptic.P256():
			alg, crv = jose.ES256, "P-256"
		case elliptic.P384():
			alg, crv = jose.ES384, "P-384"
		case elliptic.P521():
			alg, crv = jose.ES512, "P-521"
		default:
			return 0, nil, errors.New("dpop: EC key on an unsupported curve")
		}
		enc, err := k.Bytes()
		if err != nil {
			return 0, nil, fmt.Errorf("dpop: %w", err)
		}
		size := (len(enc) - 1) / 2
		v = struct {
			Kty string `json:"kty"`
			Crv string `json:"crv"`
			X   string `json:"x"`
			Y   string `json:"y"`
		}{"EC", crv, b64(enc[1 : 1+size]), b64(enc[1+size:])}
	case ed25519.PublicKey:
		alg = jose.EdDSA
		v = struct {
			Kty string `json:"kty"`
			Crv string `json:"crv"`
			X   string `json:"x"`
		}{"OKP", "Ed25519", b64(k)}
	case *rsa.PublicKey:
		alg = jose.RS256
		v = struct {
			Kty string `json:"kty"`
			N   string `json:"n"`
			E   string `json:"e"`
		}{"RSA", b64(k.N.Bytes()), b64(big.NewInt(int64(k.E)).Bytes())}
	default:
		return 0, nil, fmt.Errorf("dpop: cannot sign proofs with a %T key", pub)
	}
	jwk, err := json.Marshal(v)
	return alg, jwk, err
}

// signJWS returns the compact JWS of header and payload signed with alg.
func signJWS(signer crypto.Signer, alg jose.Alg, header, payload []byte) (string, error) {
	b64 := base64.RawURLEncoding.EncodeToString
	input := b64(header) + "." + b64(payload)
	var (
		sig []byte
		err error
	)
	switch alg {
	case jose.EdDSA:
		sig, err = signer.Sign(rand.Reader, []byte(input), crypto.Hash(0))
	case jose.RS256, jose.RS384, jose.RS512:
		sig, err = signer.Sign(rand.Reader, digest(alg, input), alg.Hash())
	case jose.PS256, jose.PS384, jose.PS512:
		sig, err = signer.Sign(rand.Reader, digest(alg, input), &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: alg.Hash()})
	case jose.ES256, jose.ES384, jose.ES512:
		var der []byte
		if der, err = signer.Sign(rand.Reader, digest(alg, input), alg.Hash()); err == nil {
			sig, err = fixedWidth(der, (alg.Curve().Params().BitSize+7)/8)
		}
	default:
		return "", fmt.Errorf("dpop: cannot sign with %s", alg)
	}
	if err != nil {
		return "", fmt.Errorf("dpop: signing the proof: %w", err)
	}
	return input + "." + b64(sig), nil
}

func digest(alg jose.Alg, input string) []byte {
	h := alg.Hash().New()
	h.Write([]byte(input))
	return h.Sum(nil)
}

// fixedWidth turns an ASN.1 ECDSA signature into the R || S form of JWS.
func fixedWidth(der []byte, size int) ([]byte, error) {
	var rs struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(der, &rs); err != nil || len(rest) != 0 || rs.R.Sign() <= 0 || rs.S.Sign() <= 0 {
		return nil, errors.New("dpop: malformed ECDSA signature")
	}
	if (rs.R.BitLen()+7)/8 > size || (rs.S.BitLen()+7)/8 > size {
		return nil, errors.New("dpop: ECDSA signature too long")
	}
	out := make([]byte, 2*size)
	rs.R.FillBytes(out[:size])
	rs.S.FillBytes(out[size:])
	return out, nil
}
