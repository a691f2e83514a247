package verify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/verify"
)

func TestRouter(t *testing.T) {
	const issA, issB = "https://idp.example/realms/a", "https://idp.example/realms/b"
	srcA := &fakeSource{cur: set(t, key(t, "k1", &testkeys.RSA2048(t).PublicKey))}
	srcB := &fakeSource{cur: set(t, key(t, "k1", &testkeys.RSA3072(t).PublicKey))}
	mk := func(src *fakeSource, iss string) *verify.Verifier[claims.Keycloak] {
		return rsaVerifier(t, src, func(c *verify.Config[claims.Keycloak]) { c.Issuers = []string{iss} })
	}
	r, err := verify.NewRouter(map[string]verify.TokenVerifier[claims.Keycloak]{issA: mk(srcA, issA), issB: mk(srcB, issB)})
	require.NoError(t, err)
	ctx := context.Background()

	signA := func(c map[string]any) string {
		return testkeys.SignClaims(t, "RS256", testkeys.RSA2048(t), map[string]any{"kid": "k1"}, c)
	}
	signB := func(c map[string]any) string {
		return testkeys.SignClaims(t, "RS256", testkeys.RSA3072(t), map[string]any{"kid": "k1"}, c)
	}

	c, err := r.Verify(ctx, signA(with("iss", issA)))
	require.NoError(t, err)
	require.Equal(t, issA, c.Issuer)
	c, err = r.Verify(ctx, signB(with("iss", issB)))
	require.NoError(t, err)
	require.Equal(t, issB, c.Issuer)

	for _, tc := range []struct {
		name  string
		token string
		want  error
	}{
		{"A's key cannot vouch for B's issuer", signA(with("iss", issB)), verify.ErrSignature},
		{"B's key cannot vouch for A's issuer", signB(with("iss", issA)), verify.ErrSignature},
		{"unknown issuer", signA(with("iss", "https://idp.example/realms/c")), verify.ErrIssuer},
		{"issuer with trailing slash", signA(with("iss", issA+"/")), verify.ErrIssuer},
		{"no issuer", signA(with("iss", nil)), verify.ErrMissingClaim},
		{"issuer not a string", signA(with("iss", 7)), verify.ErrClaims},
		{"duplicate iss", testkeys.SignRawHeader(t, "RS256", testkeys.RSA2048(t), []byte(`{"alg":"RS256","kid":"k1"}`), []byte(`{"iss":"`+issB+`","iss":"`+issA+`","exp":9999999999}`)), verify.ErrMalformed},
		{"not a JWS", "a.b", verify.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := srcA.keys.Load() + srcB.keys.Load()
			_, err := r.Verify(ctx, tc.token)
			require.ErrorIs(t, err, tc.want)
			if tc.want != verify.ErrSignature {
				require.Equal(t, before, srcA.keys.Load()+srcB.keys.Load(), "no key lookup for a token that cannot be routed")
			}
		})
	}

	_, err = verify.NewRouter(map[string]verify.TokenVerifier[claims.Keycloak]{})
	require.Error(t, err)
	_, err = verify.NewRouter(map[string]verify.TokenVerifier[claims.Keycloak]{"": mk(srcA, issA)})
	require.Error(t, err)
}

func FuzzUnverifiedIssuer(f *testing.F) {
	f.Add("eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJpIn0.c2ln")
	f.Add("eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOjF9.c2ln")
	f.Fuzz(func(t *testing.T, token string) {
		iss, err := verify.UnverifiedIssuer(token, 0)
		if err == nil && iss == "" {
			t.Fatal("empty issuer without error")
		}
	})
}

func TestRouterTokenSize(t *testing.T) {
	const iss = "https://idp.example/realms/big"
	src := &fakeSource{cur: set(t, key(t, "k1", &testkeys.RSA2048(t).PublicKey))}
	v := rsaVerifier(t, src, func(c *verify.Config[claims.Map]) { c.Issuers, c.MaxTokenBytes = []string{iss}, 64<<10 })
	r, err := verify.NewRouter(map[string]verify.TokenVerifier[claims.Map]{iss: v})
	require.NoError(t, err)
	big := testkeys.SignClaims(t, "RS256", testkeys.RSA2048(t), map[string]any{"kid": "k1"}, with("iss", iss, "pad", strings.Repeat("x", 27<<10)))
	require.Greater(t, len(big), verify.DefaultMaxTokenBytes)
	_, err = r.Verify(context.Background(), big)
	require.NoError(t, err, "the route takes 64 KiB, so the router reads that much")
}

// A token the Router has routed and its route verified before is answered
// without decoding it again: the hit allocates no more than the route's
// own hit (decoding the payload to read iss allocates).
func TestRouterHitSkipsDecoding(t *testing.T) {
	const issA, issB = "https://idp.example/realms/a", "https://idp.example/realms/b"
	src := staticRSA(t, "k1")
	mk := func(iss string) *verify.Verifier[claims.Keycloak] {
		return rsaVerifier(t, src, func(c *verify.Config[claims.Keycloak]) { c.Issuers = []string{iss} })
	}
	vA := mk(issA)
	r, err := verify.NewRouter(map[string]verify.TokenVerifier[claims.Keycloak]{issA: vA, issB: mk(issB)})
	require.NoError(t, err)
	ctx := context.Background()
	tok := signRS(t, "k1", with("iss", issA))
	for range 2 { // stored at the second
		_, err = r.Verify(ctx, tok)
		require.NoError(t, err)
	}

	direct := testing.AllocsPerRun(100, func() {
		if _, err := vA.Verify(ctx, tok); err != nil {
			t.Fatal(err)
		}
	})
	routed := testing.AllocsPerRun(100, func() {
		if _, err := r.Verify(ctx, tok); err != nil {
			t.Fatal(err)
		}
	})
	require.Equal(t, direct, routed, "allocations of a route's hit, direct and through the Router")
}

// A verifier may serve as a route and also on its own, accepting more
// issuers than its route's: a token it cached on its own is still routed
// by its iss, never answered by the route whose cache holds it.
func TestRouterCacheNeverCrossesRoutes(t *testing.T) {
	const issA, issB = "https://idp.example/realms/a", "https://idp.example/realms/b"
	srcA := &fakeSource{cur: set(t, key(t, "k1", &testkeys.RSA2048(t).PublicKey))}
	srcB := &fakeSource{cur: set(t, key(t, "k1", &testkeys.RSA3072(t).PublicKey))}
	both := rsaVerifier(t, srcA, func(c *verify.Config[claims.Keycloak]) { c.Issuers = []string{issA, issB} })
	onlyB := rsaVerifier(t, srcB, func(c *verify.Config[claims.Keycloak]) { c.Issuers = []string{issB} })
	r, err := verify.NewRouter(map[string]verify.TokenVerifier[claims.Keycloak]{issA: both, issB: onlyB})
	require.NoError(t, err)
	ctx := context.Background()

	// Signed by A's key, claiming B: the shared verifier accepts and
	// caches it (at its second verification) when used on its own.
	tok := signRS(t, "k1", with("iss", issB))
	warm(t, both, tok)
	for range 3 {
		_, err = r.Verify(ctx, tok)
		require.ErrorIs(t, err, verify.ErrSignature, "routed to B, whose key did not sign it")
	}
	// And a token first routed to A stays A's.
	tokA := signRS(t, "k1", with("iss", issA))
	for range 3 {
		c, err := r.Verify(ctx, tokA)
		require.NoError(t, err)
		require.Equal(t, issA, c.Issuer)
	}
}

// A Router remembers only tokens its route accepted, and forgets one its
// route refuses later.
func TestRouterCacheFollowsTheRoute(t *testing.T) {
	const iss = "https://idp.example/realms/a"
	clock := &mutableClock{now: testNow}
	v := rsaVerifier(t, staticRSA(t, "k1"), func(c *verify.Config[claims.Keycloak]) { c.Issuers, c.Now = []string{iss}, clock.Now })
	r, err := verify.NewRouter(map[string]verify.TokenVerifier[claims.Keycloak]{iss: v})
	require.NoError(t, err)
	ctx := context.Background()
	tok := signRS(t, "k1", with("iss", iss, "exp", testNow.Add(time.Minute).Unix()))
	for range 3 {
		_, err = r.Verify(ctx, tok)
		require.NoError(t, err)
	}
	clock.Add(time.Hour)
	for range 2 {
		_, err = r.Verify(ctx, tok)
		require.ErrorIs(t, err, verify.ErrExpired)
	}
}
