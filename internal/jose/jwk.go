package jose

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/lestrrat-go/jwx/v3/jwk"
)

// Errors returned by ParseJWK, SplitJWKSet and Thumbprint. They are wrapped
// with %w.
var (
	// ErrJWKMalformed means a JWK or JWK Set is not strict JSON (duplicate
	// member names, invalid UTF-8, trailing data), lacks a required member,
	// or has a member of the wrong form.
	ErrJWKMalformed = errors.New("jose: malformed JWK")
	// ErrJWKUnsupported means a well-formed JWK of a key type or curve
	// jwtguard does not verify with (Ed448, X25519, X448, secp256k1, "AKP"
	// post-quantum keys, unknown types).
	ErrJWKUnsupported = errors.New("jose: unsupported JWK key type")
	// ErrECPoint means an EC JWK whose point is not on its curve.
	ErrECPoint = errors.New("jose: EC point is not on its curve")
)

// MaxJWKSetKeys is the largest number of members SplitJWKSet accepts in a
// "keys" array. Real issuers publish a handful; a document with more is
// refused as a whole rather than parsed at length.
const MaxJWKSetKeys = 1000

// RawJWK is one JWK after parsing, before jwtguard's key rules (see
// keysource.NewKey): its key may still be too weak, restricted to another
// purpose, or unfit for its "alg".
type RawJWK struct {
	// KID, Alg, Use and Kty are the members of the same name ("" when absent).
	KID, Alg, Use, Kty string
	// Crv is the "crv" member of an EC or OKP key ("" when absent).
	Crv string
	// KeyOps is the "key_ops" member: nil when the member is absent,
	// non-nil (possibly empty) when present.
	KeyOps []string
	// Public is the converted key: *rsa.PublicKey, *ecdsa.PublicKey,
	// ed25519.PublicKey or HMACSecret. It is nil when HasPrivate is set:
	// private material is never converted.
	Public any
	// HasPrivate reports a JWK that carries private key members (d, p, q,
	// dp, dq, qi, oth, priv) for a key type other than "oct". A verifier
	// must never be handed such a key.
	HasPrivate bool
}

// Registered JWK member names (RFC 7517, RFC 7518, RFC 8037, and "pub"/"priv"
// of the draft "AKP" key type), keyed by their lower case form, so that a
// name differing only in case (which encoding/json-style decoders, jwx's
// among them, may match) is refused instead of being read two ways.
var jwkMemberNames = func() map[string]string {
	m := make(map[string]string)
	for _, n := range []string{
		"kty", "use", "key_ops", "alg", "kid", "x5u", "x5c", "x5t", "x5t#S256",
		"n", "e", "d", "p", "q", "dp", "dq", "qi", "oth",
		"crv", "x", "y", "k", "pub", "priv",
	} {
		m[strings.ToLower(n)] = n
	}
	return m
}()

// privateMembers are the members that only a private JWK carries.
var privateMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "priv"}

// jwkObject is a JWK's members, decoded strictly.
type jwkObject map[string]jsontext.Value

// str returns the string member name ("" when absent). A present member that
// is not a JSON string (null included) is an error.
func (o jwkObject) str(name string) (string, error) {
	v, ok := o[name]
	if !ok {
		return "", nil
	}
	var s string
	if v.Kind() != '"' || json.Unmarshal(v, &s) != nil {
		return "", fmt.Errorf("%w: member %q is not a string", ErrJWKMalformed, name)
	}
	return s, nil
}

// octets decodes a required base64url member (RFC 7515 section 2: no
// padding, URL alphabet, no line breaks).
func (o jwkObject) octets(name string) ([]byte, error) {
	if _, ok := o[name]; !ok {
		return nil, fmt.Errorf("%w: member %q is missing", ErrJWKMalformed, name)
	}
	s, err := o.str(name)
	if err != nil {
		return nil, err
	}
	b, err := decodeB64URL(s)
	if err != nil {
		return nil, fmt.Errorf("%w: member %q is not unpadded base64url", ErrJWKMalformed, name)
	}
	return b, nil
}

func decodeB64URL(s string) ([]byte, error) {
	// The decoder skips CR and LF; a JWK member must not contain them.
	if strings.ContainsAny(s, "\r\n") {
		return nil, errors.New("line break in base64url")
	}
	return base64.RawURLEncoding.Strict().DecodeString(s)
}

// ParseJWK parses one JWK object. The input must be strict JSON: an object
// with no duplicate member names, no member name that differs from a
// registered one only in case, valid UTF-8 throughout and nothing after it.
// Binary members must be unpadded base64url.
//
// Supported are kty "RSA", "EC" (P-256, P-384, P-521), "OKP" (Ed25519) and
// "oct" (an HMAC secret, returned as HMACSecret). Other key types and curves
// fail with ErrJWKUnsupported. A JWK with private members is not converted:
// it comes back with HasPrivate set, Public nil and no error.
//
// The key is parsed and converted by jwx, whose own checks come on top of
// jwtguard's. When jwx refuses an RSA key or an "oct" key for a reason that a
// key rule names (a modulus under 2048 bits, an exponent below 3 or even, an
// empty secret), the error comes with Public set to the key as decoded, so
// that the caller's key rules can say which rule it breaks; such a key is
// never usable. An EC point off its curve fails with ErrECPoint.
//
// On any error the members decoded so far (KID, Alg, Use, Kty, Crv, KeyOps,
// HasPrivate) are returned with it, so that the caller can name the key.
func ParseJWK(data []byte) (RawJWK, error) {
	var raw RawJWK
	var obj jwkObject
	if err := json.Unmarshal(data, &obj); err != nil || obj == nil {
		if err == nil {
			err = errors.New("null")
		}
		return raw, fmt.Errorf("%w: not a strict JSON object: %v", ErrJWKMalformed, err)
	}
	for name := range obj {
		if canon, ok := jwkMemberNames[strings.ToLower(name)]; ok && canon != name {
			return raw, fmt.Errorf("%w: member %q differs from %q only in case", ErrJWKMalformed, name, canon)
		}
	}
	var err error
	for _, f := range []struct {
		dst  *string
		name string
	}{{&raw.Kty, "kty"}, {&raw.KID, "kid"}, {&raw.Alg, "alg"}, {&raw.Use, "use"}, {&raw.Crv, "crv"}} {
		if *f.dst, err = obj.str(f.name); err != nil {
			return raw, err
		}
	}
	if raw.KeyOps, err = keyOps(obj); err != nil {
		return raw, err
	}
	if raw.Kty == "" {
		return raw, fmt.Errorf("%w: member \"kty\" is missing or empty", ErrJWKMalformed)
	}
	if raw.Kty != "oct" {
		for _, m := range privateMembers {
			if _, ok := obj[m]; ok {
				raw.HasPrivate = true
				return raw, nil
			}
		}
	}

	want, err := decodeMaterial(raw, obj)
	if err != nil {
		return raw, err
	}
	key, err := jwk.ParseKey(data)
	if err != nil {
		return diagnose(raw, want, err)
	}
	if kty := key.KeyType().String(); kty != raw.Kty {
		return raw, fmt.Errorf("%w: jwx read kty %q, not %q", ErrJWKMalformed, kty, raw.Kty)
	}
	if kid, _ := key.KeyID(); kid != raw.KID {
		return raw, fmt.Errorf("%w: jwx read kid %q, not %q", ErrJWKMalformed, kid, raw.KID)
	}
	pub, err := export(raw.Kty, key)
	if err != nil {
		return raw, fmt.Errorf("%w: %v", ErrJWKMalformed, err)
	}
	if !sameMaterial(pub, want) {
		return raw, fmt.Errorf("%w: jwx converted the key to other material than its members hold", ErrJWKMalformed)
	}
	raw.Public = pub
	return raw, nil
}

func keyOps(obj jwkObject) ([]string, error) {
	v, ok := obj["key_ops"]
	if !ok {
		return nil, nil
	}
	ops := []string{}
	if v.Kind() != '[' || json.Unmarshal(v, &ops) != nil {
		return nil, fmt.Errorf("%w: member \"key_ops\" is not an array of strings", ErrJWKMalformed)
	}
	for i, op := range ops {
		if slices.Contains(ops[:i], op) {
			return nil, fmt.Errorf("%w: member \"key_ops\" repeats %q", ErrJWKMalformed, op)
		}
	}
	return ops, nil
}

// decodeMaterial checks the key type and curve and decodes the public
// material from the members, independently of jwx: the result serves to
// explain jwx's refusals and to check its conversion.
func decodeMaterial(raw RawJWK, obj jwkObject) (any, error) {
	switch raw.Kty {
	case "RSA":
		n, err := obj.octets("n")
		if err != nil {
			return nil, err
		}
		e, err := obj.octets("e")
		if err != nil {
			return nil, err
		}
		be := new(big.Int).SetBytes(e)
		if len(n) == 0 || be.BitLen() > 31 {
			return nil, fmt.Errorf("%w: RSA modulus empty or exponent too large", ErrJWKMalformed)
		}
		return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(be.Int64())}, nil
	case "EC":
		var curve elliptic.Curve
		switch raw.Crv {
		case "P-256":
			curve = elliptic.P256()
		case "P-384":
			curve = elliptic.P384()
		case "P-521":
			curve = elliptic.P521()
		case "":
			return nil, fmt.Errorf("%w: EC key without \"crv\"", ErrJWKMalformed)
		default:
			return nil, fmt.Errorf("%w: EC curve %q", ErrJWKUnsupported, raw.Crv)
		}
		x, err := obj.octets("x")
		if err != nil {
			return nil, err
		}
		y, err := obj.octets("y")
		if err != nil {
			return nil, err
		}
		size := (curve.Params().BitSize + 7) / 8
		if len(x) != size || len(y) != size {
			return nil, fmt.Errorf("%w: EC coordinates of %d and %d bytes, want %d for %s", ErrJWKMalformed, len(x), len(y), size, raw.Crv)
		}
		return ecPoint{curve, slices.Concat([]byte{4}, x, y)}, nil
	case "OKP":
		switch raw.Crv {
		case "Ed25519":
		case "":
			return nil, fmt.Errorf("%w: OKP key without \"crv\"", ErrJWKMalformed)
		case "Ed448":
			return nil, fmt.Errorf("%w: OKP curve %q: %s", ErrJWKUnsupported, raw.Crv, UnsupportedReason("Ed448"))
		default:
			return nil, fmt.Errorf("%w: OKP curve %q (only Ed25519 verifies signatures here)", ErrJWKUnsupported, raw.Crv)
		}
		x, err := obj.octets("x")
		if err != nil {
			return nil, err
		}
		if len(x) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: Ed25519 key of %d bytes, want %d", ErrJWKMalformed, len(x), ed25519.PublicKeySize)
		}
		return ed25519.PublicKey(x), nil
	case "oct":
		k, err := obj.octets("k")
		if err != nil {
			return nil, err
		}
		return HMACSecret(k), nil
	}
	return nil, fmt.Errorf("%w: key type %q", ErrJWKUnsupported, raw.Kty)
}

// ecPoint is an EC public key as its curve and uncompressed SEC 1 encoding.
type ecPoint struct {
	curve elliptic.Curve
	enc   []byte
}

// diagnose turns jwx's refusal into an error that says why, when the
// decoded members show a reason the key rules name.
func diagnose(raw RawJWK, want any, jwxErr error) (RawJWK, error) {
	switch w := want.(type) {
	case *rsa.PublicKey:
		if w.N.BitLen() < 2048 || w.E < 3 || w.E%2 == 0 {
			raw.Public = w
		}
	case ecPoint:
		if _, err := ecdsa.ParseUncompressedPublicKey(w.curve, w.enc); err != nil {
			return raw, fmt.Errorf("%w (%s)", ErrECPoint, raw.Crv)
		}
	case HMACSecret:
		if len(w) == 0 {
			raw.Public = w
		}
	}
	return raw, fmt.Errorf("%w: %v", ErrJWKMalformed, jwxErr)
}

// export converts key with jwx and checks the Go type it comes back as.
func export(kty string, key jwk.Key) (any, error) {
	var raw any
	if err := jwk.Export(key, &raw); err != nil {
		return nil, err
	}
	switch p := raw.(type) {
	case *rsa.PublicKey:
		if kty == "RSA" {
			return p, nil
		}
	case *ecdsa.PublicKey:
		if kty == "EC" {
			return p, nil
		}
	case ed25519.PublicKey:
		if kty == "OKP" {
			return p, nil
		}
	case []byte:
		if kty == "oct" {
			return HMACSecret(p), nil
		}
	}
	return nil, fmt.Errorf("jwx converted a %q key to %T", kty, raw)
}

// sameMaterial reports whether jwx's conversion holds the material decoded
// from the members.
func sameMaterial(pub, want any) bool {
	switch w := want.(type) {
	case *rsa.PublicKey:
		p, ok := pub.(*rsa.PublicKey)
		return ok && p != nil && p.E == w.E && p.N.Cmp(w.N) == 0
	case ecPoint:
		p, ok := pub.(*ecdsa.PublicKey)
		if !ok || p == nil || p.Curve != w.curve {
			return false
		}
		enc, err := p.Bytes()
		return err == nil && bytes.Equal(enc, w.enc)
	case ed25519.PublicKey:
		p, ok := pub.(ed25519.PublicKey)
		return ok && bytes.Equal(p, w)
	case HMACSecret:
		p, ok := pub.(HMACSecret)
		return ok && bytes.Equal(p, w)
	}
	return false
}

// Thumbprint returns the RFC 7638 JWK thumbprint of a key, SHA-256, base64url
// without padding. pub is an *rsa.PublicKey, *ecdsa.PublicKey,
// ed25519.PublicKey or HMACSecret. The thumbprint of an HMAC secret is a
// hash of the secret: keep it as private as the secret.
func Thumbprint(pub any) (string, error) {
	switch p := pub.(type) {
	case HMACSecret:
		pub = []byte(p)
	case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
	default:
		return "", fmt.Errorf("%w: cannot take the thumbprint of %T", ErrJWKUnsupported, pub)
	}
	key, err := jwk.Import(pub)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrJWKMalformed, err)
	}
	sum, err := key.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrJWKMalformed, err)
	}
	return base64.RawURLEncoding.EncodeToString(sum), nil
}
