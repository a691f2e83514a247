package middleware_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/verify"
)

// verifierFunc is a Verifier made of a function, so a test decides what the
// verifier answers.
type verifierFunc[C any] func(ctx context.Context, token string) (*C, error)

func (f verifierFunc[C]) Verify(ctx context.Context, token string) (*C, error) { return f(ctx, token) }

// goodToken is the one token the fake verifiers accept.
const goodToken = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl"

// fakeKeycloak accepts goodToken with the given claims, and refuses any
// other token as expired.
func fakeKeycloak(c *claims.Keycloak) verifierFunc[claims.Keycloak] {
	return func(_ context.Context, token string) (*claims.Keycloak, error) {
		if token != goodToken {
			return nil, &verify.Error{Reason: verify.ReasonExpired, Err: verify.ErrExpired}
		}
		return c, nil
	}
}

// alice is the Keycloak principal of goodToken.
func alice() *claims.Keycloak {
	return &claims.Keycloak{
		Registered:     claims.Registered{Subject: "alice", Issuer: "https://issuer.test"},
		Scope:          claims.Scopes{"openid", "reports:read"},
		RealmAccess:    claims.Roles{Roles: []string{"user", "auditor"}},
		ResourceAccess: map[string]claims.Roles{"billing": {Roles: []string{"invoice:read"}}},
	}
}

// mustNew builds a Middleware or fails the test.
func mustNew[C any](t testing.TB, cfg middleware.Config[C]) *middleware.Middleware[C] {
	t.Helper()
	m, err := middleware.New(cfg)
	require.NoError(t, err)
	return m
}

// echo answers 200 with the subject of the claims in the context, or
// "anonymous".
func echo[C any](sub func(*C) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := middleware.ClaimsFrom[C](r.Context())
		w.Header().Set("Content-Type", "text/plain")
		if !ok {
			_, _ = w.Write([]byte("anonymous"))
			return
		}
		_, _ = w.Write([]byte("hello " + sub(c)))
	})
}

func keycloakSub(c *claims.Keycloak) string { return c.Subject }

// serve runs one request through h.
func serve(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// problem decodes a problem+json body.
func problem(t testing.TB, rec *httptest.ResponseRecorder) middleware.Problem {
	t.Helper()
	require.Equal(t, middleware.ProblemContentType, rec.Header().Get("Content-Type"))
	var p middleware.Problem
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &p))
	return p
}

// realVerifier is a verify.Verifier over the P-256 test key, with a fixed
// clock, and a signer for tokens it accepts.
type realVerifier struct {
	v   *verify.Verifier[claims.Keycloak]
	now time.Time
}

func newRealVerifier(t testing.TB) realVerifier {
	t.Helper()
	src, err := keysource.StaticFromPublicKeys(testkeys.P256(t).Public())
	require.NoError(t, err)
	now := time.Unix(1_750_000_000, 0)
	v, err := verify.New(verify.Config[claims.Keycloak]{
		Keys:       src,
		Algorithms: []string{"ES256"},
		Issuers:    []string{"https://issuer.test"},
		Audiences:  []string{"api"},
		Now:        func() time.Time { return now },
	})
	require.NoError(t, err)
	return realVerifier{v: v, now: now}
}

// sign returns a token over claims that expires ttl after the verifier's
// clock; extra claims are merged in.
func (rv realVerifier) sign(t testing.TB, ttl time.Duration, extra map[string]any) string {
	t.Helper()
	c := map[string]any{
		"iss":   "https://issuer.test",
		"aud":   "api",
		"sub":   "alice",
		"iat":   rv.now.Unix(),
		"exp":   rv.now.Add(ttl).Unix(),
		"scope": "openid reports:read",
	}
	for k, v := range extra {
		c[k] = v
	}
	return testkeys.SignClaims(t, "ES256", testkeys.P256(t), map[string]any{"typ": "JWT"}, c)
}
