package remotecheck_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/fakeepr"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/remotecheck"
)

// TestMiddlewareEndToEnd runs requests through the middleware package with
// an EPR Checker as its verifier and the token in x-access-token.
func TestMiddlewareEndToEnd(t *testing.T) {
	e := newEPR(t, nil)
	auth, err := middleware.New(middleware.Config[userClaims]{
		Verifier:   e.chk,
		Extractors: []middleware.Extractor{middleware.Header(remotecheck.EPRTokenHeader)},
	})
	require.NoError(t, err)
	api := httptest.NewServer(auth.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := middleware.ClaimsFrom[userClaims](r.Context())
		if !ok {
			http.Error(w, "no claims", http.StatusInternalServerError)
			return
		}
		_, _ = io.WriteString(w, "hello "+c.Subject)
	})))
	t.Cleanup(api.Close)

	live := login(t, e.srv, fakeepr.UserName, fakeepr.UserPassword)
	loggedOut := e.srv.Token(fakeepr.UserName)
	e.srv.Logout(loggedOut)
	uncached := e.srv.Token(fakeepr.UserName)

	tests := []struct {
		name       string
		token      string
		down       bool
		status     int
		body       string
		reason     string
		retryAfter bool
	}{
		{name: "live token", token: live, status: http.StatusOK, body: "hello " + fakeepr.UserName},
		{name: "Bearer prefix tolerated", token: "Bearer " + live, status: http.StatusOK, body: "hello " + fakeepr.UserName},
		{name: "logged-out token", token: loggedOut, status: http.StatusUnauthorized, reason: remotecheck.ReasonInactive},
		{name: "expired token", token: e.srv.TokenWithTTL(fakeepr.UserName, -fakeepr.DefaultTokenTTL), status: http.StatusUnauthorized, reason: "expired"},
		{name: "no token", status: http.StatusUnauthorized},
		{name: "not a JWT: refused without a call", token: "opaque-token", status: http.StatusUnauthorized, reason: "malformed"},
		{name: "check endpoint down", token: uncached, down: true, status: http.StatusServiceUnavailable, retryAfter: true},
		{name: "live token cached through the outage", token: live, down: true, status: http.StatusOK, body: "hello " + fakeepr.UserName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.down {
				e.srv.SetMode(fakeepr.Down)
				defer e.srv.SetMode(fakeepr.Up)
			}
			req, err := http.NewRequest(http.MethodGet, api.URL+"/reports", nil)
			require.NoError(t, err)
			if tt.token != "" {
				req.Header.Set("x-access-token", tt.token)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)

			require.Equal(t, tt.status, resp.StatusCode, string(body))
			if tt.body != "" {
				require.Equal(t, tt.body, string(body))
			}
			if tt.reason != "" {
				require.Contains(t, resp.Header.Get("WWW-Authenticate"), `error_description="`+tt.reason+`"`)
				var p middleware.Problem
				require.NoError(t, json.Unmarshal(body, &p))
				require.Equal(t, tt.reason, p.Reason)
			}
			if tt.retryAfter {
				require.NotEmpty(t, resp.Header.Get("Retry-After"))
				var p middleware.Problem
				require.NoError(t, json.Unmarshal(body, &p))
				// The middleware passes the checker's own reason on.
				require.Equal(t, remotecheck.ReasonCheckUnavailable, p.Reason)
			}
			if tt.token != "" {
				require.False(t, strings.Contains(string(body), tt.token), "the token is never echoed")
			}
		})
	}
}
