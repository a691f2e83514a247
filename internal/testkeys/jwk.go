package testkeys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/json"
	"math/big"
	"testing"
)

// JWK returns the public JWK of key as a map, for tests to adjust (add "use",
// drop a member, ...) before JWKSet marshals it. key is a public or private
// RSA, ECDSA or Ed25519 key (only the public members are written) or an HMAC
// secret (a []byte, written as an "oct" key). kid and alg are left out when
// empty; "use" is not set.
func JWK(t testing.TB, kid, alg string, key any) map[string]any {
	t.Helper()
	m := map[string]any{}
	if signer, ok := key.(crypto.Signer); ok {
		key = signer.Public()
	}
	switch k := key.(type) {
	case *rsa.PublicKey:
		m["kty"] = "RSA"
		m["n"] = b64.EncodeToString(k.N.Bytes())
		m["e"] = b64.EncodeToString(big.NewInt(int64(k.E)).Bytes())
	case *ecdsa.PublicKey:
		enc, err := k.Bytes()
		if err != nil {
			t.Fatalf("testkeys: %v", err)
		}
		size := (len(enc) - 1) / 2
		m["kty"] = "EC"
		m["crv"] = k.Curve.Params().Name
		m["x"] = b64.EncodeToString(enc[1 : 1+size])
		m["y"] = b64.EncodeToString(enc[1+size:])
	case ed25519.PublicKey:
		m["kty"] = "OKP"
		m["crv"] = "Ed25519"
		m["x"] = b64.EncodeToString(k)
	default:
		secret, ok := octets(key)
		if !ok {
			t.Fatalf("testkeys: no JWK for %T", key)
		}
		m["kty"] = "oct"
		m["k"] = b64.EncodeToString(secret)
	}
	if kid != "" {
		m["kid"] = kid
	}
	if alg != "" {
		m["alg"] = alg
	}
	return m
}

// JWKSet returns the JSON of a JWK Set {"keys": [...]} holding jwks in order.
func JWKSet(t testing.TB, jwks ...map[string]any) []byte {
	t.Helper()
	if jwks == nil {
		jwks = []map[string]any{}
	}
	b, err := json.Marshal(map[string]any{"keys": jwks})
	if err != nil {
		t.Fatalf("testkeys: %v", err)
	}
	return b
}
