package remotecheck_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/fakeintrospect"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/remotecheck"
	"github.com/jwtguard/jwtguard/verify"
)

const (
	clientID     = "resource server"
	clientSecret = "s3cr:t&"
)

// basicAuth is the client_secret_basic header for clientID and
// clientSecret: both parts form-urlencoded first (RFC 6749 section 2.3.1).
var basicAuth = "Basic " + base64.StdEncoding.EncodeToString([]byte("resource+server:s3cr%3At%26"))

// introspector starts a fake introspection endpoint and a Checker for it.
func introspector(t *testing.T, cfg remotecheck.IntrospectionConfig) (*fakeintrospect.Server, *remotecheck.Checker[remotecheck.Introspection], *clock, *sleeper) {
	t.Helper()
	srv := fakeintrospect.New(t, fakeintrospect.Options{ClientID: clientID, ClientSecret: clientSecret, BearerToken: "rs-bearer"})
	clk, sl := newClock(), &sleeper{}
	cfg.Endpoint = srv.Endpoint
	if cfg.ClientID == "" && cfg.BearerToken == "" {
		cfg.ClientID, cfg.ClientSecret = clientID, clientSecret
	}
	cfg.Options.Now, cfg.Options.Sleep = clk.Now, sl.Sleep
	c, err := remotecheck.NewIntrospection[remotecheck.Introspection](cfg)
	require.NoError(t, err)
	return srv, c, clk, sl
}

func TestIntrospectionActive(t *testing.T) {
	srv, c, _, _ := introspector(t, remotecheck.IntrospectionConfig{InsecureSkipAudienceCheck: true})
	exp := t0.Add(time.Hour).Unix()
	srv.Activate("tok-1", map[string]any{
		"scope": "read write", "client_id": "app", "username": "alice", "token_type": "Bearer",
		"sub": "u-1", "aud": "api", "iss": "https://as.example", "exp": exp, "iat": t0.Unix(), "jti": "j-1",
		"tenant": "t-9",
	})

	got, err := c.Verify(context.Background(), "tok-1")
	require.NoError(t, err)
	require.True(t, got.Active)
	require.Equal(t, claims.Scopes{"read", "write"}, got.Scope)
	require.True(t, got.HasScope("write"))
	require.Equal(t, "app", got.ClientID)
	require.Equal(t, "alice", got.Username)
	require.Equal(t, "Bearer", got.TokenType)
	require.Equal(t, "u-1", got.Subject)
	require.Equal(t, claims.Audience{"api"}, got.Audience)
	require.Equal(t, "https://as.example", got.Issuer)
	require.Equal(t, exp, got.ExpiresAt.Unix())
	require.Equal(t, "j-1", got.ID)
	tenant, ok := got.Claim("tenant")
	require.True(t, ok)
	require.Equal(t, "t-9", tenant)

	last := srv.Last()
	require.Equal(t, "tok-1", last.Form.Get("token"))
	require.Equal(t, "access_token", last.Form.Get("token_type_hint"))
	require.Equal(t, "application/x-www-form-urlencoded", last.ContentType)
	require.True(t, strings.HasPrefix(last.UserAgent, "jwtguard/"+keysource.Version), last.UserAgent)
	// client_secret_basic: both parts form-urlencoded, then Basic.
	require.Equal(t, basicAuth, last.Authorization)
	require.Empty(t, last.Form.Get("client_secret"), "the secret is not in the body")

	_, err = c.Verify(context.Background(), "tok-1")
	require.NoError(t, err)
	require.Equal(t, 1, srv.Requests(), "cache hit")
}

func TestIntrospectionClientAuth(t *testing.T) {
	tests := []struct {
		name     string
		cfg      remotecheck.IntrospectionConfig
		wantAuth string
		wantForm map[string]string
		wantErr  error
	}{
		{name: "client_secret_post",
			cfg:      remotecheck.IntrospectionConfig{InsecureSkipAudienceCheck: true, ClientID: clientID, ClientSecret: clientSecret, AuthMethod: remotecheck.ClientSecretPost},
			wantForm: map[string]string{"client_id": clientID, "client_secret": clientSecret}},
		{name: "bearer", cfg: remotecheck.IntrospectionConfig{InsecureSkipAudienceCheck: true, BearerToken: "rs-bearer"}, wantAuth: "Bearer rs-bearer"},
		{name: "wrong secret", cfg: remotecheck.IntrospectionConfig{InsecureSkipAudienceCheck: true, ClientID: clientID, ClientSecret: "nope"}, wantErr: remotecheck.ErrBadResponse},
		{name: "wrong bearer", cfg: remotecheck.IntrospectionConfig{InsecureSkipAudienceCheck: true, BearerToken: "nope"}, wantErr: remotecheck.ErrBadResponse},
		{name: "custom token_type_hint", cfg: remotecheck.IntrospectionConfig{InsecureSkipAudienceCheck: true, ClientID: clientID, ClientSecret: clientSecret, TokenTypeHint: "refresh_token"},
			wantAuth: basicAuth, wantForm: map[string]string{"token_type_hint": "refresh_token"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c, _, _ := introspector(t, tt.cfg)
			srv.Activate("tok", map[string]any{"sub": "u-1"})
			_, err := c.Verify(context.Background(), "tok")
			if tt.wantErr != nil {
				requireReason(t, err, tt.wantErr, remotecheck.ReasonBadResponse)
				require.ErrorIs(t, err, keysource.ErrUnavailable, "our credentials are refused: 503, not 401")
				require.Equal(t, 1, srv.Requests(), "not retried")
				return
			}
			require.NoError(t, err)
			last := srv.Last()
			require.Equal(t, tt.wantAuth, last.Authorization)
			for k, v := range tt.wantForm {
				require.Equal(t, v, last.Form.Get(k), k)
			}
		})
	}
}

func TestIntrospectionInactive(t *testing.T) {
	srv, c, clk, _ := introspector(t, remotecheck.IntrospectionConfig{InsecureSkipAudienceCheck: true})
	_, err := c.Verify(context.Background(), "unknown")
	requireReason(t, err, remotecheck.ErrInactive, remotecheck.ReasonInactive)
	_, err = c.Verify(context.Background(), "unknown")
	require.ErrorIs(t, err, remotecheck.ErrInactive)
	require.Equal(t, 1, srv.Requests(), "negative answer cached")
	clk.Add(remotecheck.DefaultNegativeCacheTTL)
	_, err = c.Verify(context.Background(), "unknown")
	require.ErrorIs(t, err, remotecheck.ErrInactive)
	require.Equal(t, 2, srv.Requests())
}

func TestIntrospectionResponses(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		want     error
		reason   string
		requests int
	}{
		{name: "active false", status: 200, body: `{"active":false}`, want: remotecheck.ErrInactive, reason: remotecheck.ReasonInactive, requests: 1},
		{name: "active missing", status: 200, body: `{"sub":"u"}`, want: remotecheck.ErrBadResponse, reason: remotecheck.ReasonBadResponse, requests: 1},
		{name: "active null", status: 200, body: `{"active":null}`, want: remotecheck.ErrBadResponse, reason: remotecheck.ReasonBadResponse, requests: 1},
		{name: "active a string", status: 200, body: `{"active":"true"}`, want: remotecheck.ErrBadResponse, reason: remotecheck.ReasonBadResponse, requests: 1},
		{name: "active a number", status: 200, body: `{"active":1}`, want: remotecheck.ErrBadResponse, reason: remotecheck.ReasonBadResponse, requests: 1},
		{name: "not JSON", status: 200, body: `<html>ok</html>`, want: remotecheck.ErrBadResponse, reason: remotecheck.ReasonBadResponse, requests: 1},
		{name: "empty body", status: 200, body: ``, want: remotecheck.ErrBadResponse, reason: remotecheck.ReasonBadResponse, requests: 1},
		{name: "an array", status: 200, body: `[{"active":true}]`, want: remotecheck.ErrBadResponse, reason: remotecheck.ReasonBadResponse, requests: 1},
		{name: "duplicate active", status: 200, body: `{"active":false,"active":true}`, want: remotecheck.ErrBadResponse, reason: remotecheck.ReasonBadResponse, requests: 1},
		{name: "duplicate other member", status: 200, body: `{"active":true,"sub":"a","sub":"b"}`, want: remotecheck.ErrBadResponse, reason: remotecheck.ReasonBadResponse, requests: 1},
		{name: "trailing garbage", status: 200, body: `{"active":true} x`, want: remotecheck.ErrBadResponse, reason: remotecheck.ReasonBadResponse, requests: 1},
		{name: "claims of the wrong type", status: 200, body: `{"active":true,"scope":5}`, want: verify.ErrClaims, reason: verify.ReasonClaims, requests: 1},
		{name: "exp passed", status: 200, body: fmt.Sprintf(`{"active":true,"exp":%d}`, t0.Add(-time.Hour).Unix()), want: verify.ErrExpired, reason: verify.ReasonExpired, requests: 1},
		{name: "503 retried", status: 503, body: `{}`, want: remotecheck.ErrCheckUnavailable, reason: remotecheck.ReasonCheckUnavailable, requests: 3},
		{name: "429 retried", status: 429, body: `{}`, want: remotecheck.ErrCheckUnavailable, reason: remotecheck.ReasonCheckUnavailable, requests: 3},
		{name: "400 invalid_request", status: 400, body: `{"error":"invalid_request"}`, want: remotecheck.ErrCheckRefused, reason: remotecheck.ReasonCheckRefused, requests: 1},
		{name: "400 unsupported_token_type", status: 400, body: `{"error":"unsupported_token_type","error_description":"x"}`, want: remotecheck.ErrCheckRefused, reason: remotecheck.ReasonCheckRefused, requests: 1},
		{name: "400 another error", status: 400, body: `{"error":"invalid_client"}`, want: remotecheck.ErrBadResponse, reason: remotecheck.ReasonBadResponse, requests: 1},
		{name: "400 duplicate error", status: 400, body: `{"error":"invalid_request","error":"invalid_request"}`, want: remotecheck.ErrBadResponse, reason: remotecheck.ReasonBadResponse, requests: 1},
		{name: "400 not JSON", status: 400, body: `Bad Request`, want: remotecheck.ErrBadResponse, reason: remotecheck.ReasonBadResponse, requests: 1},
		{name: "redirect not followed", status: 302, body: ``, want: remotecheck.ErrBadResponse, reason: remotecheck.ReasonBadResponse, requests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c, _, _ := introspector(t, remotecheck.IntrospectionConfig{InsecureSkipAudienceCheck: true})
			srv.SetRaw(tt.status, "application/json", []byte(tt.body))
			_, err := c.Verify(context.Background(), "tok")
			requireReason(t, err, tt.want, tt.reason)
			require.Equal(t, tt.requests, srv.Requests())
		})
	}
}

func TestIntrospectionIssuerAudience(t *testing.T) {
	tests := []struct {
		name   string
		claims map[string]any
		want   error
		reason string
	}{
		{name: "both match", claims: map[string]any{"iss": "https://as.example", "aud": []string{"other", "api"}}},
		{name: "issuer missing", claims: map[string]any{"aud": "api"}, want: verify.ErrMissingClaim, reason: verify.ReasonMissingClaim},
		{name: "issuer wrong", claims: map[string]any{"iss": "https://evil.example", "aud": "api"}, want: verify.ErrIssuer, reason: verify.ReasonIssuer},
		{name: "audience missing", claims: map[string]any{"iss": "https://as.example"}, want: verify.ErrMissingClaim, reason: verify.ReasonMissingClaim},
		{name: "audience wrong", claims: map[string]any{"iss": "https://as.example", "aud": "other"}, want: verify.ErrAudience, reason: verify.ReasonAudience},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c, _, _ := introspector(t, remotecheck.IntrospectionConfig{InsecureSkipAudienceCheck: true,
				Issuers: []string{"https://as.example"}, Audiences: []string{"api"},
			})
			srv.Activate("tok", tt.claims)
			_, err := c.Verify(context.Background(), "tok")
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			requireReason(t, err, tt.want, tt.reason)
			_, err = c.Verify(context.Background(), "tok")
			require.ErrorIs(t, err, tt.want)
			require.Equal(t, 1, srv.Requests(), "a verdict about the token is cached")
		})
	}
}

func TestIntrospectionCacheBoundedByExp(t *testing.T) {
	srv, c, clk, _ := introspector(t, remotecheck.IntrospectionConfig{InsecureSkipAudienceCheck: true, Options: remotecheck.Options{Leeway: -1}})
	srv.Activate("tok", map[string]any{"exp": t0.Add(5 * time.Second).Unix()})
	_, err := c.Verify(context.Background(), "tok")
	require.NoError(t, err)
	clk.Add(4 * time.Second)
	_, err = c.Verify(context.Background(), "tok")
	require.NoError(t, err)
	require.Equal(t, 1, srv.Requests())
	clk.Add(time.Second)
	_, err = c.Verify(context.Background(), "tok")
	require.ErrorIs(t, err, verify.ErrExpired)
	require.Equal(t, 2, srv.Requests(), "the cached answer died at exp")
}

func TestIntrospectionLargeResponseRefused(t *testing.T) {
	big := `{"active":true,"pad":"` + strings.Repeat("x", 5<<20) + `"}`
	tests := []struct {
		name    string
		chunked bool
	}{
		{name: "with Content-Length"},
		{name: "chunked", chunked: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if !tt.chunked {
					w.Header().Set("Content-Length", fmt.Sprint(len(big)))
				}
				_, _ = w.Write([]byte(big))
			}))
			t.Cleanup(srv.Close)
			c, err := remotecheck.NewIntrospection[claims.Map](remotecheck.IntrospectionConfig{InsecureSkipAudienceCheck: true,
				Endpoint: srv.URL, ClientID: "id", ClientSecret: "secret",
			})
			require.NoError(t, err)
			_, err = c.Verify(context.Background(), "tok")
			requireReason(t, err, remotecheck.ErrBadResponse, remotecheck.ReasonBadResponse)
			require.ErrorIs(t, err, keysource.ErrUnavailable)
		})
	}
}

func TestNewIntrospection(t *testing.T) {
	tests := []struct {
		name string
		cfg  remotecheck.IntrospectionConfig
		want error
	}{
		{name: "no audience", cfg: remotecheck.IntrospectionConfig{Endpoint: "https://as.example/introspect", ClientID: "a", ClientSecret: "b"}},
		{name: "no audience", cfg: remotecheck.IntrospectionConfig{Endpoint: "https://as.example/introspect", ClientID: "a", ClientSecret: "b"}},
		{name: "no endpoint", cfg: remotecheck.IntrospectionConfig{InsecureSkipAudienceCheck: true, ClientID: "a", ClientSecret: "b"}},
		{name: "http to a remote host", cfg: remotecheck.IntrospectionConfig{InsecureSkipAudienceCheck: true, Endpoint: "http://as.example/introspect", ClientID: "a", ClientSecret: "b"}, want: remotecheck.ErrInsecureURL},
		{name: "ftp", cfg: remotecheck.IntrospectionConfig{InsecureSkipAudienceCheck: true, Endpoint: "ftp://as.example/introspect", ClientID: "a", ClientSecret: "b"}, want: remotecheck.ErrInsecureURL},
		{name: "user info", cfg: remotecheck.IntrospectionConfig{InsecureSkipAudienceCheck: true, Endpoint: "https://u:p@as.example/introspect", ClientID: "a", ClientSecret: "b"}},
		{name: "no client auth", cfg: remotecheck.IntrospectionConfig{InsecureSkipAudienceCheck: true, Endpoint: "https://as.example/introspect"}},
		{name: "no secret", cfg: remotecheck.IntrospectionConfig{InsecureSkipAudienceCheck: true, Endpoint: "https://as.example/introspect", ClientID: "a"}},
		{name: "both client id and bearer", cfg: remotecheck.IntrospectionConfig{InsecureSkipAudienceCheck: true, Endpoint: "https://as.example/introspect", ClientID: "a", ClientSecret: "b", BearerToken: "c"}},
		{name: "unknown method", cfg: remotecheck.IntrospectionConfig{InsecureSkipAudienceCheck: true, Endpoint: "https://as.example/introspect", ClientID: "a", ClientSecret: "b", AuthMethod: "private_key_jwt"}},
		{name: "empty issuer", cfg: remotecheck.IntrospectionConfig{InsecureSkipAudienceCheck: true, Endpoint: "https://as.example/introspect", ClientID: "a", ClientSecret: "b", Issuers: []string{""}}},
		{name: "negative timeout", cfg: remotecheck.IntrospectionConfig{InsecureSkipAudienceCheck: true, Endpoint: "https://as.example/introspect", ClientID: "a", ClientSecret: "b", HTTP: remotecheck.HTTPOptions{Timeout: -1}}},
		{name: "too many attempts", cfg: remotecheck.IntrospectionConfig{InsecureSkipAudienceCheck: true, Endpoint: "https://as.example/introspect", ClientID: "a", ClientSecret: "b", Options: remotecheck.Options{Attempts: 11}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := remotecheck.NewIntrospection[claims.Map](tt.cfg)
			require.Error(t, err)
			require.Nil(t, c)
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
			}
		})
	}
	for _, ok := range []remotecheck.IntrospectionConfig{
		{InsecureSkipAudienceCheck: true, Endpoint: "https://as.example/introspect", ClientID: "a", ClientSecret: "b"},
		{Endpoint: "https://as.example/introspect", ClientID: "a", ClientSecret: "b", Audiences: []string{"api"}},
		{InsecureSkipAudienceCheck: true, Endpoint: "http://127.0.0.1:8080/introspect", BearerToken: "t"},
		{InsecureSkipAudienceCheck: true, Endpoint: "http://localhost/introspect", BearerToken: "t"},
		{InsecureSkipAudienceCheck: true, Endpoint: "http://[::1]/introspect", BearerToken: "t"},
		{InsecureSkipAudienceCheck: true, Endpoint: "http://as.internal/introspect", BearerToken: "t", HTTP: remotecheck.HTTPOptions{InsecureAllowHTTP: true}},
	} {
		_, err := remotecheck.NewIntrospection[claims.Map](ok)
		require.NoError(t, err, ok.Endpoint)
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	target := fakeintrospect.New(t, fakeintrospect.Options{ClientID: "id", ClientSecret: "secret"})
	target.Activate("tok", map[string]any{"sub": "u"})
	redirector := httptest.NewServer(http.RedirectHandler(target.Endpoint, http.StatusTemporaryRedirect))
	t.Cleanup(redirector.Close)

	c, err := remotecheck.NewIntrospection[claims.Map](remotecheck.IntrospectionConfig{InsecureSkipAudienceCheck: true,
		Endpoint: redirector.URL, ClientID: "id", ClientSecret: "secret",
		HTTP: remotecheck.HTTPOptions{Client: &http.Client{}}, // its default CheckRedirect would follow
	})
	require.NoError(t, err)
	_, err = c.Verify(context.Background(), "tok")
	requireReason(t, err, remotecheck.ErrBadResponse, remotecheck.ReasonBadResponse)
	require.Zero(t, target.Requests(), "the token never went to the redirect's target")
}
