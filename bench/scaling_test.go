package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/revocation"
	"github.com/jwtguard/jwtguard/verify"
)

// BenchmarkScaling measures how jwtguard's cost grows with what a
// deployment varies: keys in the set, issuers behind a verify.Router, the
// verified-token cache's size under many distinct tokens, the size of the
// claims, and the revocations in force. Every group's first row is its baseline: cmd/report prints
// each row's ratio to it ("× first").
func BenchmarkScaling(b *testing.B) {
	b.Run("keys", benchKeys)
	b.Run("issuers", benchIssuers)
	b.Run("cache", benchCacheSize)
	b.Run("payload", benchPayload)
	b.Run("revocation", benchRevocation)
}

// benchKeys: RS256 cold (cache off) against a static set of 1, 100 or
// 1,000 kid'd keys, the token's kid last among them. The keys share the
// fixture's RSA material (generating 1,000 RSA keys would take minutes);
// only the lookup by kid differs.
func benchKeys(b *testing.B) {
	f := fixtureFor(b, "RS256")
	for _, n := range []int{1, 100, 1000} {
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			v := newVerifier(b, f.alg, manyKeys(b, f, n), issuer, -1)
			ctx, token := context.Background(), f.token
			benchLoop(b, func() error { _, err := v.Verify(ctx, token); return err })
		})
	}
}

// manyKeys is a static source of n kid'd copies of f's public key, f.kid
// last.
func manyKeys(tb testing.TB, f *fixture, n int) keysource.Source {
	tb.Helper()
	keys := make([]any, 0, n)
	for i := range n - 1 {
		jwk, err := publicJWK(fmt.Sprintf("%s-%04d", f.kid, i), f.alg, f.pub)
		if err != nil {
			tb.Fatal(err)
		}
		keys = append(keys, jwk)
	}
	jwk, err := publicJWK(f.kid, f.alg, f.pub)
	if err != nil {
		tb.Fatal(err)
	}
	doc, err := json.Marshal(map[string]any{"keys": append(keys, jwk)})
	if err != nil {
		tb.Fatal(err)
	}
	src, err := keysource.StaticFromJWKS(doc)
	if err != nil {
		tb.Fatal(err)
	}
	return src
}

// newVerifier is jwtguard's verifier for one issuer over src; cacheSize as
// verify.Config.CacheSize (-1: off).
func newVerifier(tb testing.TB, alg string, src keysource.Source, iss string, cacheSize int) *verify.Verifier[claims.Keycloak] {
	tb.Helper()
	v, err := verify.New(verify.Config[claims.Keycloak]{
		Keys: src, Algorithms: []string{alg}, Issuers: []string{iss}, Audiences: []string{audience},
		CacheSize: cacheSize,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// benchIssuers: a verify.Router over 1, 10 or 100 issuers, each with its
// own verifier (own key source, own cache), verifying an RS256 token of
// the last issuer; cold (cache off) and cached (every call a hit).
func benchIssuers(b *testing.B) {
	f := fixtureFor(b, "RS256")
	for _, mode := range []string{"cold", "cached"} {
		b.Run(mode, func(b *testing.B) {
			for _, n := range []int{1, 10, 100} {
				b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
					routes := make(map[string]verify.TokenVerifier[claims.Keycloak], n)
					var iss string
					for i := range n {
						iss = fmt.Sprintf("%s-%03d", issuer, i)
						src, err := keysource.StaticFromJWKS(f.jwks)
						if err != nil {
							b.Fatal(err)
						}
						size := -1
						if mode == "cached" {
							size = verify.DefaultCacheSize
						}
						routes[iss] = newVerifier(b, f.alg, src, iss, size)
					}
					r, err := verify.NewRouter(routes)
					if err != nil {
						b.Fatal(err)
					}
					c := keycloakClaims(time.Now())
					c["iss"] = iss
					ctx, token := context.Background(), f.signClaims(b, c)
					benchLoop(b, func() error { _, err := r.Verify(ctx, token); return err })
				})
			}
		})
	}
}

// cycleTokens is how many distinct tokens the cache curve cycles through;
// 2,000 with -short (the CI smoke run), where making and warming up
// 20,000 would take most of the run.
func cycleTokens() int {
	if testing.Short() {
		return 2_000
	}
	return 20_000
}

var (
	cycleOnce sync.Once
	cycle     []string
)

// cyclingTokens returns cycleTokens() distinct ES256 tokens (Keycloak claims,
// a different jti each), made once per process. ES256 rather than RS256
// because signing 20,000 tokens with RSA takes about 20 s; ES256 takes
// well under one.
func cyclingTokens(tb testing.TB) []string {
	f := fixtureFor(tb, "ES256")
	cycleOnce.Do(func() {
		base := keycloakClaims(time.Now())
		cycle = make([]string, cycleTokens())
		for i := range cycle {
			c := maps.Clone(base)
			c["jti"] = fmt.Sprintf("cycle-%05d", i)
			cycle[i] = f.signClaims(tb, c)
		}
	})
	return cycle
}

// hitCounter is a verify.Observer that counts verifications and cache hits.
type hitCounter struct{ calls, hits atomic.Int64 }

func (h *hitCounter) VerifyStart(ctx context.Context) context.Context { return ctx }
func (h *hitCounter) VerifyEnd(_ context.Context, e verify.VerifyEvent) {
	h.calls.Add(1)
	if e.CacheHit {
		h.hits.Add(1)
	}
}

// benchCacheSize: ES256 tokens of 20,000 distinct tokens presented in turn
// (a cyclic, cold-ish workload: each token comes back after 19,999
// others), with the cache off, at 1,024 (the default) and at 65,536
// entries. Two untimed passes over all tokens first bring the cache to its
// steady state (it admits a token when it is verified a second time). hit-% is the share of timed calls answered by the cache.
func benchCacheSize(b *testing.B) {
	f := fixtureFor(b, "ES256")
	tokens := cyclingTokens(b)
	for _, size := range []int{-1, 1024, 65536} {
		name := "size=" + strconv.Itoa(size)
		if size < 0 {
			name = "size=off"
		}
		b.Run(name, func(b *testing.B) {
			src, err := keysource.StaticFromJWKS(f.jwks)
			if err != nil {
				b.Fatal(err)
			}
			obs := new(hitCounter)
			v, err := verify.New(verify.Config[claims.Keycloak]{
				Keys: src, Algorithms: []string{f.alg}, Issuers: []string{issuer}, Audiences: []string{audience},
				CacheSize: size, Observer: obs,
			})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			if size > 0 {
				for range 2 { // the cache admits a token at its second verification
					for _, t := range tokens {
						if _, err := v.Verify(ctx, t); err != nil {
							b.Fatal(err)
						}
					}
				}
			}
			obs.calls.Store(0)
			obs.hits.Store(0)
			i := 0
			benchLoop(b, func() error {
				_, err := v.Verify(ctx, tokens[i%len(tokens)])
				i++
				return err
			})
			if n := obs.calls.Load(); n > 0 {
				b.ReportMetric(100*float64(obs.hits.Load())/float64(n), "hit-%")
			}
		})
	}
}

// benchPayload: RS256 tokens whose claims are about 0.5, 2 and 8 KB of
// JSON (registered claims, typ, azp, scope, and as many realm roles as the
// size needs), cold and cached. payload-B is the claims' size in bytes.
func benchPayload(b *testing.B) {
	f := fixtureFor(b, "RS256")
	for _, mode := range []string{"cold", "cached"} {
		b.Run(mode, func(b *testing.B) {
			for _, size := range []struct {
				name  string
				bytes int
			}{{"0.5KB", 512}, {"2KB", 2048}, {"8KB", 8192}} {
				b.Run(size.name, func(b *testing.B) {
					c, n := claimsOfSize(b, size.bytes)
					cacheSize := -1
					if mode == "cached" {
						cacheSize = verify.DefaultCacheSize
					}
					src, err := keysource.StaticFromJWKS(f.jwks)
					if err != nil {
						b.Fatal(err)
					}
					v := newVerifier(b, f.alg, src, issuer, cacheSize)
					ctx, token := context.Background(), f.signClaims(b, c)
					benchLoop(b, func() error { _, err := v.Verify(ctx, token); return err })
					b.ReportMetric(float64(n), "payload-B")
				})
			}
		})
	}
}

// claimsOfSize returns Keycloak-like claims whose JSON is at least size
// bytes (and less than one role more), and that size.
func claimsOfSize(tb testing.TB, size int) (map[string]any, int) {
	tb.Helper()
	now := time.Now()
	var roles []string
	for {
		c := map[string]any{
			"exp": now.Add(24 * time.Hour).Unix(), "iat": now.Unix(),
			"jti": "b1f3c6a2-8d7e-4e8b-9c1a-2f7e5d3b9a10", "iss": issuer, "aud": []string{audience, "account"},
			"sub": "f4a9c1d2-5b7e-4c3a-8e2f-1a6d9b0c7e34", "typ": "Bearer", "azp": audience,
			"scope": "openid profile email", "realm_access": map[string]any{"roles": roles},
		}
		doc, err := json.Marshal(c)
		if err != nil {
			tb.Fatal(err)
		}
		if len(doc) >= size {
			return c, len(doc)
		}
		roles = append(roles, fmt.Sprintf("app-role-%04d", len(roles)))
	}
}

// benchRevocation: RS256 with a revocation.Memory store holding 0, 100,000
// or 1,000,000 revoked jtis of the token's issuer (not the token's own),
// cold and cached (a cache hit asks the store again). With -short the
// 1,000,000 row is skipped: filling it takes seconds and about 100 MB.
func benchRevocation(b *testing.B) {
	f := fixtureFor(b, "RS256")
	for _, n := range []int{0, 100_000, 1_000_000} {
		if testing.Short() && n > 100_000 {
			continue
		}
		store := revokedStore(b, n)
		for _, mode := range []string{"cold", "cached"} {
			b.Run(mode+"/entries="+strconv.Itoa(n), func(b *testing.B) {
				src, err := keysource.StaticFromJWKS(f.jwks)
				if err != nil {
					b.Fatal(err)
				}
				size := -1
				if mode == "cached" {
					size = verify.DefaultCacheSize
				}
				v, err := verify.New(verify.Config[claims.Keycloak]{
					Keys: src, Algorithms: []string{f.alg}, Issuers: []string{issuer}, Audiences: []string{audience},
					CacheSize: size, Revocation: store,
				})
				if err != nil {
					b.Fatal(err)
				}
				ctx, token := context.Background(), f.token
				benchLoop(b, func() error { _, err := v.Verify(ctx, token); return err })
			})
		}
		if err := store.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// revokedStore returns a Memory store holding n revoked jtis of issuer.
func revokedStore(tb testing.TB, n int) *revocation.Memory {
	tb.Helper()
	store, err := revocation.NewMemory(revocation.MemoryConfig{MaxEntries: max(n, 1)})
	if err != nil {
		tb.Fatal(err)
	}
	ctx, exp := context.Background(), time.Now().Add(24*time.Hour)
	for i := range n {
		e := revocation.Entry{Kind: revocation.KindToken, Issuer: issuer, Value: fmt.Sprintf("revoked-%07d", i), Expires: exp}
		if err := store.Revoke(ctx, e); err != nil {
			tb.Fatal(err)
		}
	}
	return store
}
