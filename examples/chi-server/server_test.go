package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a log sink that tests may read while servers write to it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startApp starts the example in-process on free loopback ports, with
// args added to the port flags, and stops it when the test ends.
func startApp(t *testing.T, args ...string) (*app, *syncBuffer) {
	t.Helper()
	c, err := parseFlags(append([]string{"-addr", "127.0.0.1:0", "-demo-addr", "127.0.0.1:0"}, args...), io.Discard)
	require.NoError(t, err)
	logs := &syncBuffer{}
	a, err := start(context.Background(), c, slog.New(slog.NewTextHandler(logs, nil)))
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, a.shutdown(context.Background())) })
	return a, logs
}

// mint asks a demo issuer for a token, as the banner's curl does.
func mint(t *testing.T, issuerURL string, form url.Values) string {
	t.Helper()
	resp, err := http.PostForm(issuerURL+tokenPath, form)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var body struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	require.Equal(t, "Bearer", body.TokenType)
	return body.AccessToken
}

// call makes one GET with the given headers and returns the response and
// its body.
func call(t *testing.T, target string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, target, nil)
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

func bearer(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }

func TestDemoEndToEnd(t *testing.T) {
	a, logs := startApp(t, "-header", "x-access-token")
	user := mint(t, a.issuerURL, url.Values{"sub": {"alice"}, "scope": {"openid reports:read"}, "roles": {"user"}})
	admin := mint(t, a.issuerURL, url.Values{"sub": {"root"}, "roles": {"admin,user"}})
	expired := mint(t, a.issuerURL, url.Values{"ttl": {"-5m"}, "scope": {"reports:read"}})
	const realm = `Bearer realm="jwtguard-example"`

	tests := []struct {
		name      string
		path      string
		header    http.Header
		status    int
		challenge string
		reason    string // logged reason, and Problem.reason
		body      string // substring of a 200's body
	}{
		{name: "health is public", path: "/healthz", status: 200, body: `"status":"ok"`},
		{name: "me without token", path: "/api/me", status: 401, challenge: realm, reason: "missing_token"},
		{name: "me", path: "/api/me", header: bearer(user), status: 200, body: `"sub":"alice"`},
		{name: "me through x-access-token", path: "/api/me", header: http.Header{"X-Access-Token": {user}}, status: 200, body: `"preferred_username":"alice"`},
		{name: "two credentials", path: "/api/me", header: http.Header{"Authorization": {"Bearer " + user}, "X-Access-Token": {user}}, status: 400,
			challenge: realm + `, error="invalid_request", error_description="multiple_tokens"`, reason: "multiple_tokens"},
		{name: "reports with scope", path: "/api/reports", header: bearer(user), status: 200, body: `"Q1 revenue"`},
		{name: "reports without scope", path: "/api/reports", header: bearer(admin), status: 403,
			challenge: realm + `, error="insufficient_scope", error_description="missing_scope", scope="reports:read"`, reason: "missing_scope"},
		{name: "admin without role", path: "/api/admin", header: bearer(user), status: 403,
			challenge: realm + `, error="insufficient_scope", error_description="missing_role"`, reason: "missing_role"},
		{name: "admin", path: "/api/admin", header: bearer(admin), status: 200, body: "welcome, admin"},
		{name: "expired", path: "/api/reports", header: bearer(expired), status: 401,
			challenge: realm + `, error="invalid_token", error_description="expired"`, reason: "expired"},
		{name: "tampered", path: "/api/me", header: bearer(user[:len(user)-6] + "AAAAAA"), status: 401,
			challenge: realm + `, error="invalid_token", error_description="signature"`, reason: "signature"},
		{name: "not a JWT", path: "/api/me", header: bearer("hello"), status: 401,
			challenge: realm + `, error="invalid_token", error_description="malformed"`, reason: "malformed"},
		{name: "unknown route", path: "/api/nope", header: bearer(user), status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := call(t, a.apiURL+tt.path, tt.header)
			assert.Equal(t, tt.status, resp.StatusCode, body)
			assert.Equal(t, tt.challenge, resp.Header.Get("WWW-Authenticate"))
			if tt.body != "" {
				assert.Contains(t, body, tt.body)
				assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			}
			if tt.reason != "" {
				assert.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
				var p struct {
					Status int    `json:"status"`
					Reason string `json:"reason"`
				}
				require.NoError(t, json.Unmarshal([]byte(body), &p))
				assert.Equal(t, tt.status, p.Status)
				assert.Equal(t, tt.reason, p.Reason)
				assert.Contains(t, logs.String(), "path="+tt.path+" status="+strconv.Itoa(tt.status)+" reason="+tt.reason)
			}
		})
	}
	assert.NotContains(t, logs.String(), user, "a token in the logs")
}

func TestMeAnswersVerifiedClaims(t *testing.T) {
	a, _ := startApp(t)
	tok := mint(t, a.issuerURL, url.Values{"sub": {"alice"}, "scope": {"openid reports:read"}, "roles": {"user,auditor"}})
	resp, body := call(t, a.apiURL+"/api/me", bearer(tok))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var c map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &c))
	assert.Equal(t, a.issuerURL, c["iss"])
	assert.Equal(t, "alice", c["sub"])
	assert.Equal(t, demoAudience, c["aud"])
	assert.Equal(t, demoClient, c["azp"])
	assert.Equal(t, "Bearer", c["typ"])
	assert.Equal(t, "openid reports:read", c["scope"])
	assert.Equal(t, map[string]any{"roles": []any{"user", "auditor"}}, c["realm_access"])
	assert.NotEmpty(t, c["jti"])
	assert.IsType(t, float64(0), c["exp"])
}
