package profile_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/fakeidp"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/profile"
	"github.com/jwtguard/jwtguard/verify"
)

// newAnsira returns a profile for a, reading its keys from the JWK Set,
// changed by edit.
func newAnsira(t *testing.T, a *fakeidp.Ansira, edit func(*profile.AnsiraConfig)) *profile.Profile[profile.AnsiraClaims] {
	t.Helper()
	cfg := profile.AnsiraConfig{
		JWKSURL:   a.JWKSURL,
		Issuer:    a.Issuer,
		Audiences: []string{fakeidp.DefaultAnsiraAudience},
		Settings:  quiet(),
	}
	if edit != nil {
		edit(&cfg)
	}
	p, err := profile.Ansira(cfg)
	require.NoError(t, err)
	return closeAtEnd(t, p)
}

// ansiraToken gets a token from a's token endpoint, as a client would.
func ansiraToken(t *testing.T, a *fakeidp.Ansira, scope string) string {
	t.Helper()
	resp, err := http.PostForm(a.TokenURL, url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {fakeidp.DefaultAnsiraClientID},
		"client_secret": {fakeidp.DefaultAnsiraClientSecret},
		"scope":         {scope},
	})
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var out struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return out.AccessToken
}

func TestAnsiraKeySources(t *testing.T) {
	a := fakeidp.NewAnsira(t, fakeidp.AnsiraOptions{})
	tok := ansiraToken(t, a, "campaigns:read,reports:read")
	for _, tt := range []struct {
		name string
		edit func(*profile.AnsiraConfig)
	}{
		{name: "JWKS"},
		{name: "PEM", edit: func(c *profile.AnsiraConfig) { c.JWKSURL, c.PEMURL = "", a.PEMURL }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := newAnsira(t, a, tt.edit)
			require.NoError(t, p.Ready(context.Background()))
			c, err := p.Verifier.Verify(context.Background(), tok)
			require.NoError(t, err)
			assert.Equal(t, claims.CommaScopes{"campaigns:read", "reports:read"}, c.Scope, "split on commas")
			assert.True(t, c.HasScope("reports:read"))
			assert.False(t, c.HasScope("campaigns:read,reports:read"))
			assert.Equal(t, fakeidp.DefaultAnsiraClientID, c.ClientID)
			jti, ok := c.Claim("jti")
			assert.False(t, ok, "jti is a registered claim, not Extra")
			assert.Nil(t, jti)
		})
	}
}

func TestAnsiraScopeShapes(t *testing.T) {
	a := fakeidp.NewAnsira(t, fakeidp.AnsiraOptions{})
	p := newAnsira(t, a, nil)
	tests := []struct {
		name  string
		scope any
		want  claims.CommaScopes
	}{
		{name: "comma-separated", scope: "a:read,b:write", want: claims.CommaScopes{"a:read", "b:write"}},
		{name: "comma and space", scope: "a:read, b:write", want: claims.CommaScopes{"a:read", "b:write"}},
		{name: "one scope", scope: "a:read", want: claims.CommaScopes{"a:read"}},
		{name: "space-separated", scope: "a:read b:write", want: claims.CommaScopes{"a:read", "b:write"}},
		{name: "mixed", scope: "a:read,b:write c:read", want: claims.CommaScopes{"a:read", "b:write", "c:read"}},
		{name: "array", scope: []string{"a:read", "b:write"}, want: claims.CommaScopes{"a:read", "b:write"}},
		{name: "array elements not split", scope: []string{"a:read,b:write"}, want: claims.CommaScopes{"a:read,b:write"}},
		{name: "empty entries", scope: ",a:read,,", want: claims.CommaScopes{"a:read"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := p.Verifier.Verify(context.Background(), a.Token(fakeidp.Claims{"scope": tt.scope}))
			require.NoError(t, err)
			assert.Equal(t, tt.want, c.Scope)
		})
	}
	_, err := p.Verifier.Verify(context.Background(), a.Token(fakeidp.Claims{"scope": 3}))
	requireRefused(t, err, verify.ErrClaims, verify.ReasonClaims)
}

// TestAnsiraStatuses runs requests through the middleware with and
// without the statuses Ansira documents.
func TestAnsiraStatuses(t *testing.T) {
	a := fakeidp.NewAnsira(t, fakeidp.AnsiraOptions{})
	realm := fakeidp.NewRealm(t, fakeidp.RealmOptions{})
	documented := newAnsira(t, a, func(c *profile.AnsiraConfig) { c.DocumentedStatuses = true })
	rfc := newAnsira(t, a, nil)
	assert.Nil(t, rfc.StatusByReason)

	good := a.Token(fakeidp.Claims{"scope": "reports:read,campaigns:read"})
	expired := a.Token(fakeidp.Claims{"exp": time.Now().Add(-time.Hour).Unix()})
	forged := realm.Sign(a.Claims())
	requireScope := middleware.RequireScopes("reports:read")
	tests := []struct {
		name      string
		header    http.Header
		rfcStatus int
		status    int // with DocumentedStatuses
		challenge string
	}{
		{name: "no token", rfcStatus: 401, status: 401, challenge: `Bearer realm="api"`},
		{name: "expired", header: bearer(expired), rfcStatus: 401, status: 403,
			challenge: `Bearer realm="api", error="invalid_token", error_description="expired"`},
		{name: "missing scope", header: bearer(a.Token(nil)), rfcStatus: 403, status: 403,
			challenge: `Bearer realm="api", error="insufficient_scope", error_description="missing_scope", scope="reports:read"`},
		{name: "bad signature", header: bearer(forged), rfcStatus: 401, status: 401,
			challenge: `Bearer realm="api", error="invalid_token", error_description="unknown_key"`},
		{name: "malformed credentials", header: http.Header{"Authorization": {"Bearer a b"}}, rfcStatus: 400, status: 400,
			challenge: `Bearer realm="api", error="invalid_request", error_description="malformed_request"`},
		{name: "good", header: bearer(good), rfcStatus: 200, status: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := serve(t, documented, tt.header, requireScope)
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Equal(t, tt.challenge, resp.Header.Get("WWW-Authenticate"))
			resp = serve(t, rfc, tt.header, requireScope)
			assert.Equal(t, tt.rfcStatus, resp.StatusCode)
			assert.Equal(t, tt.challenge, resp.Header.Get("WWW-Authenticate"))
		})
	}
}

func TestAnsiraRefusals(t *testing.T) {
	a := fakeidp.NewAnsira(t, fakeidp.AnsiraOptions{})
	p := newAnsira(t, a, nil)
	tests := []struct {
		name   string
		token  string
		want   error
		reason string
	}{
		{name: "other audience", token: a.Token(fakeidp.Claims{"aud": "another-api"}), want: verify.ErrAudience, reason: verify.ReasonAudience},
		{name: "no audience", token: a.Token(fakeidp.Claims{"aud": nil}), want: verify.ErrMissingClaim, reason: verify.ReasonMissingClaim},
		{name: "other issuer", token: a.Token(fakeidp.Claims{"iss": "https://evil.test"}), want: verify.ErrIssuer, reason: verify.ReasonIssuer},
		{name: "not yet valid", token: a.Token(fakeidp.Claims{"nbf": time.Now().Add(time.Hour).Unix()}), want: verify.ErrNotYetValid, reason: verify.ReasonNotYetValid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.Verifier.Verify(context.Background(), tt.token)
			requireRefused(t, err, tt.want, tt.reason)
		})
	}
	skip := newAnsira(t, a, func(c *profile.AnsiraConfig) { c.Audiences, c.InsecureSkipAudienceCheck = nil, true })
	_, err := skip.Verifier.Verify(context.Background(), a.Token(fakeidp.Claims{"aud": nil}))
	assert.NoError(t, err)
}

func TestAnsiraConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  profile.AnsiraConfig
		want string
	}{
		{name: "no key URL", cfg: profile.AnsiraConfig{Issuer: "https://a.test", Audiences: []string{"x"}}, want: "exactly one of JWKSURL and PEMURL"},
		{name: "both key URLs", cfg: profile.AnsiraConfig{JWKSURL: "https://a.test/jwks", PEMURL: "https://a.test/pem", Issuer: "https://a.test", Audiences: []string{"x"}}, want: "exactly one"},
		{name: "no issuer", cfg: profile.AnsiraConfig{JWKSURL: "https://a.test/jwks", Audiences: []string{"x"}}, want: "Issuer"},
		{name: "no audience", cfg: profile.AnsiraConfig{JWKSURL: "https://a.test/jwks", Issuer: "https://a.test"}, want: "InsecureSkipAudienceCheck"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := profile.Ansira(tt.cfg)
			assert.ErrorIs(t, err, profile.ErrConfig)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestAnsiraStatusByReasonIsFresh(t *testing.T) {
	m := profile.AnsiraStatusByReason()
	m[verify.ReasonExpired] = 418
	assert.Equal(t, 403, profile.AnsiraStatusByReason()[verify.ReasonExpired])
	assert.Equal(t, 403, profile.AnsiraStatusByReason()[middleware.ReasonMissingScope])
	assert.NotContains(t, profile.AnsiraStatusByReason(), middleware.ReasonNoToken, "a missing token stays 401")
}
