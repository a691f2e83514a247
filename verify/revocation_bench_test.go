package verify_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/revocation"
	"github.com/jwtguard/jwtguard/verify"
)

// BenchmarkRevocationCacheHit compares, for one Keycloak-sized RS256
// token (with jti, sid and azp), a cache hit with the revocation check on,
// against a store of 100,000 entries in force none of which matches it,
// with a cache hit without the check and an RS256 cold verify (cache off):
// the goal is a checked hit at most 1/30 of the cold verify. The entries
// are of the token's issuer, of every kind, so each lookup runs.
func BenchmarkRevocationCacheHit(b *testing.B) {
	store, err := revocation.NewMemory(revocation.MemoryConfig{})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	exp := time.Now().Add(time.Hour)
	for i := range 100_000 {
		v := fmt.Sprintf("value-%d", i)
		var e revocation.Entry
		switch i % 4 {
		case 0:
			e = revocation.TokenEntry(testIssuer, v, exp)
		case 1:
			e = revocation.SessionEntry(testIssuer, v)
		case 2:
			e = revocation.SubjectEntry(testIssuer, v, time.Time{})
		default:
			e = revocation.ClientEntry(testIssuer, v, time.Time{})
		}
		if err := store.Revoke(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
	if n := store.Status().Entries; n != 100_000 {
		b.Fatalf("%d entries in force", n)
	}
	key := testkeys.RSA2048(b)
	k, err := keysource.NewKey("k1", "", &key.PublicKey)
	if err != nil {
		b.Fatal(err)
	}
	src, err := keysource.NewStatic(k)
	if err != nil {
		b.Fatal(err)
	}
	tok := testkeys.SignClaims(b, "RS256", key, map[string]any{"kid": "k1", "typ": "JWT"}, keycloakClaims())
	for _, bc := range []struct {
		name      string
		cacheSize int
		rev       revocation.Checker
	}{
		{"RS256_cold", -1, nil},
		{"RS256_cold_revocation_100k", -1, store},
		{"cache_hit", 0, nil},
		{"cache_hit_revocation_100k", 0, store},
	} {
		b.Run(bc.name, func(b *testing.B) {
			v, err := verify.New(verify.Config[claims.Keycloak]{
				Keys: src, Algorithms: []string{"RS256"}, Issuers: []string{testIssuer}, Audiences: []string{testAudience},
				Now: func() time.Time { return testNow }, CacheSize: bc.cacheSize, Revocation: bc.rev,
			})
			if err != nil {
				b.Fatal(err)
			}
			// Twice: the cache admits a token at its second verification.
			for range 2 {
				if _, err := v.Verify(ctx, tok); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(ctx, tok); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
