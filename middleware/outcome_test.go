package middleware_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/verify"
)

func TestOnOutcome(t *testing.T) {
	var got []middleware.Outcome
	auth := mustNew(t, middleware.Config[claims.Keycloak]{
		Verifier:          fakeKeycloak(alice()),
		Optional:          false,
		SkipCORSPreflight: true,
		OnOutcome:         func(_ *http.Request, o middleware.Outcome) { got = append(got, o) },
	})
	h := auth.Handler(middleware.RequireScopes("admin:all")(ok200))
	tests := []struct {
		name string
		req  func() *http.Request
		want []middleware.Outcome
	}{
		{
			name: "no token",
			req:  func() *http.Request { return httptest.NewRequest(http.MethodGet, "/", nil) },
			want: []middleware.Outcome{{Decision: middleware.Denied, Status: 401, Reason: "missing_token", Err: middleware.ErrNoToken}},
		},
		{
			name: "expired",
			req: func() *http.Request {
				r := httptest.NewRequest(http.MethodGet, "/", nil)
				r.Header.Set("Authorization", "Bearer x.y.z")
				return r
			},
			want: []middleware.Outcome{{Decision: middleware.Denied, Status: 401, Reason: "expired"}},
		},
		{
			name: "allowed, then denied by scope",
			req: func() *http.Request {
				r := httptest.NewRequest(http.MethodGet, "/", nil)
				r.Header.Set("Authorization", "Bearer "+goodToken)
				return r
			},
			want: []middleware.Outcome{
				{Decision: middleware.Allowed},
				{Decision: middleware.Denied, Status: 403, Reason: "missing_scope", Err: middleware.ErrMissingScope},
			},
		},
		{
			name: "preflight",
			req: func() *http.Request {
				r := httptest.NewRequest(http.MethodOptions, "/", nil)
				r.Header.Set("Origin", "https://app.test")
				r.Header.Set("Access-Control-Request-Method", "POST")
				return r
			},
			// Let through by the Middleware, refused by the Require check
			// behind it: no CORS handler answered it in between.
			want: []middleware.Outcome{
				{Decision: middleware.Preflight},
				{Decision: middleware.Denied, Status: 401, Reason: "missing_token", Err: middleware.ErrNoToken},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got = nil
			serve(h, tt.req())
			require.Len(t, got, len(tt.want))
			for i := range got {
				assert.Equal(t, tt.want[i].Decision, got[i].Decision)
				assert.Equal(t, tt.want[i].Status, got[i].Status)
				assert.Equal(t, tt.want[i].Reason, got[i].Reason)
				if tt.want[i].Err != nil {
					assert.ErrorIs(t, got[i].Err, tt.want[i].Err)
				}
			}
		})
	}
}

func TestDecisionString(t *testing.T) {
	for d, want := range map[middleware.Decision]string{
		middleware.Allowed: "allowed", middleware.Anonymous: "anonymous",
		middleware.Preflight: "preflight", middleware.Denied: "denied", 0: "unknown",
	} {
		assert.Equal(t, want, d.String())
	}
}

func TestLogsNeverHoldTheToken(t *testing.T) {
	const secret = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2VjcmV0LXNpZ25hdHVyZS1ieXRlcw"
	leaky := verifierFunc[claims.Keycloak](func(_ context.Context, token string) (*claims.Keycloak, error) {
		// A careless custom verifier that quotes the token and its
		// signature in its error.
		return nil, fmt.Errorf("remote check refused %s (sig c2VjcmV0LXNpZ25hdHVyZS1ieXRlcw)", token)
	})
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	auth := mustNew(t, middleware.Config[claims.Keycloak]{
		Verifier:   leaky,
		Logger:     logger,
		Extractors: []middleware.Extractor{middleware.BearerHeader(), middleware.Query("access_token")},
	})
	h := auth.Handler(ok200)

	req := httptest.NewRequest(http.MethodGet, "/reports?access_token="+secret, nil)
	rec := serve(h, req)
	assert.Equal(t, http.StatusUnauthorized, rec.Code)

	out := buf.String()
	assert.Contains(t, out, "status=401")
	assert.Contains(t, out, "reason=rejected")
	assert.Contains(t, out, "path=/reports")
	assert.NotContains(t, out, secret)
	assert.NotContains(t, out, "c2VjcmV0LXNpZ25hdHVyZS1ieXRlcw")
	assert.NotContains(t, out, "access_token")
}

func TestLogLevels(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	unavailable := verifierFunc[claims.Keycloak](func(context.Context, string) (*claims.Keycloak, error) {
		return nil, &verify.Error{Reason: verify.ReasonKeysUnavailable, Err: keysource.ErrUnavailable}
	})
	tests := []struct {
		name   string
		v      middleware.Verifier[claims.Keycloak]
		token  string
		levels string
	}{
		{name: "missing token at debug", v: fakeKeycloak(alice()), levels: "level=DEBUG"},
		{name: "refused token at info", v: fakeKeycloak(alice()), token: "x.y.z", levels: "level=INFO"},
		{name: "keys unavailable at warn", v: unavailable, token: goodToken, levels: "level=WARN"},
		{name: "allowed at debug", v: fakeKeycloak(alice()), token: goodToken, levels: "level=DEBUG"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf.Reset()
			h := mustNew(t, middleware.Config[claims.Keycloak]{Verifier: tt.v, Logger: logger}).Handler(ok200)
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			serve(h, req)
			assert.Contains(t, buf.String(), tt.levels)
			assert.Equal(t, 1, bytes.Count(buf.Bytes(), []byte("\n")), buf.String())
		})
	}
}
