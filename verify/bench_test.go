package verify_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/verify"
)

// keycloakClaims is a Keycloak-sized access token body (about 700 bytes).
func keycloakClaims() map[string]any {
	return map[string]any{
		"exp": testNow.Add(time.Hour).Unix(), "iat": testNow.Unix(), "nbf": 0, "auth_time": testNow.Unix(),
		"jti": "b1f3c6a2-8d7e-4e8b-9c1a-2f7e5d3b9a10", "iss": testIssuer, "aud": []string{testAudience, "account"},
		"sub": "f4a9c1d2-5b7e-4c3a-8e2f-1a6d9b0c7e34", "typ": "Bearer", "azp": "ea-api-edge",
		"session_state": "7e1c9a2b-3d4f-4a5b-8c6d-9e0f1a2b3c4d", "sid": "7e1c9a2b-3d4f-4a5b-8c6d-9e0f1a2b3c4d", "acr": "1",
		"allowed-origins": []string{"https://app.e-attestations.com"},
		"realm_access":    map[string]any{"roles": []string{"offline_access", "uma_authorization", "default-roles-eat_realm"}},
		"resource_access": map[string]any{"account": map[string]any{"roles": []string{"manage-account", "manage-account-links", "view-profile"}}},
		"scope":           "openid profile email", "email_verified": true, "name": "Jeanne Martin",
		"preferred_username": "jeanne.martin", "given_name": "Jeanne", "family_name": "Martin",
		"email": "jeanne.martin@example.com", "account_ids": "118466",
	}
}

func benchVerify(b *testing.B, alg string, priv any, pub any, algs []string, cacheSize int) {
	k, err := keysource.NewKey("k1", "", pub)
	if err != nil {
		b.Fatal(err)
	}
	src, err := keysource.NewStatic(k)
	if err != nil {
		b.Fatal(err)
	}
	v, err := verify.New(verify.Config[claims.Keycloak]{
		Keys: src, Algorithms: algs, Issuers: []string{testIssuer}, Audiences: []string{testAudience},
		Now: func() time.Time { return testNow }, CacheSize: cacheSize,
	})
	if err != nil {
		b.Fatal(err)
	}
	tok := testkeys.SignClaims(b, alg, priv, map[string]any{"kid": "k1", "typ": "JWT"}, keycloakClaims())
	ctx := context.Background()
	if _, err := v.Verify(ctx, tok); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := v.Verify(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify measures a cold Verify (cache off): every call parses,
// checks the signature and decodes the claims.
func BenchmarkVerify(b *testing.B) { benchAll(b, -1) }

// BenchmarkVerifyCacheHit measures a token verified before.
func BenchmarkVerifyCacheHit(b *testing.B) { benchAll(b, 0) }

func benchAll(b *testing.B, cacheSize int) {
	rsaKey := testkeys.RSA2048(b)
	ecKey := testkeys.P256(b)
	edKey := testkeys.Ed25519(b)
	b.Run("RS256", func(b *testing.B) {
		benchVerify(b, "RS256", rsaKey, &rsaKey.PublicKey, []string{"RS256"}, cacheSize)
	})
	b.Run("ES256", func(b *testing.B) {
		benchVerify(b, "ES256", ecKey, &ecKey.PublicKey, []string{"ES256"}, cacheSize)
	})
	b.Run("EdDSA", func(b *testing.B) {
		benchVerify(b, "EdDSA", edKey, edKey.Public().(ed25519.PublicKey), []string{"EdDSA"}, cacheSize)
	})
	b.Run("HS256", func(b *testing.B) {
		benchVerify(b, "HS256", testkeys.HMAC(b), testkeys.HMAC(b), []string{"HS256"}, cacheSize)
	})
}

// BenchmarkVerifyCacheHitParallel measures cache hits on every core (run it
// with -cpu 1,2: the speed-up is the ns/op of one over that of two). Hits
// share the cached claims and allocate nothing.
func BenchmarkVerifyCacheHitParallel(b *testing.B) {
	k, err := keysource.NewKey("k1", "", &testkeys.RSA2048(b).PublicKey)
	if err != nil {
		b.Fatal(err)
	}
	src, err := keysource.NewStatic(k)
	if err != nil {
		b.Fatal(err)
	}
	v, err := verify.New(verify.Config[claims.Keycloak]{
		Keys: src, Algorithms: []string{"RS256"}, Issuers: []string{testIssuer}, Audiences: []string{testAudience},
		Now: func() time.Time { return testNow },
	})
	if err != nil {
		b.Fatal(err)
	}
	tok := testkeys.SignClaims(b, "RS256", testkeys.RSA2048(b), map[string]any{"kid": "k1", "typ": "JWT"}, keycloakClaims())
	if _, err := v.Verify(context.Background(), tok); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			if _, err := v.Verify(ctx, tok); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// coldTokens are 20,000 distinct HS256 and ES256 tokens with Keycloak-sized
// bodies, made once per process.
var coldTokens = struct {
	once         sync.Once
	hs256, es256 []string
}{}

const coldCount = 20_000

func coldWorkload(b *testing.B) (hs256, es256 []string) {
	coldTokens.once.Do(func() {
		hdr := map[string]any{"kid": "k1", "typ": "JWT"}
		for i := range coldCount {
			c := keycloakClaims()
			c["jti"] = fmt.Sprintf("cold-%d", i)
			coldTokens.hs256 = append(coldTokens.hs256, testkeys.SignClaims(b, "HS256", testkeys.HMAC(b), hdr, c))
			coldTokens.es256 = append(coldTokens.es256, testkeys.SignClaims(b, "ES256", testkeys.P256(b), hdr, c))
		}
	})
	return coldTokens.hs256, coldTokens.es256
}

// BenchmarkVerifyCold cycles through 20,000 distinct tokens, far more than
// the cache holds, with the cache off and on: the cache must never make
// this workload slower (compare the off and on lines of each algorithm).
// HS256 is the cheapest verification, so the cache's own cost shows most
// there.
func BenchmarkVerifyCold(b *testing.B) {
	hs, es := coldWorkload(b)
	ecKey := testkeys.P256(b)
	for _, alg := range []struct {
		name   string
		pub    any
		tokens []string
	}{
		{"HS256", testkeys.HMAC(b), hs},
		{"ES256", &ecKey.PublicKey, es},
	} {
		for _, cache := range []struct {
			name string
			size int
		}{{"cache=off", -1}, {"cache=on", 0}} {
			b.Run(alg.name+"/"+cache.name, func(b *testing.B) {
				k, err := keysource.NewKey("k1", "", alg.pub)
				if err != nil {
					b.Fatal(err)
				}
				src, err := keysource.NewStatic(k)
				if err != nil {
					b.Fatal(err)
				}
				v, err := verify.New(verify.Config[claims.Keycloak]{
					Keys: src, Algorithms: []string{alg.name}, Issuers: []string{testIssuer}, Audiences: []string{testAudience},
					Now: func() time.Time { return testNow }, CacheSize: cache.size,
				})
				if err != nil {
					b.Fatal(err)
				}
				ctx := context.Background()
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					if _, err := v.Verify(ctx, alg.tokens[i%len(alg.tokens)]); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
}

// BenchmarkRouterCacheHit measures a token verified before, through a
// Router: the hit should cost what the route's own hit costs.
func BenchmarkRouterCacheHit(b *testing.B) {
	k, err := keysource.NewKey("k1", "", &testkeys.RSA2048(b).PublicKey)
	if err != nil {
		b.Fatal(err)
	}
	src, err := keysource.NewStatic(k)
	if err != nil {
		b.Fatal(err)
	}
	v, err := verify.New(verify.Config[claims.Keycloak]{
		Keys: src, Algorithms: []string{"RS256"}, Issuers: []string{testIssuer}, Audiences: []string{testAudience},
		Now: func() time.Time { return testNow },
	})
	if err != nil {
		b.Fatal(err)
	}
	r, err := verify.NewRouter(map[string]verify.TokenVerifier[claims.Keycloak]{testIssuer: v})
	if err != nil {
		b.Fatal(err)
	}
	tok := testkeys.SignClaims(b, "RS256", testkeys.RSA2048(b), map[string]any{"kid": "k1", "typ": "JWT"}, keycloakClaims())
	ctx := context.Background()
	if _, err := r.Verify(ctx, tok); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Verify(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}
