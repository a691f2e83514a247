package verify_test

import (
	"context"
	"strings"
	"testing"

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
