package prommetrics_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/metrics/prommetrics"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/verify"
)

const (
	testIssuer   = "https://issuer.test"
	testAudience = "api"
	testKID      = "k1"
)

// rig is a real JWKS source, verifier and middleware wired to one
// registry.
type rig struct {
	reg  *prometheus.Registry
	m    *prommetrics.Metrics
	src  *keysource.Remote
	v    *verify.Verifier[claims.Registered]
	h    http.Handler
	jwks *httptest.Server
}

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{reg: prometheus.NewRegistry()}
	var err error
	r.m, err = prommetrics.New(r.reg, prommetrics.Options{})
	require.NoError(t, err)
	set := testkeys.JWKSet(t, testkeys.JWK(t, testKID, "ES256", testkeys.P256(t)))
	r.jwks = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(set)
	}))
	t.Cleanup(r.jwks.Close)
	r.src, err = keysource.NewJWKS(keysource.JWKSConfig{URL: r.jwks.URL, FetchConfig: keysource.FetchConfig{
		Hooks:  r.m.KeySourceHooks("idp"),
		Logger: slog.New(slog.DiscardHandler),
	}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = r.src.Close() })
	require.NoError(t, r.m.WatchKeySource("idp", r.src))
	r.v, err = verify.New(verify.Config[claims.Registered]{
		Keys:       r.src,
		Algorithms: []string{"ES256"},
		Issuers:    []string{testIssuer},
		Audiences:  []string{testAudience},
		Observer:   r.m.Verifier("idp"),
	})
	require.NoError(t, err)
	mw, err := middleware.New(middleware.Config[claims.Registered]{
		Verifier:  r.v,
		OnOutcome: r.m.Middleware("api"),
	})
	require.NoError(t, err)
	r.h = mw.Handler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	require.NoError(t, r.src.Ready(context.Background()))
	return r
}

// token signs claims with the source's key under kid.
func token(t testing.TB, kid string, c map[string]any) string {
	return testkeys.SignClaims(t, "ES256", testkeys.P256(t), map[string]any{"typ": "JWT", "kid": kid}, c)
}

// goodClaims are claims the rig accepts.
func goodClaims(sub string) map[string]any {
	now := time.Now()
	return map[string]any{"iss": testIssuer, "aud": testAudience, "sub": sub,
		"exp": now.Add(time.Hour).Unix(), "iat": now.Unix()}
}

// send runs one request with tok as a bearer token and returns its status.
func (r *rig) send(tok string) int {
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	rec := httptest.NewRecorder()
	r.h.ServeHTTP(rec, req)
	return rec.Code
}

// series counts the series in the registry, by metric family.
func series(t *testing.T, reg *prometheus.Registry) (total int, byFamily map[string]int) {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	byFamily = map[string]int{}
	for _, mf := range mfs {
		byFamily[mf.GetName()] = len(mf.GetMetric())
		total += len(mf.GetMetric())
	}
	return total, byFamily
}
