// Package jose holds the JOSE primitives jwtguard builds on: algorithm names,
// signature verification over pre-converted keys, and every call into
// github.com/lestrrat-go/jwx. Nothing outside this package imports jwx.
package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
)

// Alg is a JWS signature algorithm that jwtguard can verify.
type Alg uint8

// The supported algorithms. AlgUnknown is the zero value and never verifies.
//
// EdDSA is the polymorphic name of RFC 8037 (the curve comes from the key)
// and Ed25519 the fully specified one of RFC 9864, which deprecates EdDSA.
// Both verify Ed25519 signatures with Ed25519 keys, and nothing else: Ed448
// has no Go implementation, so neither name ever selects it.
const (
	AlgUnknown Alg = iota
	RS256
	RS384
	RS512
	PS256
	PS384
	PS512
	ES256
	ES384
	ES512
	EdDSA
	Ed25519
	HS256
	HS384
	HS512
	algCount
)

var algNames = [algCount]string{
	AlgUnknown: "",
	RS256:      "RS256",
	RS384:      "RS384",
	RS512:      "RS512",
	PS256:      "PS256",
	PS384:      "PS384",
	PS512:      "PS512",
	ES256:      "ES256",
	ES384:      "ES384",
	ES512:      "ES512",
	EdDSA:      "EdDSA",
	Ed25519:    "Ed25519",
	HS256:      "HS256",
	HS384:      "HS384",
	HS512:      "HS512",
}

// String returns the algorithm's registered JWS name ("" for AlgUnknown).
func (a Alg) String() string {
	if a >= algCount {
		return ""
	}
	return algNames[a]
}

// ParseAlg maps a JWS "alg" value to an Alg. The match is exact and case
// sensitive, as RFC 7515 requires; "none" and every unsupported name map to
// AlgUnknown with ok false.
func ParseAlg(name string) (Alg, bool) {
	// A switch on the string compiles to a fast comparison and does not allocate.
	switch name {
	case "RS256":
		return RS256, true
	case "RS384":
		return RS384, true
	case "RS512":
		return RS512, true
	case "PS256":
		return PS256, true
	case "PS384":
		return PS384, true
	case "PS512":
		return PS512, true
	case "ES256":
		return ES256, true
	case "ES384":
		return ES384, true
	case "ES512":
		return ES512, true
	case "EdDSA":
		return EdDSA, true
	case "Ed25519":
		return Ed25519, true
	case "HS256":
		return HS256, true
	case "HS384":
		return HS384, true
	case "HS512":
		return HS512, true
	}
	return AlgUnknown, false
}

// AllAlgs lists every supported algorithm, asymmetric ones first.
func AllAlgs() []Alg {
	return []Alg{RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, Ed25519, HS256, HS384, HS512}
}

// UnsupportedReason says why a registered JWS algorithm name that ParseAlg
// refuses cannot be supported, for an error message; it is "" for names
// without a known reason (unknown or misspelled ones, "none").
func UnsupportedReason(name string) string {
	switch name {
	case "Ed448":
		return "Ed448 (RFC 9864) has no implementation in Go's standard library, so jwtguard cannot verify it; Ed25519 (or EdDSA) with an Ed25519 key is supported"
	}
	return ""
}

// SameOperation reports whether a key restricted to algorithm a (its own
// "alg", RFC 7517 section 4.4) may verify a token whose header names b:
// when they are equal, and when one is EdDSA and the other Ed25519. The
// latter pair names the same operation once the key is an Ed25519 key: the
// polymorphic EdDSA takes its curve from the key (RFC 8037), and Ed25519 is
// the fully specified name of EdDSA over that curve (RFC 9864). Fits must
// still hold for the key, which keeps every other key type out. Every other
// pair differs, even where the key type would fit both (PS256 and PS384).
func (a Alg) SameOperation(b Alg) bool {
	if a == b {
		return true
	}
	return (a == EdDSA || a == Ed25519) && (b == EdDSA || b == Ed25519)
}

// Symmetric reports whether a is an HMAC algorithm.
func (a Alg) Symmetric() bool { return a == HS256 || a == HS384 || a == HS512 }

// Hash returns the digest the algorithm uses (0 for EdDSA, Ed25519 and
// AlgUnknown).
func (a Alg) Hash() crypto.Hash {
	switch a {
	case RS256, PS256, ES256, HS256:
		return crypto.SHA256
	case RS384, PS384, ES384, HS384:
		return crypto.SHA384
	case RS512, PS512, ES512, HS512:
		return crypto.SHA512
	}
	return 0
}

// Curve returns the curve an ECDSA algorithm is defined over, or nil.
func (a Alg) Curve() elliptic.Curve {
	switch a {
	case ES256:
		return elliptic.P256()
	case ES384:
		return elliptic.P384()
	case ES512:
		return elliptic.P521()
	}
	return nil
}

// Fits reports whether key, a converted verification key, may verify
// signatures made with a: RSA keys for RS*/PS*, ECDSA keys on the algorithm's
// own curve for ES*, Ed25519 keys for EdDSA and Ed25519, and HMAC secrets at
// least as long as the hash output for HS*.
func (a Alg) Fits(key any) bool {
	switch k := key.(type) {
	case *rsa.PublicKey:
		return a >= RS256 && a <= PS512
	case *ecdsa.PublicKey:
		c := a.Curve()
		return c != nil && k.Curve == c
	case ed25519.PublicKey:
		return (a == EdDSA || a == Ed25519) && len(k) == ed25519.PublicKeySize
	case HMACSecret:
		return a.Symmetric() && len(k) >= a.Hash().Size()
	}
	return false
}

// HMACSecret is a shared secret for HS256, HS384 and HS512. It is a distinct
// type so that a secret can never be mistaken for other key material.
type HMACSecret []byte
