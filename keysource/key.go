package keysource

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/big"

	"github.com/jwtguard/jwtguard/internal/jose"
)

// MinRSABits is the smallest RSA modulus a key may have.
const MinRSABits = 2048

// MaxRSABits is the largest RSA modulus a key may have (rule
// "rsa-max-bits"): a larger one makes each signature check slower to no
// purpose, a lever for whoever controls a key document. crypto/tls draws
// the same line.
const MaxRSABits = 8192

// MinHMACBytes is the smallest HMAC secret accepted: the output size of
// SHA-256. A secret restricted to HS384 or HS512 must be at least 48 or 64
// bytes long.
const MinHMACBytes = 32

// Key is one verification key, already converted to its crypto type and
// checked against the rules of NewKey. A Key is immutable and safe for
// concurrent use.
type Key struct {
	id    string
	alg   jose.Alg // AlgUnknown when the key does not restrict its algorithm
	pub   any      // *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey or jose.HMACSecret
	print [sha256.Size]byte
}

// KeyError reports a key that was refused, naming the key and the rule it
// breaks. It matches ErrInvalidKey with errors.Is.
type KeyError struct {
	// KID is the key's "kid" ("" when it has none).
	KID string
	// Index is the key's position in its set or file, from 0; -1 when unknown.
	Index int
	// Rule names the broken rule, e.g. "rsa-min-bits" or "use-enc".
	Rule string
	// Detail says what was found.
	Detail string
}

// Error implements error.
func (e *KeyError) Error() string {
	who := fmt.Sprintf("key %q", e.KID)
	if e.KID == "" {
		who = "key without kid"
	}
	if e.Index >= 0 {
		who = fmt.Sprintf("%s (#%d)", who, e.Index)
	}
	return fmt.Sprintf("keysource: %s refused (%s): %s", who, e.Rule, e.Detail)
}

// Unwrap lets errors.Is(err, ErrInvalidKey) match.
func (e *KeyError) Unwrap() error { return ErrInvalidKey }

func keyErr(kid, rule, format string, args ...any) *KeyError {
	return &KeyError{KID: kid, Index: -1, Rule: rule, Detail: fmt.Sprintf(format, args...)}
}

// NewKey checks and wraps a verification key. pub is an *rsa.PublicKey, an
// *ecdsa.PublicKey, an ed25519.PublicKey, or an HMAC secret as []byte. alg,
// when not empty, restricts the key to that one JWS algorithm and must fit
// it. The key is refused (an error matching ErrInvalidKey) when it is an RSA
// key under 2048 bits or over 8192, with an exponent below 3 or even, or with a modulus of
// the ROCA-weak form; an EC key on another curve than P-256, P-384 or P-521,
// or whose point is not on its curve; an Ed25519 key that is not a point or
// is a point of small order; an HMAC secret shorter than 32 bytes (or the
// hash size of its alg); or of any other type.
func NewKey(kid, alg string, pub any) (*Key, error) {
	k := &Key{id: kid}
	if alg != "" {
		a, ok := jose.ParseAlg(alg)
		if !ok {
			if why := jose.UnsupportedReason(alg); why != "" {
				return nil, keyErr(kid, "alg", "algorithm %q is not supported: %s", alg, why)
			}
			return nil, keyErr(kid, "alg", "algorithm %q is not a supported JWS signature algorithm", alg)
		}
		k.alg = a
	}
	switch p := pub.(type) {
	case *rsa.PublicKey:
		if p == nil {
			return nil, keyErr(kid, "type", "no key material")
		}
		if err := checkRSA(kid, p); err != nil {
			return nil, err
		}
		// A copy, so that the caller changing its key cannot undo the checks.
		k.pub = &rsa.PublicKey{N: new(big.Int).Set(p.N), E: p.E}
	case *ecdsa.PublicKey:
		if p == nil {
			return nil, keyErr(kid, "type", "no key material")
		}
		if err := checkEC(kid, p); err != nil {
			return nil, err
		}
		cp, err := copyEC(p)
		if err != nil {
			return nil, keyErr(kid, "ec-point", "EC point is not on curve %s", p.Curve.Params().Name)
		}
		k.pub = cp
	case ed25519.PublicKey:
		if len(p) != ed25519.PublicKeySize {
			return nil, keyErr(kid, "ed25519-size", "Ed25519 public key is %d bytes, want %d", len(p), ed25519.PublicKeySize)
		}
		if ed25519SmallOrder(p) {
			return nil, keyErr(kid, "ed25519-small-order", "Ed25519 public key is not a point, or a point of small order, for which signatures can be forged")
		}
		k.pub = append(ed25519.PublicKey(nil), p...)
	case []byte:
		return newHMACKey(k, jose.HMACSecret(p))
	case jose.HMACSecret:
		return newHMACKey(k, p)
	case nil:
		return nil, keyErr(kid, "type", "no key material")
	default:
		return nil, keyErr(kid, "type", "unsupported key type %T", pub)
	}
	if k.alg != jose.AlgUnknown && !k.alg.Fits(k.pub) {
		return nil, keyErr(kid, "alg-mismatch", "algorithm %s does not fit a %s key", k.alg, kindName(k.pub))
	}
	k.print = fingerprint(k.pub)
	return k, nil
}

func newHMACKey(k *Key, secret jose.HMACSecret) (*Key, error) {
	if len(secret) == 0 {
		return nil, keyErr(k.id, "hmac-empty", "HMAC secret is empty")
	}
	min := MinHMACBytes
	if k.alg != jose.AlgUnknown {
		if !k.alg.Symmetric() {
			return nil, keyErr(k.id, "alg-mismatch", "algorithm %s does not fit an HMAC secret", k.alg)
		}
		min = k.alg.Hash().Size()
	}
	if len(secret) < min {
		return nil, keyErr(k.id, "hmac-min-bytes", "HMAC secret is %d bytes, need at least %d", len(secret), min)
	}
	k.pub = append(jose.HMACSecret(nil), secret...)
	k.print = fingerprint(k.pub)
	return k, nil
}

func checkRSA(kid string, p *rsa.PublicKey) error {
	if p.N == nil || p.N.Sign() <= 0 {
		return keyErr(kid, "rsa-modulus", "RSA modulus is missing")
	}
	if bits := p.N.BitLen(); bits < MinRSABits {
		return keyErr(kid, "rsa-min-bits", "RSA modulus is %d bits, need at least %d", bits, MinRSABits)
	} else if bits > MaxRSABits {
		return keyErr(kid, "rsa-max-bits", "RSA modulus is %d bits, more than %d", bits, MaxRSABits)
	}
	if p.E < 3 || p.E%2 == 0 {
		return keyErr(kid, "rsa-exponent", "RSA public exponent %d is not an odd number of at least 3", p.E)
	}
	if p.N.Bit(0) == 0 {
		return keyErr(kid, "rsa-modulus", "RSA modulus is even")
	}
	if rocaWeak(p.N) {
		return keyErr(kid, "rsa-roca", "RSA modulus has the ROCA fingerprint (CVE-2017-15361)")
	}
	return nil
}

func checkEC(kid string, p *ecdsa.PublicKey) error {
	switch p.Curve {
	case elliptic.P256(), elliptic.P384(), elliptic.P521():
	default:
		name := "unknown"
		if p.Curve != nil {
			name = p.Curve.Params().Name
		}
		return keyErr(kid, "ec-curve", "curve %s is not P-256, P-384 or P-521", name)
	}
	if p.X == nil || p.Y == nil {
		return keyErr(kid, "ec-point", "EC point is missing")
	}
	// ECDH validates the encoding and that the point lies on the curve.
	if _, err := p.ECDH(); err != nil {
		return keyErr(kid, "ec-point", "EC point is not on curve %s", p.Curve.Params().Name)
	}
	return nil
}

// copyEC returns a copy of a checked EC key, through its fixed-width
// uncompressed encoding.
func copyEC(p *ecdsa.PublicKey) (*ecdsa.PublicKey, error) {
	enc, err := p.Bytes()
	if err != nil {
		return nil, err
	}
	return ecdsa.ParseUncompressedPublicKey(p.Curve, enc)
}

func kindName(pub any) string {
	switch pub.(type) {
	case *rsa.PublicKey:
		return "RSA"
	case *ecdsa.PublicKey:
		return "EC"
	case ed25519.PublicKey:
		return "Ed25519"
	case jose.HMACSecret:
		return "HMAC"
	}
	return fmt.Sprintf("%T", pub)
}

// fingerprint is a stable identity of the key material, used to tell whether a
// key survived a refresh. It is not the RFC 7638 thumbprint.
func fingerprint(pub any) [sha256.Size]byte {
	h := sha256.New()
	var n [8]byte
	switch p := pub.(type) {
	case *rsa.PublicKey:
		h.Write([]byte("RSA"))
		h.Write(p.N.Bytes())
		binary.BigEndian.PutUint64(n[:], uint64(p.E))
		h.Write(n[:])
	case *ecdsa.PublicKey:
		// The uncompressed encoding has fixed-width coordinates: unlike
		// X.Bytes() || 0 || Y.Bytes(), it cannot read as two points.
		h.Write([]byte(p.Curve.Params().Name))
		enc, _ := p.Bytes() // checked by NewKey, cannot fail
		h.Write(enc)
	case ed25519.PublicKey:
		h.Write([]byte("Ed25519"))
		h.Write(p)
	case jose.HMACSecret:
		h.Write([]byte("HMAC"))
		h.Write(p)
	}
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out
}

// ID returns the key's "kid" ("" when it has none).
func (k *Key) ID() string { return k.id }

// Algorithm returns the one JWS algorithm the key is restricted to, or "" when
// any algorithm that fits the key type (and is allowed by the verifier) may be
// used.
func (k *Key) Algorithm() string { return k.alg.String() }

// Symmetric reports whether the key is an HMAC secret.
func (k *Key) Symmetric() bool {
	_, ok := k.pub.(jose.HMACSecret)
	return ok
}

// Public returns the public key (*rsa.PublicKey, *ecdsa.PublicKey or
// ed25519.PublicKey), or nil for an HMAC secret, which is never handed out.
// The caller must not modify it.
func (k *Key) Public() any {
	if k.Symmetric() {
		return nil
	}
	return k.pub
}

// Material returns the converted key for signature verification, including an
// HMAC secret. It is meant for jwtguard's verifier; the caller must not modify
// it.
func (k *Key) Material() any { return k.pub }

// Fits reports whether the key may verify a token whose header names alg: the
// key's type fits the algorithm and, when the key carries its own alg, the two
// name the same operation. That is the same name, except that EdDSA and
// Ed25519 (RFC 9864's fully specified name for EdDSA over Ed25519) stand for
// each other on an Ed25519 key: a key whose "alg" is EdDSA verifies a token
// whose "alg" is Ed25519, and the other way round. Whether a name is accepted
// at all is the verifier's allow-list's decision.
func (k *Key) Fits(alg jose.Alg) bool {
	if k.alg != jose.AlgUnknown && !k.alg.SameOperation(alg) {
		return false
	}
	return alg.Fits(k.pub)
}

// SameMaterial reports whether k and o hold the same key material.
func (k *Key) SameMaterial(o *Key) bool { return o != nil && k.print == o.print }
