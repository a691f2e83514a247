package jose_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"testing"

	"github.com/jwtguard/jwtguard/internal/jose"
	"github.com/jwtguard/jwtguard/internal/testkeys"
)

// FuzzParseJWK checks that ParseJWK never panics, that a success yields the
// Go type its kty names (or nothing, for a private JWK), and that an error
// wraps one of the package's sentinels.
func FuzzParseJWK(f *testing.F) {
	for _, name := range []string{"jwks.json", "keycloak-certs.json", "hmac.jwks.json"} {
		members, err := jose.SplitJWKSet(testkeys.Read(f, name))
		if err != nil {
			f.Fatal(err)
		}
		for _, m := range members {
			f.Add([]byte(m))
		}
	}
	f.Add([]byte(`{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA","d":"AAAA"}`))
	f.Add([]byte(`{"kty":"OKP","crv":"Ed448","x":"AAAA"}`))
	f.Add([]byte(`{"kty":"oct","k":""}`))
	f.Add([]byte(`{"kty":"RSA","n":"AQAB","e":"AQ"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		raw, err := jose.ParseJWK(data)
		if err != nil {
			if !errors.Is(err, jose.ErrJWKMalformed) && !errors.Is(err, jose.ErrJWKUnsupported) && !errors.Is(err, jose.ErrECPoint) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			return
		}
		if raw.HasPrivate {
			if raw.Public != nil {
				t.Fatal("private JWK converted")
			}
			return
		}
		var ok bool
		switch raw.Kty {
		case "RSA":
			_, ok = raw.Public.(*rsa.PublicKey)
		case "EC":
			_, ok = raw.Public.(*ecdsa.PublicKey)
		case "OKP":
			_, ok = raw.Public.(ed25519.PublicKey)
		case "oct":
			_, ok = raw.Public.(jose.HMACSecret)
		}
		if !ok {
			t.Fatalf("kty %q gave %T", raw.Kty, raw.Public)
		}
		if _, err := jose.Thumbprint(raw.Public); err != nil {
			t.Fatalf("thumbprint of a parsed key: %v", err)
		}
	})
}

// FuzzSplitJWKSet checks that SplitJWKSet never panics and returns members
// that are well-formed JSON values taken from the input.
func FuzzSplitJWKSet(f *testing.F) {
	f.Add(testkeys.Read(f, "jwks.json"))
	f.Add([]byte(`{"keys":[1,{"a":1,"a":2},"x"],"other":{}}`))
	f.Add([]byte(`{"keys":[],"keys":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		members, err := jose.SplitJWKSet(data)
		if err != nil {
			if !errors.Is(err, jose.ErrJWKMalformed) || members != nil {
				t.Fatalf("error %v with %d members", err, len(members))
			}
			return
		}
		if len(members) > jose.MaxJWKSetKeys {
			t.Fatalf("%d members", len(members))
		}
		for _, m := range members {
			if len(m) == 0 || m.Kind() == 0 {
				t.Fatalf("member %q is not a JSON value", m)
			}
		}
	})
}
