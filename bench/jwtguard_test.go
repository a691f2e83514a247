package bench

import (
	"context"
	"testing"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/verify"
)

// jwtguardVerifier builds jwtguard's verifier over a static source holding
// the fixture's JWK Set, decoding into claims.Keycloak, with the verified
// token cache on (its default size) or off.
func jwtguardVerifier(tb testing.TB, f *fixture, cached bool) *verify.Verifier[claims.Keycloak] {
	tb.Helper()
	src, err := keysource.StaticFromJWKS(f.jwks)
	if err != nil {
		tb.Fatal(err)
	}
	cfg := verify.Config[claims.Keycloak]{
		Keys:       src,
		Algorithms: []string{f.alg},
		Issuers:    []string{issuer},
		Audiences:  []string{audience},
	}
	if cached {
		cfg.CacheSize = verify.DefaultCacheSize
	} else {
		cfg.CacheSize = -1
	}
	v, err := verify.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

func newJWTGuard(cached bool) constructor {
	return func(tb testing.TB, f *fixture) func(string) error {
		v := jwtguardVerifier(tb, f, cached)
		ctx := context.Background()
		return func(token string) error {
			_, err := v.Verify(ctx, token)
			return err
		}
	}
}
