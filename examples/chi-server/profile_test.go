package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/fakeepr"
	"github.com/jwtguard/jwtguard/internal/fakeidp"
)

const realmChallenge = `Bearer realm="jwtguard-example"`

// step is one request to the API and what it must answer.
type step struct {
	name      string
	path      string
	header    http.Header
	status    int
	challenge string // WWW-Authenticate; "" for none
	body      string // substring of the body
}

func (s step) run(t *testing.T, a *app) {
	t.Run(s.name, func(t *testing.T) {
		resp, body := call(t, a.apiURL+s.path, s.header)
		assert.Equal(t, s.status, resp.StatusCode, body)
		assert.Equal(t, s.challenge, resp.Header.Get("WWW-Authenticate"))
		if s.body != "" {
			assert.Contains(t, body, s.body)
		}
	})
}

// banner returns the banner a prints at startup.
func banner(t *testing.T, a *app) string {
	t.Helper()
	var b strings.Builder
	require.NoError(t, printBanner(&b, a))
	return b.String()
}

// realmTokens asks realm's token endpoint for tokens, as a client would.
func realmTokens(t *testing.T, realm *fakeidp.Realm, form url.Values) (access, refresh, id string) {
	t.Helper()
	form.Set("client_id", realm.ClientID)
	resp, err := http.PostForm(realm.URL+fakeidp.TokenPath, form)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var out struct {
		Access  string `json:"access_token"`
		Refresh string `json:"refresh_token"`
		ID      string `json:"id_token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return out.Access, out.Refresh, out.ID
}

func TestProfileKeycloak(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		name := "/realms"
		if legacy {
			name = "/auth/realms"
		}
		t.Run(name, func(t *testing.T) {
			realm := fakeidp.NewRealm(t, fakeidp.RealmOptions{Legacy: legacy})
			a, _ := startApp(t, "-profile", "keycloak", "-oidc", realm.URL, "-azp", fakeidp.DefaultClientID)
			assert.Nil(t, a.demo)
			assert.Empty(t, a.auth.warnings)
			out := banner(t, a)
			assert.Contains(t, out, "Keycloak profile: RS256 signature, iss "+realm.URL+", typ Bearer")
			assert.Contains(t, out, `curl -i -H "Authorization: Bearer $TOKEN"`)

			user, refresh, id := realmTokens(t, realm, url.Values{"grant_type": {"password"}, "username": {"bob"}, "password": {"x"}, "scope": {"openid reports:read"}})
			admin, _, _ := realmTokens(t, realm, url.Values{"grant_type": {"client_credentials"}, "roles": {"admin"}})
			for _, s := range []step{
				{name: "no token", path: "/api/me", status: 401, challenge: realmChallenge},
				{name: "me", path: "/api/me", header: bearer(user), status: 200, body: `"account_ids":"118466"`},
				{name: "reports", path: "/api/reports", header: bearer(user), status: 200},
				{name: "reports without scope", path: "/api/reports", header: bearer(admin), status: 403,
					challenge: realmChallenge + `, error="insufficient_scope", error_description="missing_scope", scope="reports:read"`},
				{name: "admin", path: "/api/admin", header: bearer(admin), status: 200},
				{name: "admin without role", path: "/api/admin", header: bearer(user), status: 403,
					challenge: realmChallenge + `, error="insufficient_scope", error_description="missing_role"`},
				{name: "refresh token", path: "/api/me", header: bearer(refresh), status: 401,
					challenge: realmChallenge + `, error="invalid_token", error_description="algorithm"`},
				{name: "ID token", path: "/api/me", header: bearer(id), status: 401,
					challenge: realmChallenge + `, error="invalid_token", error_description="token_type"`},
				{name: "logout token", path: "/api/me", header: bearer(realm.LogoutToken(nil)), status: 401,
					challenge: realmChallenge + `, error="invalid_token", error_description="token_type"`},
				{name: "other client", path: "/api/me", header: bearer(realm.AccessToken(fakeidp.Claims{"azp": "web"})), status: 401,
					challenge: realmChallenge + `, error="invalid_token", error_description="claims"`},
			} {
				s.run(t, a)
			}
		})
	}
}

func TestProfileKeycloakAudienceOnly(t *testing.T) {
	realm := fakeidp.NewRealm(t, fakeidp.RealmOptions{})
	a, _ := startApp(t, "-profile", "keycloak", "-oidc", realm.URL, "-aud", "account")
	step{name: "any client of the audience", path: "/api/me", header: bearer(realm.AccessToken(fakeidp.Claims{"azp": "web", "aud": "account"})), status: 200}.run(t, a)
	step{name: "another audience", path: "/api/me", header: bearer(realm.AccessToken(fakeidp.Claims{"azp": "web", "aud": "other"})), status: 401,
		challenge: realmChallenge + `, error="invalid_token", error_description="audience"`}.run(t, a)
}

func TestProfileErply(t *testing.T) {
	e := fakeidp.NewErply(t, fakeidp.ErplyOptions{})
	a, logs := startApp(t, "-profile", "erply", "-pem", e.PEMURL, "-account", fakeidp.DefaultErplyAccount, "-insecure-skip-issuer", "-insecure-skip-audience")
	assert.Contains(t, strings.Join(a.auth.warnings, "\n"), "iss is not checked (-insecure-skip-issuer)")
	assert.Contains(t, strings.Join(a.auth.warnings, "\n"), "audience is not checked (-insecure-skip-audience)")
	assert.Contains(t, logs.String(), "field=InsecureSkipIssuerCheck")
	assert.Contains(t, logs.String(), "field=InsecureSkipAudienceCheck")
	out := banner(t, a)
	assert.Contains(t, out, "Erply profile: RS256 signature, account (clientCode) "+fakeidp.DefaultErplyAccount)
	assert.Contains(t, out, "403 insufficient_scope: Erply tokens carry no realm roles")

	tok := e.Token(nil)
	reports := e.Token(fakeidp.Claims{"permissions": []string{"reports:read"}})
	for _, s := range []step{
		{name: "bearer", path: "/api/me", header: bearer(tok), status: 200, body: `"clientCode":"` + fakeidp.DefaultErplyAccount + `"`},
		{name: "jwt header", path: "/api/me", header: http.Header{"Jwt": {tok}}, status: 200, body: `"username":"cashier1"`},
		{name: "both", path: "/api/me", header: http.Header{"Jwt": {tok}, "Authorization": {"Bearer " + tok}}, status: 400,
			challenge: realmChallenge + `, error="invalid_request", error_description="multiple_tokens"`},
		{name: "other account", path: "/api/me", header: bearer(e.Token(fakeidp.Claims{"clientCode": "777"})), status: 401,
			challenge: realmChallenge + `, error="invalid_token", error_description="claims"`},
		{name: "permission as scope", path: "/api/reports", header: bearer(reports), status: 200},
		{name: "without the permission", path: "/api/reports", header: bearer(tok), status: 403,
			challenge: realmChallenge + `, error="insufficient_scope", error_description="missing_scope", scope="reports:read"`},
		{name: "no roles", path: "/api/admin", header: bearer(tok), status: 403,
			challenge: realmChallenge + `, error="insufficient_scope", error_description="missing_role"`},
	} {
		s.run(t, a)
	}

	require.NoError(t, e.Rotate(false))
	step{name: "rotated key picked up", path: "/api/me", header: bearer(e.Token(nil)), status: 200}.run(t, a)
	step{name: "old key gone", path: "/api/me", header: bearer(tok), status: 401,
		challenge: realmChallenge + `, error="invalid_token", error_description="signature"`}.run(t, a)
}

func TestProfileAnsira(t *testing.T) {
	ans := fakeidp.NewAnsira(t, fakeidp.AnsiraOptions{})
	expired := ans.Token(fakeidp.Claims{"exp": time.Now().Add(-time.Hour).Unix()})
	good := ans.Token(fakeidp.Claims{"scope": "campaigns:read,reports:read"})
	for _, tt := range []struct {
		name    string
		args    []string
		expired int
	}{
		{name: "JWKS, RFC 6750 statuses", args: []string{"-jwks", ans.JWKSURL}, expired: 401},
		{name: "PEM, documented statuses", args: []string{"-pem", ans.PEMURL, "-documented-statuses"}, expired: 403},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"-profile", "ansira", "-iss", ans.Issuer, "-aud", fakeidp.DefaultAnsiraAudience}, tt.args...)
			a, _ := startApp(t, args...)
			for _, s := range []step{
				{name: "no token", path: "/api/reports", status: 401, challenge: realmChallenge},
				{name: "comma-separated scope", path: "/api/reports", header: bearer(good), status: 200},
				{name: "missing scope", path: "/api/reports", header: bearer(ans.Token(nil)), status: 403,
					challenge: realmChallenge + `, error="insufficient_scope", error_description="missing_scope", scope="reports:read"`},
				{name: "expired", path: "/api/reports", header: bearer(expired), status: tt.expired,
					challenge: realmChallenge + `, error="invalid_token", error_description="expired"`},
			} {
				s.run(t, a)
			}
		})
	}
}

func TestProfileEPR(t *testing.T) {
	s := fakeepr.New(t, fakeepr.Options{})
	file := filepath.Join(t.TempDir(), "partner-token")
	require.NoError(t, os.WriteFile(file, []byte(s.PartnerToken()+"\n"), 0o600))
	a, _ := startApp(t, "-profile", "epr", "-epr-base", s.URL, "-epr-partner-token-file", file)
	assert.Contains(t, banner(t, a), `curl -i -H "x-access-token: $TOKEN"`)

	user := s.Token(fakeepr.UserName)
	for _, st := range []step{
		{name: "x-access-token", path: "/api/me", header: http.Header{"X-Access-Token": {user}}, status: 200, body: `"sub":"alice"`},
		{name: "Authorization is not read", path: "/api/me", header: bearer(user), status: 401, challenge: realmChallenge},
	} {
		st.run(t, a)
	}
	s.SetMode(fakeepr.Down)
	resp, body := call(t, a.apiURL+"/api/me", http.Header{"X-Access-Token": {s.Token(fakeepr.UserName)}})
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, body)
	assert.NotEmpty(t, resp.Header.Get("Retry-After"))
	assert.Contains(t, body, `"reason":"check_unavailable"`)
}

func TestProfileFlagErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "unknown profile", args: []string{"-profile", "okta"}, want: "want one of"},
		{name: "keycloak without -oidc", args: []string{"-profile", "keycloak"}, want: "needs -oidc"},
		{name: "keycloak with -jwks", args: []string{"-profile", "keycloak", "-oidc", "https://a.test/realms/x", "-jwks", "https://a.test/j"}, want: "does not take -jwks"},
		{name: "keycloak with -account", args: []string{"-profile", "keycloak", "-oidc", "https://a.test/realms/x", "-account", "1"}, want: "does not take -account"},
		{name: "erply without -account", args: []string{"-profile", "erply", "-pem", "https://a.test/k.pem"}, want: "needs -pem"},
		{name: "erply without -iss", args: []string{"-profile", "erply", "-pem", "https://a.test/k.pem", "-account", "1", "-aud", "pos"}, want: "-insecure-skip-issuer"},
		{name: "erply with -iss and its skip", args: []string{"-profile", "erply", "-pem", "https://a.test/k.pem", "-account", "1", "-aud", "pos", "-iss", "https://id.test", "-insecure-skip-issuer"}, want: "not both"},
		{name: "erply without -aud", args: []string{"-profile", "erply", "-pem", "https://a.test/k.pem", "-account", "1", "-insecure-skip-issuer"}, want: "-insecure-skip-audience"},
		{name: "ansira without -aud", args: []string{"-profile", "ansira", "-jwks", "https://a.test/j", "-iss", "https://a.test"}, want: "-insecure-skip-audience"},
		{name: "keycloak with -insecure-skip-audience", args: []string{"-profile", "keycloak", "-oidc", "https://a.test/realms/x", "-azp", "a", "-insecure-skip-audience"}, want: "does not take -insecure-skip-audience"},
		{name: "keycloak with -typ", args: []string{"-profile", "keycloak", "-oidc", "https://a.test/realms/x", "-azp", "a", "-typ", "at+jwt"}, want: "does not take -typ"},
		{name: "keycloak with -secret-file", args: []string{"-profile", "keycloak", "-oidc", "https://a.test/realms/x", "-azp", "a", "-secret-file", "s"}, want: "does not take -secret-file"},
		{name: "erply without -pem", args: []string{"-profile", "erply", "-account", "1"}, want: "https://id.erply.com/jwt/pubkey.pem"},
		{name: "erply with two -iss", args: []string{"-profile", "erply", "-pem", "https://a.test/k.pem", "-account", "1", "-iss", "a,b"}, want: "one -iss"},
		{name: "erply with -azp", args: []string{"-profile", "erply", "-pem", "https://a.test/k.pem", "-account", "1", "-azp", "x"}, want: "does not take -azp"},
		{name: "ansira without key URL", args: []string{"-profile", "ansira", "-iss", "https://a.test"}, want: "one of -jwks and -pem"},
		{name: "ansira with both key URLs", args: []string{"-profile", "ansira", "-iss", "https://a.test", "-jwks", "https://a.test/j", "-pem", "https://a.test/p"}, want: "one of -jwks and -pem"},
		{name: "ansira without -iss", args: []string{"-profile", "ansira", "-jwks", "https://a.test/j"}, want: "one -iss"},
		{name: "epr without token file", args: []string{"-profile", "epr", "-epr-base", "https://epr.test"}, want: "-epr-partner-token-file"},
		{name: "epr with -aud", args: []string{"-profile", "epr", "-epr-base", "https://epr.test", "-epr-partner-token-file", "f", "-aud", "x"}, want: "does not take -aud"},
		{name: "keycloak without -azp or -aud", args: []string{"-profile", "keycloak", "-oidc", "https://a.test/realms/x"}, want: "-azp CLIENT"},
		{name: "profile with -header", args: []string{"-profile", "keycloak", "-oidc", "https://a.test/realms/x", "-header", "jwt"}, want: "-header does not go with -profile"},
		{name: "-azp without -profile", args: []string{"-oidc", "https://a.test/realms/x", "-azp", "x"}, want: "-azp needs -profile"},
		{name: "-account without -profile", args: []string{"-account", "1"}, want: "-account needs -profile"},
		{name: "negative leeway", args: []string{"-profile", "epr", "-epr-base", "https://epr.test", "-epr-partner-token-file", "f", "-leeway", "-1s"}, want: "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseFlags(tt.args, io.Discard)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestProfileStartErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "keycloak issuer with a trailing slash", args: []string{"-profile", "keycloak", "-oidc", "https://sso.test/realms/x/", "-azp", "api"}, want: "ends with a slash"},
		{name: "erply over http", args: []string{"-profile", "erply", "-pem", "http://erply.test/k.pem", "-account", "1", "-insecure-skip-issuer", "-insecure-skip-audience"}, want: "https"},
		{name: "generic -oidc over http", args: []string{"-oidc", "http://sso.example.com/realms/x", "-aud", "api"}, want: "https"},
		{name: "secret file missing", args: []string{"-secret-file", missing, "-iss", "https://as.test", "-aud", "api"}, want: "-secret-file"},
		{name: "epr token file missing", args: []string{"-profile", "epr", "-epr-base", "https://epr.test", "-epr-partner-token-file", missing}, want: "-epr-partner-token-file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseFlags(append([]string{"-addr", "127.0.0.1:0"}, tt.args...), io.Discard)
			require.NoError(t, err)
			_, err = start(t.Context(), c, quietLog())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
