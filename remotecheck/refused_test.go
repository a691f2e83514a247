package remotecheck_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/fakeintrospect"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/remotecheck"
)

// TestIntrospectionRefusedToken: a 400 whose error says "not this token"
// (unsupported_token_type, invalid_request: what oidc-provider answers for
// a JWT it will not introspect) refuses the token, 401 check_refused,
// logged at Error with the server's error code; it is not an outage (503).
// Another 400 stays an unusable answer.
func TestIntrospectionRefusedToken(t *testing.T) {
	tests := []struct {
		name   string
		code   string
		status int
		reason string
	}{
		{name: "unsupported_token_type", code: "unsupported_token_type", status: http.StatusUnauthorized, reason: "check_refused"},
		{name: "invalid_request", code: "invalid_request", status: http.StatusUnauthorized, reason: "check_refused"},
		{name: "another error", code: "server_error", status: http.StatusServiceUnavailable, reason: "check_bad_response"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeintrospect.New(t, fakeintrospect.Options{ClientID: clientID, ClientSecret: clientSecret})
			var logs bytes.Buffer
			chk, err := remotecheck.NewIntrospection[remotecheck.Introspection](remotecheck.IntrospectionConfig{
				Endpoint: srv.Endpoint, ClientID: clientID, ClientSecret: clientSecret, InsecureSkipAudienceCheck: true,
				Options: remotecheck.Options{Attempts: 1, Logger: slog.New(slog.NewTextHandler(&logs, nil))},
			})
			require.NoError(t, err)
			auth, err := middleware.New(middleware.Config[remotecheck.Introspection]{Verifier: chk})
			require.NoError(t, err)
			h := auth.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))

			token := jwt(t, map[string]any{"sub": "alice", "exp": 4102444800})
			srv.Refuse(token, tt.code)
			srv.Activate("live", map[string]any{"sub": "bob"})
			for _, tok := range []string{token, token} { // the second from the negative cache
				rec := httptest.NewRecorder()
				req := httptest.NewRequest(http.MethodGet, "/", nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				h.ServeHTTP(rec, req)
				require.Equal(t, tt.status, rec.Code, rec.Body.String())
				var p middleware.Problem
				require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &p))
				require.Equal(t, tt.reason, p.Reason)
				require.NotContains(t, rec.Body.String(), tt.code, "the server's error is for the logs")
			}
			_, err = chk.Verify(context.Background(), token)
			if tt.status == http.StatusUnauthorized {
				requireReason(t, err, remotecheck.ErrCheckRefused, remotecheck.ReasonCheckRefused)
				require.NotErrorIs(t, err, remotecheck.ErrCheckUnavailable, "not an outage")
			} else {
				requireReason(t, err, remotecheck.ErrBadResponse, remotecheck.ReasonBadResponse)
			}
			_, err = chk.Verify(context.Background(), "live")
			require.NoError(t, err, "other tokens are unaffected")
			if tt.status == http.StatusUnauthorized {
				require.Equal(t, 2, srv.Requests(), "the refusal is remembered like an inactive answer")
				require.Contains(t, logs.String(), "level=ERROR")
				require.Contains(t, logs.String(), "error="+tt.code)
				require.Equal(t, 1, strings.Count(logs.String(), "level=ERROR"))
				require.NotContains(t, logs.String(), token, "the token is never logged")
			}
		})
	}
}
