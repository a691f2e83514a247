package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/redistest"
	"github.com/jwtguard/jwtguard/redisstore"
)

func TestRevocationFlagErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "negative max lag", args: []string{"-redis", "redis://127.0.0.1:6379/0", "-revocation-max-lag", "-1s"}, want: "-revocation-max-lag is negative"},
		{name: "max lag without redis", args: []string{"-revocation-max-lag", "10s"}, want: "-revocation-max-lag needs -redis"},
		{name: "redis URL of another scheme", args: []string{"-redis", "http://127.0.0.1:6379"}, want: `-redis "http://127.0.0.1:6379"`},
		{name: "redis URL with a bad db", args: []string{"-redis", "redis://127.0.0.1:6379/x"}, want: "invalid database number"},
		{name: "logout-aud with erply", args: []string{"-profile", "erply", "-pem", "https://e.test/k.pem", "-account", "1", "-iss", "e", "-aud", "a", "-logout-aud", "c"}, want: "-logout-aud works with -profile keycloak only"},
		{name: "logout-aud with two issuers", args: []string{"-jwks", "https://a.test/jwks", "-iss", "x", "-iss", "y", "-aud", "a", "-logout-aud", "c"}, want: "-logout-aud needs one issuer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseFlags(tt.args, io.Discard)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestRevocationFlags(t *testing.T) {
	c, err := parseFlags([]string{"-redis", "redis://:pw@127.0.0.1:6390/3", "-revocation-max-lag", "30s"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:6390", c.redisOpts.Addr)
	assert.Equal(t, 3, c.redisOpts.DB)
	assert.Equal(t, "pw", c.redisOpts.Password)
	assert.Equal(t, 30*time.Second, c.maxLag)
	assert.Equal(t, demoAudience, c.logoutClient(), "demo mode receives logouts for the demo client")

	c, err = parseFlags([]string{"-oidc", "https://sso.test/realms/a", "-aud", "api"}, io.Discard)
	require.NoError(t, err)
	assert.Empty(t, c.logoutClient(), "no receiver unless -logout-aud")
	assert.Nil(t, c.redisOpts)
}

// postForm POSTs form to target and returns the response and its body.
func postForm(t *testing.T, target string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := http.PostForm(target, form)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

// requireStatus GETs /api/me with tok and checks the status and, for a
// refusal, the reason of the problem body.
func requireStatus(t *testing.T, apiURL, tok string, status int, reason string) {
	t.Helper()
	resp, body := call(t, apiURL+"/api/me", bearer(tok))
	require.Equal(t, status, resp.StatusCode, body)
	if reason != "" {
		var p struct {
			Reason string `json:"reason"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &p), body)
		require.Equal(t, reason, p.Reason)
	}
}

// eventuallyStatus polls /api/me with tok until it answers status, for at
// most within, and returns how long that took.
func eventuallyStatus(t *testing.T, apiURL, tok string, status int, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	var last string
	for time.Since(start) < within {
		resp, body := call(t, apiURL+"/api/me", bearer(tok))
		if resp.StatusCode == status {
			return time.Since(start)
		}
		last = resp.Status + " " + body
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("/api/me did not answer %d within %s; last: %s", status, within, last)
	return 0
}

func TestDemoLogout(t *testing.T) {
	a, logs := startApp(t)
	tok := mint(t, a.issuerURL, url.Values{"sid": {"session-1"}})
	same := mint(t, a.issuerURL, url.Values{"sid": {"session-1"}, "scope": {"reports:read"}})
	other := mint(t, a.issuerURL, url.Values{"sub": {"bob"}})
	requireStatus(t, a.apiURL, tok, 200, "")
	requireStatus(t, a.apiURL, other, 200, "")

	t.Run("methods and bad requests", func(t *testing.T) {
		resp, body := call(t, a.issuerURL+logoutPath, nil)
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, body)
		assert.Equal(t, "POST", resp.Header.Get("Allow"))
		resp, body = call(t, a.apiURL+backchannelPath, nil)
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, body)
		resp, body = postForm(t, a.issuerURL+logoutPath, url.Values{})
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.Contains(t, body, "give sid")
		resp, body = postForm(t, a.apiURL+backchannelPath, url.Values{"logout_token": {tok}})
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "an access token is no logout token")
		assert.Contains(t, body, `"error":"invalid_request"`)
	})

	t.Run("by sid", func(t *testing.T) {
		resp, body := postForm(t, a.issuerURL+logoutPath, url.Values{"sid": {"session-1"}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		requireStatus(t, a.apiURL, tok, 401, "revoked")
		requireStatus(t, a.apiURL, same, 401, "revoked")
		requireStatus(t, a.apiURL, other, 200, "")
		resp, _ = call(t, a.apiURL+"/api/me", bearer(tok))
		assert.Equal(t, `Bearer realm="jwtguard-example", error="invalid_token", error_description="revoked"`, resp.Header.Get("WWW-Authenticate"))
		assert.Contains(t, logs.String(), "path=/api/me status=401 reason=revoked")
	})

	t.Run("by sub", func(t *testing.T) {
		resp, body := postForm(t, a.issuerURL+logoutPath, url.Values{"sub": {"bob"}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		requireStatus(t, a.apiURL, other, 401, "revoked")
		// Tokens issued in the logout's second are cut off too (iat has
		// whole seconds); a token of the next second stands.
		time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
		later := mint(t, a.issuerURL, url.Values{"sub": {"bob"}})
		requireStatus(t, a.apiURL, later, 200, "")
	})
}

// TestKeycloakProfileLogout: -profile keycloak -logout-aud serves the
// profile's receiver, writing where the profile's verifier looks.
func TestKeycloakProfileLogout(t *testing.T) {
	idp, _ := startApp(t)
	b, _ := startApp(t, "-profile", "keycloak", "-oidc", idp.issuerURL, "-azp", demoClient, "-logout-aud", "api-b")
	tok := mint(t, idp.issuerURL, url.Values{"sid": {"s-kc"}})
	require.NoError(t, b.auth.ready(context.Background()))
	requireStatus(t, b.apiURL, tok, 200, "")

	wrongAud, err := idp.demo.logoutToken(demoAudience, "s-kc", "")
	require.NoError(t, err)
	resp, body := postForm(t, b.apiURL+backchannelPath, url.Values{"logout_token": {wrongAud}})
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, "aud demo-api is not client api-b: %s", body)

	lt, err := idp.demo.logoutToken("api-b", "s-kc", "")
	require.NoError(t, err)
	resp, body = postForm(t, b.apiURL+backchannelPath, url.Values{"logout_token": {lt}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	requireStatus(t, b.apiURL, tok, 401, "revoked")
	resp, _ = postForm(t, b.apiURL+backchannelPath, url.Values{"logout_token": {lt}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "a replayed logout token")
}

// TestTwoInstancesShareRevocations runs two example servers on one
// redis-server: A in demo mode, B protecting its API with A's demo issuer
// (-oidc) and receiving its logouts too. A logout through A's demo issuer
// is refused by both APIs.
func TestTwoInstancesShareRevocations(t *testing.T) {
	srv := redistest.Start(t)
	a, _ := startApp(t, "-redis", srv.URL())
	b, _ := startApp(t, "-redis", srv.URL(), "-oidc", a.issuerURL, "-aud", demoAudience, "-logout-aud", demoAudience)
	require.NoError(t, b.auth.ready(context.Background()))

	tok := mint(t, a.issuerURL, url.Values{"sid": {"shared-session"}})
	eventuallyStatus(t, a.apiURL, tok, 200, 10*time.Second) // 503 until in sync
	eventuallyStatus(t, b.apiURL, tok, 200, 10*time.Second)

	resp, body := postForm(t, a.issuerURL+logoutPath, url.Values{"sid": {"shared-session"}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	requireStatus(t, a.apiURL, tok, 401, "revoked") // A wrote it: seen at once
	took := eventuallyStatus(t, b.apiURL, tok, 401, 2*time.Second)
	t.Logf("B refused the token %s after A's logout", took)
	requireStatus(t, b.apiURL, tok, 401, "revoked")

	// B's own receiver (-logout-aud): a logout token delivered to B is
	// seen by A, and its replay to A is refused through Redis.
	tok2 := mint(t, a.issuerURL, url.Values{"sid": {"session-2"}})
	requireStatus(t, a.apiURL, tok2, 200, "")
	lt, err := a.demo.logoutToken(demoAudience, "session-2", "")
	require.NoError(t, err)
	resp, body = postForm(t, b.apiURL+backchannelPath, url.Values{"logout_token": {lt}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	requireStatus(t, b.apiURL, tok2, 401, "revoked")
	eventuallyStatus(t, a.apiURL, tok2, 401, 2*time.Second)
	resp, body = postForm(t, a.apiURL+backchannelPath, url.Values{"logout_token": {lt}})
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	assert.Contains(t, body, "already used")
}

// TestRedisDown: with -redis unreachable the server still listens at once,
// and a valid token gets 503 revocation_unavailable, without a challenge.
func TestRedisDown(t *testing.T) {
	dead := strings.TrimSuffix(strings.TrimPrefix(startDeadURL(t), "http://"), "/jwks.json")
	a, logs := startApp(t, "-redis", "redis://"+dead+"/0")
	tok := mint(t, a.issuerURL, nil)
	resp, body := call(t, a.apiURL+"/healthz", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	requireStatus(t, a.apiURL, tok, 503, "revocation_unavailable")
	resp, _ = call(t, a.apiURL+"/api/me", bearer(tok))
	assert.NotEmpty(t, resp.Header.Get("Retry-After"))
	assert.Empty(t, resp.Header.Get("WWW-Authenticate"))
	assert.Contains(t, logs.String(), "reason=revocation_unavailable")

	resp, body = postForm(t, a.issuerURL+logoutPath, url.Values{"sid": {"x"}})
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "a logout Redis did not take is not 200: %s", body)
}

// TestRevocationMaxLag: -revocation-max-lag bounds how long an instance cut
// off from Redis keeps answering: then 503 revocation_unavailable, and 200
// again once the link heals.
func TestRevocationMaxLag(t *testing.T) {
	srv := redistest.Start(t)
	proxy := redistest.NewProxy(t, srv.Addr())
	a, _ := startApp(t, "-redis", proxy.URL(), "-revocation-max-lag", "400ms")
	tok := mint(t, a.issuerURL, nil)
	eventuallyStatus(t, a.apiURL, tok, 200, 10*time.Second)
	proxy.Cut()
	eventuallyStatus(t, a.apiURL, tok, 503, 5*time.Second)
	requireStatus(t, a.apiURL, tok, 503, "revocation_unavailable")
	proxy.Heal()
	eventuallyStatus(t, a.apiURL, tok, 200, redisstore.MaxBackoff+5*time.Second)
}

// TestDemoLogoutAPIDown: the demo issuer answers 502 when the API's
// back-channel logout URL cannot be reached.
func TestDemoLogoutAPIDown(t *testing.T) {
	is, err := newIssuer("http://127.0.0.1:1")
	require.NoError(t, err)
	is.logoutTo(strings.TrimSuffix(startDeadURL(t), "/jwks.json")+backchannelPath, demoAudience)
	srv := httptest.NewServer(is)
	t.Cleanup(srv.Close)
	resp, body := postForm(t, srv.URL+logoutPath, url.Values{"sid": {"s"}})
	assert.Equal(t, http.StatusBadGateway, resp.StatusCode, body)
	assert.Contains(t, body, "could not be reached")
}

// waitReady polls /readyz until it answers 200 (a store on -redis syncs in
// the background).
func waitReady(t *testing.T, a *app) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, rep := ready(t, a)
		if code == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz still %d: %+v", code, rep)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestReadyzRevocations: /readyz reports the revocation store, 503 while a
// -redis store is out of sync, and /metrics its state.
func TestReadyzRevocations(t *testing.T) {
	dead := strings.TrimSuffix(strings.TrimPrefix(startDeadURL(t), "http://"), "/jwks.json")
	down, _ := startApp(t, "-redis", "redis://"+dead+"/0")
	code, rep := ready(t, down)
	assert.Equal(t, http.StatusServiceUnavailable, code)
	require.NotEmpty(t, rep.Checks)
	assert.Equal(t, revocationsName, rep.Checks[0].Name)
	assert.False(t, rep.Checks[0].Ready)
	assert.Equal(t, 0.0, sample(t, scrape(t, down), `jwtguard_revocation_in_sync{store="revocations"}`))

	srv := redistest.Start(t)
	up, _ := startApp(t, "-redis", srv.URL())
	waitReady(t, up)
	resp, body := postForm(t, up.issuerURL+logoutPath, url.Values{"sid": {"s"}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	m := scrape(t, up)
	assert.Equal(t, 1.0, sample(t, m, `jwtguard_revocation_in_sync{store="revocations"}`))
	assert.Equal(t, 1.0, sample(t, m, `jwtguard_revocation_entries{store="revocations"}`))
	assert.Equal(t, 1.0, sample(t, m, `jwtguard_revocations_total{kind="session",result="stored",store="revocations"}`))
}

// TestRedisURLErrorHidesPassword: a -redis URL that does not parse is named
// in the error with its password redacted, since the error goes to stderr
// and from there to the service's logs.
func TestRedisURLErrorHidesPassword(t *testing.T) {
	tests := []struct {
		name string
		url  string
	}{
		{name: "bad db", url: "redis://user:s3cret@127.0.0.1:6379/x"},
		{name: "bad port", url: "redis://:s3cret@127.0.0.1:63x9/0"},
		{name: "another scheme", url: "http://user:s3cret@127.0.0.1:6379"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseFlags([]string{"-redis", tt.url}, io.Discard)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "-redis ")
			assert.NotContains(t, err.Error(), "s3cret")
		})
	}
}
