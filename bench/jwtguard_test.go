package bench

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/revocation"
	"github.com/jwtguard/jwtguard/verify"
)

// jwtguardVerifier builds jwtguard's verifier over a static source holding
// the fixture's JWK Set, decoding into claims.Keycloak, with the verified
// token cache on (its default size) or off.
func jwtguardVerifier(tb testing.TB, f *fixture, cached bool) *verify.Verifier[claims.Keycloak] {
	tb.Helper()
	return jwtguardVerifierWith(tb, f, cached, nil)
}

// jwtguardVerifierWith is jwtguardVerifier with a revocation checker (nil
// for none).
func jwtguardVerifierWith(tb testing.TB, f *fixture, cached bool, rev revocation.Checker) *verify.Verifier[claims.Keycloak] {
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
		Revocation: rev,
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

// revocationEntries is how many revocations are in force in the rows with
// revocation on: a quarter each of tokens, sessions, subjects and clients,
// none of them the benchmark token's.
const revocationEntries = 100_000

// revocationStore returns a memory store holding revocationEntries entries
// for the fixture's issuer.
func revocationStore(tb testing.TB) *revocation.Memory {
	tb.Helper()
	m, err := revocation.NewMemory(revocation.MemoryConfig{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = m.Close() })
	ctx := context.Background()
	exp := time.Now().Add(time.Hour)
	for i := range revocationEntries {
		v := "revoked-" + strconv.Itoa(i)
		var e revocation.Entry
		switch i % 4 {
		case 0:
			e = revocation.TokenEntry(issuer, v, exp)
		case 1:
			e = revocation.SessionEntry(issuer, v)
		case 2:
			e = revocation.SubjectEntry(issuer, v, time.Time{})
		default:
			e = revocation.ClientEntry(issuer, v, time.Time{})
		}
		if err := m.Revoke(ctx, e); err != nil {
			tb.Fatal(err)
		}
	}
	return m
}
