package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/fakeepr"
	"github.com/jwtguard/jwtguard/internal/fakeidp"
	"github.com/jwtguard/jwtguard/readiness"
)

// scrape fetches /metrics as Prometheus would.
func scrape(t *testing.T, a *app) string {
	t.Helper()
	resp, body := call(t, a.apiURL+metricsPath, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	require.Contains(t, resp.Header.Get("Content-Type"), "text/plain")
	return body
}

// sample returns the value of the series written exactly as series
// (name{labels}, labels in the order the exposition writes them), or -1.
func sample(t *testing.T, exposition, series string) float64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(exposition)
	if m == nil {
		return -1
	}
	v, err := strconv.ParseFloat(m[1], 64)
	require.NoError(t, err)
	return v
}

// ready fetches /readyz.
func ready(t *testing.T, a *app) (int, readiness.Report) {
	t.Helper()
	resp, body := call(t, a.apiURL+readyPath, nil)
	var rep readiness.Report
	require.NoError(t, json.Unmarshal([]byte(body), &rep), body)
	return resp.StatusCode, rep
}

func TestOpsEndpointsDemo(t *testing.T) {
	a, _ := startApp(t)
	code, rep := ready(t, a)
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, readiness.Report{Ready: true, Checks: []readiness.Result{{Name: revocationsName, Ready: true}, {Name: "demo", Ready: true}}}, rep)

	user := mint(t, a.issuerURL, url.Values{"sub": {"alice"}, "scope": {"openid reports:read"}})
	expired := mint(t, a.issuerURL, url.Values{"ttl": {"-5m"}})
	for _, s := range []step{
		{name: "me", path: "/api/me", header: bearer(user), status: 200},
		{name: "me again (admitted to the cache)", path: "/api/me", header: bearer(user), status: 200},
		{name: "me from the cache", path: "/api/me", header: bearer(user), status: 200},
		{name: "no token", path: "/api/me", status: 401, challenge: realmChallenge},
		{name: "expired", path: "/api/me", header: bearer(expired), status: 401,
			challenge: realmChallenge + `, error="invalid_token", error_description="expired"`},
		{name: "admin without role", path: "/api/admin", header: bearer(user), status: 403,
			challenge: realmChallenge + `, error="insufficient_scope", error_description="missing_role"`},
	} {
		s.run(t, a)
	}

	body := scrape(t, a)
	for _, tt := range []struct {
		series string
		want   float64
	}{
		{`jwtguard_verifications_total{outcome="accepted",reason="",verifier="demo"}`, 4},
		{`jwtguard_verifications_total{outcome="rejected",reason="expired",verifier="demo"}`, 1},
		{`jwtguard_verify_cache_hits_total{verifier="demo"}`, 2},
		{`jwtguard_verify_cache_misses_total{verifier="demo"}`, 3},
		{`jwtguard_verify_duration_seconds_count{cache="miss",verifier="demo"}`, 3},
		{`jwtguard_key_fetches_total{outcome="updated",source="demo",trigger="first"}`, 1},
		{`jwtguard_keys_served{source="demo"}`, 1},
		{`jwtguard_keys_stale{source="demo"}`, 0},
		{`jwtguard_http_decisions_total{decision="allowed",handler="api",reason="",status=""}`, 4},
		{`jwtguard_http_decisions_total{decision="denied",handler="api",reason="missing_token",status="401"}`, 1},
		{`jwtguard_http_decisions_total{decision="denied",handler="api",reason="expired",status="401"}`, 1},
		{`jwtguard_http_decisions_total{decision="denied",handler="api",reason="missing_role",status="403"}`, 1},
	} {
		t.Run(tt.series, func(t *testing.T) {
			assert.Equal(t, tt.want, sample(t, body, tt.series))
		})
	}
	assert.Contains(t, body, "jwtguard_keys_age_seconds{source=\"demo\"}")
	assert.Contains(t, body, "go_goroutines")
	assert.NotContains(t, body, "alice")
	assert.NotContains(t, body, a.issuerURL)

	// Liveness stays separate; the banner names the three endpoints.
	resp, _ := call(t, a.apiURL+"/healthz", nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	out := banner(t, a)
	for _, p := range []string{"/healthz", readyPath, metricsPath} {
		assert.Contains(t, out, a.apiURL+p)
	}
}

func TestReadyzIssuerDown(t *testing.T) {
	a, _ := startApp(t, "-jwks", startDeadURL(t), "-iss", "https://sso.test", "-aud", "api")
	code, rep := ready(t, a)
	assert.Equal(t, http.StatusServiceUnavailable, code)
	require.Len(t, rep.Checks, 2)
	assert.Equal(t, readiness.Result{Name: revocationsName, Ready: true}, rep.Checks[0], "in memory: always in sync")
	assert.Equal(t, "jwks", rep.Checks[1].Name)
	assert.False(t, rep.Checks[1].Ready)
	assert.Equal(t, "no keys fetched yet", rep.Checks[1].Reason)
	assert.Empty(t, rep.Checks[1].Error, "the URL and error stay out of the body")

	resp, _ := call(t, a.apiURL+"/healthz", nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode, "alive while not ready")
	body := scrape(t, a)
	assert.Equal(t, 1.0, sample(t, body, `jwtguard_keys_stale{source="jwks"}`))
	assert.Equal(t, 0.0, sample(t, body, `jwtguard_keys_served{source="jwks"}`))
	assert.NotContains(t, body, `jwtguard_keys_age_seconds{source="jwks"}`)
}

func TestOpsEndpointsProfiles(t *testing.T) {
	t.Run("keycloak", func(t *testing.T) {
		realm := fakeidp.NewRealm(t, fakeidp.RealmOptions{})
		a, _ := startApp(t, "-profile", "keycloak", "-oidc", realm.URL, "-azp", fakeidp.DefaultClientID)
		user, _, _ := realmTokens(t, realm, url.Values{"grant_type": {"password"}, "username": {"bob"}, "password": {"x"}})
		resp, body := call(t, a.apiURL+"/api/me", bearer(user))
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		code, rep := ready(t, a)
		assert.Equal(t, http.StatusOK, code)
		assert.Equal(t, []readiness.Result{{Name: revocationsName, Ready: true}, {Name: "keycloak", Ready: true}}, rep.Checks)
		m := scrape(t, a)
		assert.Equal(t, 1.0, sample(t, m, `jwtguard_verifications_total{outcome="accepted",reason="",verifier="keycloak"}`))
		assert.Equal(t, 0.0, sample(t, m, `jwtguard_keys_stale{source="keycloak"}`))
		assert.NotContains(t, m, realm.URL)
	})
	t.Run("epr", func(t *testing.T) {
		s := fakeepr.New(t, fakeepr.Options{})
		file := filepath.Join(t.TempDir(), "partner-token")
		require.NoError(t, os.WriteFile(file, []byte(s.PartnerToken()), 0o600))
		a, _ := startApp(t, "-profile", "epr", "-epr-base", s.URL, "-epr-partner-token-file", file)
		resp, body := call(t, a.apiURL+"/api/me", http.Header{"X-Access-Token": {s.Token(fakeepr.UserName)}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		code, rep := ready(t, a)
		assert.Equal(t, http.StatusOK, code)
		assert.Equal(t, []readiness.Result{{Name: revocationsName, Ready: true}, {Name: "epr", Ready: true}}, rep.Checks)
		m := scrape(t, a)
		assert.Equal(t, 1.0, sample(t, m, `jwtguard_remote_checks_total{checker="epr",outcome="accepted",reason=""}`))
		assert.Equal(t, 1.0, sample(t, m, `jwtguard_remote_check_attempts_total{checker="epr"}`))
	})
}
