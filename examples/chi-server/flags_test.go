package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFlagsErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "demo issuer on all interfaces", args: []string{"-demo-addr", ":8081"}, want: "loopback only"},
		{name: "demo issuer on a LAN address", args: []string{"-demo-addr", "192.168.0.2:8081"}, want: "loopback only"},
		{name: "two key flags", args: []string{"-oidc", "https://a.test", "-jwks", "https://a.test/jwks"}, want: "one of -oidc, -jwks, -pem and -secret-file"},
		{name: "secret and jwks", args: []string{"-secret-file", "s", "-jwks", "https://a.test/jwks", "-iss", "x", "-aud", "y"}, want: "one of -oidc, -jwks, -pem and -secret-file"},
		{name: "jwks without iss", args: []string{"-jwks", "https://a.test/jwks"}, want: "need -iss"},
		{name: "pem without iss", args: []string{"-pem", "https://a.test/key.pem"}, want: "need -iss"},
		{name: "secret without iss", args: []string{"-secret-file", "s", "-aud", "y"}, want: "need -iss"},
		{name: "real issuer without -aud", args: []string{"-oidc", "https://sso.test/realms/a"}, want: "-aud is required with a real issuer: pass this API's audience (-aud my-api), or -insecure-skip-audience"},
		{name: "-aud and -insecure-skip-audience", args: []string{"-oidc", "https://sso.test/realms/a", "-aud", "a", "-insecure-skip-audience"}, want: "not both"},
		{name: "HS256 without a secret", args: []string{"-oidc", "https://sso.test/realms/a", "-aud", "a", "-alg", "HS256"}, want: "-alg HS256 needs -secret-file"},
		{name: "RS256 with a secret", args: []string{"-secret-file", "s", "-iss", "x", "-aud", "y", "-alg", "RS256"}, want: "-alg RS256 does not fit -secret-file"},
		{name: "-insecure-skip-issuer without -profile", args: []string{"-oidc", "https://sso.test/realms/a", "-aud", "a", "-insecure-skip-issuer"}, want: "-insecure-skip-issuer needs -profile"},
		{name: "negative leeway", args: []string{"-leeway", "-1s"}, want: "negative"},
		{name: "stray argument", args: []string{"serve"}, want: "unexpected argument"},
		{name: "unknown flag", args: []string{"-nope"}, want: "not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseFlags(tt.args, io.Discard)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestParseFlagsDefaults(t *testing.T) {
	c, err := parseFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:8080", c.addr)
	assert.Equal(t, "127.0.0.1:8081", c.demoAddr)
	assert.True(t, c.demo())

	c, err = parseFlags([]string{"-aud", "a", "-aud", "b,c", "-alg", "RS256,ES256", "-header", "jwt"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "c"}, c.audience)
	assert.Equal(t, []string{"RS256", "ES256"}, c.algs)
	assert.Equal(t, []string{"jwt"}, c.headers)

	// A non-loopback -demo-addr is fine when no demo issuer runs.
	_, err = parseFlags([]string{"-demo-addr", ":8081", "-oidc", "https://sso.test/realms/a", "-aud", "api"}, io.Discard)
	assert.NoError(t, err)
}

func TestRunUsage(t *testing.T) {
	var out strings.Builder
	err := run(context.Background(), []string{"-h"}, io.Discard, &out)
	assert.ErrorIs(t, err, flag.ErrHelp)
	assert.Contains(t, out.String(), "GET /api/admin")
	assert.Contains(t, out.String(), "-oidc issuer")

	err = run(context.Background(), []string{"-demo-addr", "0.0.0.0:0"}, io.Discard, io.Discard)
	var usage usageError
	assert.True(t, errors.As(err, &usage), "%v", err)
}

// TestRealIssuerFlags protects a second API with the first one's demo
// issuer, reached through each of -oidc, -jwks and -pem, as a real issuer
// would be.
func TestRealIssuerFlags(t *testing.T) {
	demo, _ := startApp(t)
	tok := mint(t, demo.issuerURL, url.Values{"scope": {"reports:read"}})
	justExpired := mint(t, demo.issuerURL, url.Values{"ttl": {"-30s"}, "scope": {"reports:read"}})
	is := demo.issuerURL
	tests := []struct {
		name      string
		args      []string
		token     string
		status    int
		challenge string
		warning   string
	}{
		{name: "-oidc", args: []string{"-oidc", is, "-aud", demoAudience}, token: tok, status: 200},
		{name: "-jwks", args: []string{"-jwks", is + jwksPath, "-iss", is, "-aud", demoAudience}, token: tok, status: 200},
		{name: "-pem", args: []string{"-pem", is + pemPath, "-iss", is, "-aud", demoAudience}, token: tok, status: 200},
		{name: "-iss other", args: []string{"-jwks", is + jwksPath, "-iss", "https://other.test", "-aud", demoAudience}, token: tok, status: 401,
			challenge: `Bearer realm="jwtguard-example", error="invalid_token", error_description="issuer"`},
		{name: "-aud other", args: []string{"-oidc", is, "-aud", "billing"}, token: tok, status: 401,
			challenge: `Bearer realm="jwtguard-example", error="invalid_token", error_description="audience"`},
		{name: "-insecure-skip-audience: not checked, with a warning", args: []string{"-oidc", is, "-insecure-skip-audience"}, token: tok, status: 200, warning: "audience is not checked (-insecure-skip-audience)"},
		{name: "-typ JWT", args: []string{"-oidc", is, "-aud", demoAudience, "-typ", "JWT"}, token: tok, status: 200},
		{name: "-typ at+jwt refuses a JWT", args: []string{"-oidc", is, "-aud", demoAudience, "-typ", "at+jwt"}, token: tok, status: 401,
			challenge: `Bearer realm="jwtguard-example", error="invalid_token", error_description="token_type"`},
		{name: "-alg ES256 refuses RS256", args: []string{"-oidc", is, "-aud", demoAudience, "-alg", "ES256"}, token: tok, status: 401,
			challenge: `Bearer realm="jwtguard-example", error="invalid_token", error_description="algorithm"`},
		{name: "default leeway accepts 30 s past exp", args: []string{"-oidc", is, "-aud", demoAudience}, token: justExpired, status: 200},
		{name: "-leeway 0", args: []string{"-oidc", is, "-aud", demoAudience, "-leeway", "0"}, token: justExpired, status: 401,
			challenge: `Bearer realm="jwtguard-example", error="invalid_token", error_description="expired"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, logs := startApp(t, tt.args...)
			assert.Nil(t, a.demo, "no demo issuer with a real one")
			resp, body := call(t, a.apiURL+"/api/reports", bearer(tt.token))
			assert.Equal(t, tt.status, resp.StatusCode, body)
			assert.Equal(t, tt.challenge, resp.Header.Get("WWW-Authenticate"))
			if tt.warning != "" {
				assert.Contains(t, strings.Join(a.auth.warnings, "\n"), tt.warning)
				assert.Contains(t, logs.String(), `level=WARN msg="INSECURE: the audience is not checked`)
			} else {
				assert.Empty(t, a.auth.warnings)
			}
		})
	}
}

// TestRealIssuerDownListensAtOnce starts the API with a real issuer that is
// down, as a user would (no cancelled context): the API must listen at once,
// /healthz answer 200, and a request with a token 503 keys_unavailable with
// Retry-After, until the keys come.
func TestRealIssuerDownListensAtOnce(t *testing.T) {
	for _, tt := range []struct {
		name string
		args func(dead string) []string
	}{
		{name: "-jwks", args: func(dead string) []string { return []string{"-jwks", dead, "-iss", "https://sso.test", "-aud", "api"} }},
		{name: "-oidc", args: func(dead string) []string {
			return []string{"-oidc", strings.TrimSuffix(dead, "/jwks.json"), "-aud", "api"}
		}},
		{name: "-profile keycloak", args: func(dead string) []string {
			return []string{"-profile", "keycloak", "-oidc", strings.TrimSuffix(dead, "/jwks.json"), "-azp", "api"}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseFlags(append([]string{"-addr", "127.0.0.1:0"}, tt.args(startDeadURL(t))...), io.Discard)
			require.NoError(t, err)
			logs := &syncBuffer{}
			type started struct {
				a   *app
				err error
			}
			done := make(chan started, 1)
			go func() {
				a, err := start(context.Background(), c, slog.New(slog.NewTextHandler(logs, nil)))
				done <- started{a, err}
			}()
			var a *app
			select {
			case s := <-done:
				require.NoError(t, s.err)
				a = s.a
			case <-time.After(readyTimeout / 2):
				s := <-done
				if s.a != nil {
					_ = s.a.shutdown(context.Background())
				}
				t.Fatal("start waited for the keys of an issuer that is down")
			}
			t.Cleanup(func() { assert.NoError(t, a.shutdown(context.Background())) })
			resp, body := call(t, a.apiURL+"/healthz", nil)
			assert.Equal(t, http.StatusOK, resp.StatusCode, body)
			resp, body = call(t, a.apiURL+"/api/me", bearer("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"))
			assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, body)
			assert.Equal(t, "10", resp.Header.Get("Retry-After"))
			assert.Empty(t, resp.Header.Get("WWW-Authenticate"))
			assert.Contains(t, body, `"reason":"keys_unavailable"`)
		})
	}
}
