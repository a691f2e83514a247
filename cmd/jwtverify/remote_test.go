package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunRemoteKeys(t *testing.T) {
	srv := keyServer(t)
	now := time.Now()
	good := rs256(t, claimsAt(now, time.Hour, nil))
	fromServer := rs256(t, claimsAt(now, time.Hour, map[string]any{"iss": srv.URL}))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())

	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(hang.Close)

	tests := []struct {
		name   string
		args   []string
		code   int
		reason string
		hint   string
	}{
		{name: "-jwks URL", args: []string{"-jwks", srv.URL + "/jwks.json", "-iss", testIss, "-aud", testAud, good}, code: 0},
		{name: "-pem URL", args: []string{"-pem", srv.URL + "/pubkey.pem", "-iss", testIss, "-aud", testAud, good}, code: 0},
		{name: "-oidc expects its issuer", args: []string{"-oidc", srv.URL, "-aud", testAud, fromServer}, code: 0},
		{name: "-oidc refuses another issuer", args: []string{"-oidc", srv.URL, "-aud", testAud, good}, code: 1, reason: "issuer", hint: `accepted: ["` + srv.URL + `"]`},
		{name: "-oidc with -iss", args: []string{"-oidc", srv.URL, "-iss", testIss, "-aud", testAud, good}, code: 0},
		{name: "unreachable keys", args: []string{"-jwks", dead + "/jwks.json", good}, code: 3, reason: "keys_unavailable", hint: "no keys from JWKS " + dead},
		{name: "-timeout", args: []string{"-jwks", hang.URL + "/jwks.json", "-timeout", "50ms", good}, code: 3},
		{name: "a bad token never fetches keys", args: []string{"-jwks", dead + "/jwks.json", "x.y"}, code: 1, reason: "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := runCmd(t, "", tt.args...)
			require.Equal(t, tt.code, o.code, "stdout %s\nstderr %s", o.raw, o.stderr)
			assert.Equal(t, tt.code == 0, o.out["valid"])
			if tt.reason != "" {
				assert.Equal(t, tt.reason, o.out["reason"])
			}
			if tt.hint != "" {
				assert.Contains(t, o.out["hint"], tt.hint)
			}
		})
	}
}

// TestRunInsecureAllowHTTP never reaches the network: without the flag the
// URL is refused before any fetch, and with it the token fails its
// algorithm check, which comes before any fetch.
func TestRunInsecureAllowHTTP(t *testing.T) {
	tok := rs256(t, claimsAt(time.Now(), time.Hour, nil))
	remote := "http://keys.example.invalid/jwks.json"

	o := runCmd(t, "", "-jwks", remote, "-alg", "ES256", tok)
	assert.Equal(t, 2, o.code, o.stderr)
	assert.Contains(t, o.stderr, "http")

	o = runCmd(t, "", "-jwks", remote, "-alg", "ES256", "-insecure-allow-http", tok)
	assert.Equal(t, 1, o.code, o.raw+o.stderr)
	assert.Equal(t, "algorithm", o.out["reason"])
}
