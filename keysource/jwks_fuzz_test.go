package keysource_test

import (
	"errors"
	"testing"

	"github.com/jwtguard/jwtguard/internal/jose"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
)

// FuzzParseJWKS checks that ParseJWKS never panics and that every member of
// a JWK Set comes out exactly once, as a key or as a skipped *KeyError, with
// no two keys sharing a kid. Seeds: testdata/fuzz/FuzzParseJWKS and the
// committed JWK Sets.
func FuzzParseJWKS(f *testing.F) {
	for _, name := range []string{"jwks.json", "keycloak-certs.json", "hmac.jwks.json", "rsa3072.jwks.json"} {
		f.Add(testkeys.Read(f, name))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, skipped, err := keysource.ParseJWKS(data)
		members, splitErr := jose.SplitJWKSet(data)
		if err != nil {
			if !errors.Is(err, keysource.ErrMalformed) || keys != nil || skipped != nil {
				t.Fatalf("document error %v with %d keys, %d skipped", err, len(keys), len(skipped))
			}
			if splitErr == nil {
				t.Fatalf("ParseJWKS refused a document SplitJWKSet accepts: %v", err)
			}
			return
		}
		if splitErr != nil {
			t.Fatalf("ParseJWKS accepted a document SplitJWKSet refuses: %v", splitErr)
		}
		if len(keys)+len(skipped) != len(members) {
			t.Fatalf("%d members, %d keys + %d skipped", len(members), len(keys), len(skipped))
		}
		kids := make(map[string]bool)
		for _, k := range keys {
			if k == nil {
				t.Fatal("nil key")
			}
			if k.ID() != "" && kids[k.ID()] {
				t.Fatalf("kid %q twice", k.ID())
			}
			kids[k.ID()] = true
			if _, err := keysource.NewKey(k.ID(), k.Algorithm(), k.Material()); err != nil {
				t.Fatalf("a returned key breaks a rule: %v", err)
			}
		}
		seen := make(map[int]bool)
		for _, s := range skipped {
			var ke *keysource.KeyError
			if !errors.As(s, &ke) || !errors.Is(s, keysource.ErrInvalidKey) || ke.Rule == "" {
				t.Fatalf("skipped error %v is not a *KeyError with a rule", s)
			}
			if ke.Index < 0 || ke.Index >= len(members) || seen[ke.Index] {
				t.Fatalf("skipped index %d out of range or repeated", ke.Index)
			}
			seen[ke.Index] = true
		}
		if _, err := keysource.NewSet(keys...); err != nil &&
			!errors.Is(err, keysource.ErrNoKeys) && !errors.Is(err, keysource.ErrMixedKeys) {
			t.Fatalf("NewSet: %v", err)
		}
	})
}
