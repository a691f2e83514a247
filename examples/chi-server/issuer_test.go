package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/keysource"
)

func TestIssuerDocuments(t *testing.T) {
	a, _ := startApp(t)
	is := a.issuerURL

	resp, body := call(t, is+discoveryPath, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	assert.Equal(t, "jwtguard demo issuer: not for production", resp.Header.Get("X-Demo-Issuer"))
	var disco map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &disco))
	assert.Equal(t, is, disco["issuer"], "issuer URL is http://<demo-addr>, no path")
	assert.Equal(t, is+jwksPath, disco["jwks_uri"])
	assert.Equal(t, is+tokenPath, disco["token_endpoint"])

	resp, body = call(t, is+jwksPath, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	jwks, skipped, err := keysource.ParseJWKS([]byte(body))
	require.NoError(t, err)
	assert.Empty(t, skipped)
	require.Len(t, jwks, 1)
	assert.Equal(t, a.demo.kid, jwks[0].ID())
	assert.Equal(t, "RS256", jwks[0].Algorithm())

	resp, body = call(t, is+pemPath, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	pems, err := keysource.ParsePEM([]byte(body))
	require.NoError(t, err)
	require.Len(t, pems, 1)
	assert.True(t, pems[0].SameMaterial(jwks[0]), "the PEM and the JWKS hold the same key")

	resp, body = call(t, is+"/", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "DEMO issuer (not for production)")

	resp, _ = call(t, is+"/nope", nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestIssuerTokenEndpoint(t *testing.T) {
	a, _ := startApp(t)
	post := func(form url.Values, accept string) (*http.Response, string) {
		req, err := http.NewRequest(http.MethodPost, a.issuerURL+tokenPath, strings.NewReader(form.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, string(b)
	}
	tests := []struct {
		name    string
		form    url.Values
		accept  string
		status  int
		expires float64 // expires_in of a 200 JSON answer
		errDesc string  // substring of error_description of a 400
	}{
		{name: "defaults", form: url.Values{}, status: 200, expires: 300},
		{name: "ttl", form: url.Values{"ttl": {"90s"}, "sub": {"bob"}}, status: 200, expires: 90},
		{name: "negative ttl", form: url.Values{"ttl": {"-5m"}}, status: 200, expires: 0},
		{name: "bad ttl", form: url.Values{"ttl": {"soon"}}, status: 400, errDesc: "not a Go duration"},
		{name: "ttl too long", form: url.Values{"ttl": {"48h"}}, status: 400, errDesc: "ttl must lie between"},
		{name: "bad scope", form: url.Values{"scope": {`a"b`}}, status: 400, errDesc: "scope"},
		{name: "control character in sub", form: url.Values{"sub": {"a\nb"}}, status: 400, errDesc: "sub"},
		{name: "plain text", form: url.Values{}, accept: "text/plain", status: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := post(tt.form, tt.accept)
			require.Equal(t, tt.status, resp.StatusCode, body)
			if tt.accept == "text/plain" {
				assert.Equal(t, 2, strings.Count(strings.TrimSpace(body), "."), "a bare compact JWS")
				return
			}
			var out map[string]any
			require.NoError(t, json.Unmarshal([]byte(body), &out))
			if tt.status == 200 {
				assert.Equal(t, "Bearer", out["token_type"])
				assert.Equal(t, tt.expires, out["expires_in"])
				assert.NotEmpty(t, out["access_token"])
				return
			}
			assert.Equal(t, "invalid_request", out["error"])
			assert.Contains(t, out["error_description"], tt.errDesc)
		})
	}

	resp, _ := call(t, a.issuerURL+tokenPath, nil)
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	assert.Equal(t, "POST", resp.Header.Get("Allow"))
}

func TestIssuerRefusesOtherHosts(t *testing.T) {
	a, _ := startApp(t)
	for _, tc := range []struct {
		host string
		want int
	}{
		{"", http.StatusOK}, // the URL's own 127.0.0.1:port
		{"localhost:8081", http.StatusOK},
		{"[::1]:8081", http.StatusOK},
		{"evil.example:8081", http.StatusMisdirectedRequest}, // DNS rebinding
		{"evil.example", http.StatusMisdirectedRequest},
	} {
		t.Run(tc.host, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, a.issuerURL+tokenPath, strings.NewReader("roles=admin"))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.host != "" {
				req.Host = tc.host
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tc.want, resp.StatusCode)
		})
	}
}

func TestDemoModeAPIOnLoopbackOnly(t *testing.T) {
	_, err := parseFlags([]string{"-addr", "0.0.0.0:8080"}, io.Discard)
	require.ErrorContains(t, err, "-addr")
	_, err = parseFlags([]string{"-addr", "0.0.0.0:8080", "-oidc", "https://sso.test/realms/a", "-aud", "api"}, io.Discard)
	require.NoError(t, err, "with a real issuer the API may listen anywhere")
}

func TestHeaderFlagValidated(t *testing.T) {
	_, err := parseFlags([]string{"-oidc", "https://sso.test/realms/a", "-aud", "api", "-header", "x access token"}, io.Discard)
	require.ErrorContains(t, err, "not a valid header name")
	_, err = parseFlags([]string{"-oidc", "https://sso.test/realms/a", "-aud", "api", "-header", "x-access-token"}, io.Discard)
	require.NoError(t, err)
}

func TestCheckLoopback(t *testing.T) {
	tests := []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:8081", true},
		{"127.0.0.2:0", true},
		{"[::1]:8081", true},
		{"localhost:8081", true},
		{":8081", false},
		{"0.0.0.0:8081", false},
		{"192.168.1.10:8081", false},
		{"example.com:8081", false},
		{"127.0.0.1", false},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			err := checkLoopback("-demo-addr", tt.addr)
			if tt.ok {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
}
