package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/testkeys"
)

const (
	testIss = "https://issuer.test/realms/main"
	testAud = "api"
)

// claimsAt returns claims valid from iat to exp, relative to now.
func claimsAt(now time.Time, exp time.Duration, extra map[string]any) map[string]any {
	c := map[string]any{
		"iss": testIss, "aud": testAud, "sub": "alice",
		"iat": now.Add(-time.Minute).Unix(), "exp": now.Add(exp).Unix(),
	}
	for k, v := range extra {
		c[k] = v
	}
	return c
}

// rs256 signs claims with the RSA 2048 test key under its JWKS kid.
func rs256(t *testing.T, claims map[string]any) string {
	t.Helper()
	return testkeys.SignClaims(t, "RS256", testkeys.RSA2048(t), map[string]any{"kid": testkeys.KIDRSA2048, "typ": "JWT"}, claims)
}

// outcome is one run of the command.
type outcome struct {
	code   int
	out    map[string]any
	raw    string
	stderr string
}

func runCmd(t *testing.T, stdin string, args ...string) outcome {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(stdin), &stdout, &stderr)
	o := outcome{code: code, raw: stdout.String(), stderr: stderr.String()}
	if stdout.Len() > 0 {
		require.NoError(t, json.Unmarshal(stdout.Bytes(), &o.out), "stdout is one JSON object: %s", stdout.String())
	}
	return o
}

func (o outcome) claim(name string) any {
	c, _ := o.out["claims"].(map[string]any)
	return c[name]
}

func TestRunFileKeys(t *testing.T) {
	now := time.Now()
	jwks := testkeys.Path("rsa2048.jwks.json")
	pemFile := testkeys.Path("rsa2048.pub.pem")
	good := rs256(t, claimsAt(now, time.Hour, nil))
	expired := rs256(t, claimsAt(now, -time.Hour, map[string]any{"iat": now.Add(-3 * time.Hour).Unix()}))
	justExpired := rs256(t, claimsAt(now, -30*time.Second, nil))
	checks := []string{"-iss", testIss, "-aud", testAud}
	with := func(args ...string) []string { return append(append([]string{}, checks...), args...) }

	tests := []struct {
		name     string
		args     []string
		stdin    string
		code     int
		reason   string   // "" for a valid token
		warnings []string // exact "warnings"
		hint     string   // substring of "hint"
	}{
		{name: "valid, -jwks file", args: with("-jwks", jwks, good), code: 0},
		{name: "valid, -pem file", args: with("-pem", pemFile, good), code: 0},
		{name: "token on stdin", args: with("-jwks", jwks), stdin: good + "\n", code: 0},
		{name: "token on stdin with -", args: with("-jwks", jwks, "-"), stdin: "  " + good, code: 0},
		{name: "Bearer prefix is ignored", args: with("-jwks", jwks, "Bearer "+good), code: 0},
		{
			name: "no -iss, no -aud: valid with warnings", args: []string{"-jwks", jwks, good}, code: 0,
			warnings: []string{"issuer not checked: no -iss given", "audience not checked: no -aud given"},
		},
		{name: "expired", args: with("-jwks", jwks, expired), code: 1, reason: "expired", hint: "exp is "},
		{name: "-leeway 2h accepts a token expired an hour ago", args: with("-jwks", jwks, "-leeway", "2h", expired), code: 0},
		{name: "default leeway accepts 30 s past exp", args: with("-jwks", jwks, justExpired), code: 0},
		{name: "-leeway 0 refuses 30 s past exp", args: with("-jwks", jwks, "-leeway", "0", justExpired), code: 1, reason: "expired"},
		{name: "-now RFC 3339 in the past", args: with("-jwks", jwks, "-now", now.Add(-2*time.Hour).UTC().Format(time.RFC3339), expired), code: 0},
		{name: "-now Unix seconds", args: with("-jwks", jwks, "-now", strconv.FormatInt(now.Add(-2*time.Hour).Unix(), 10), expired), code: 0},
		{name: "-now after exp", args: with("-jwks", jwks, "-now", strconv.FormatInt(now.Add(2*time.Hour).Unix(), 10), good), code: 1, reason: "expired"},
		{name: "wrong -iss", args: []string{"-jwks", jwks, "-aud", testAud, "-iss", "https://other.test", good}, code: 1, reason: "issuer", hint: `accepted: ["https://other.test"]`},
		{name: "wrong -aud", args: []string{"-jwks", jwks, "-iss", testIss, "-aud", "billing", "-aud", "shop", good}, code: 1, reason: "audience", hint: `accepted: ["billing","shop"]`},
		{name: "-aud as a comma list", args: []string{"-jwks", jwks, "-iss", testIss, "-aud", "billing,api", good}, code: 0},
		{name: "-alg refuses RS256", args: with("-jwks", jwks, "-alg", "ES256,PS256", good), code: 1, reason: "algorithm", hint: `alg is "RS256"; accepted: ES256,PS256`},
		{name: "-alg RS256", args: with("-jwks", jwks, "-alg", "RS256", good), code: 0},
		{name: "-typ refuses JWT", args: with("-jwks", jwks, "-typ", "at+jwt", good), code: 1, reason: "token_type", hint: `typ is "JWT"`},
		{name: "-typ accepts JWT", args: with("-jwks", jwks, "-typ", ",JWT", good), code: 0},
		{name: "other key", args: with("-pem", testkeys.Path("rsa3072.pub.pem"), good), code: 1, reason: "signature", hint: "PEM file"},
		{name: "unknown kid", args: with("-jwks", testkeys.Path("rsa3072.jwks.json"), good), code: 1, reason: "unknown_key", hint: `kid "rsa-2048" is not among the kids`},
		{name: "not a JWT", args: with("-jwks", jwks, "hello"), code: 1, reason: "malformed"},
		{name: "more than 1 MiB on stdin", args: with("-jwks", jwks), stdin: strings.Repeat("eyJh", maxStdin/4+1), code: 1, reason: "malformed", hint: "16384 bytes"},
		{name: "a JWT-shaped 1 MiB on stdin", args: with("-jwks", jwks), stdin: good[:strings.LastIndexByte(good, '.')] + "." + strings.Repeat("A", maxStdin), code: 1, reason: "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := runCmd(t, tt.stdin, tt.args...)
			require.Equal(t, tt.code, o.code, "stdout %s\nstderr %s", o.raw, o.stderr)
			assert.Equal(t, tt.reason == "", o.out["valid"])
			if tt.reason == "" {
				assert.Equal(t, "alice", o.claim("sub"))
				assert.IsType(t, map[string]any{}, o.out["header"])
				assert.NotContains(t, o.out, "unverified")
			} else {
				assert.Equal(t, tt.reason, o.out["reason"])
				assert.NotEmpty(t, o.out["error"])
				assert.NotContains(t, o.out, "claims")
			}
			if tt.hint != "" {
				assert.Contains(t, o.out["hint"], tt.hint)
			}
			var warnings []string
			for _, w := range asSlice(o.out["warnings"]) {
				warnings = append(warnings, w.(string))
				assert.Contains(t, o.stderr, "jwtverify: warning: "+w.(string))
			}
			assert.Equal(t, tt.warnings, warnings)
		})
	}
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func TestRunValidOutput(t *testing.T) {
	tok := rs256(t, claimsAt(time.Now(), time.Hour, map[string]any{"scope": "a b"}))
	o := runCmd(t, "", "-jwks", testkeys.Path("rsa2048.jwks.json"), "-iss", testIss, "-aud", testAud, tok)
	require.Equal(t, 0, o.code)
	assert.Equal(t, map[string]any{"alg": "RS256", "kid": "rsa-2048", "typ": "JWT"}, o.out["header"])
	assert.Equal(t, "a b", o.claim("scope"))
	assert.Equal(t, map[string]any{"kid": "rsa-2048", "type": "RSA 2048", "alg": "RS256"}, o.out["key"])
	assert.Empty(t, o.stderr)
}

func TestRunRejectedShowsUnverified(t *testing.T) {
	tok := rs256(t, claimsAt(time.Now(), -time.Hour, nil))
	o := runCmd(t, "", "-jwks", testkeys.Path("rsa2048.jwks.json"), "-iss", testIss, "-aud", testAud, tok)
	require.Equal(t, 1, o.code)
	u, _ := o.out["unverified"].(map[string]any)
	require.NotNil(t, u)
	assert.Equal(t, "alice", u["claims"].(map[string]any)["sub"])
	assert.Equal(t, "RS256", u["header"].(map[string]any)["alg"])
}

func TestRunSecretFile(t *testing.T) {
	dir := t.TempDir()
	secret := testkeys.HMAC(t)
	path := filepath.Join(dir, "secret")
	require.NoError(t, os.WriteFile(path, secret, 0o600))
	withNewline := filepath.Join(dir, "secret-nl")
	require.NoError(t, os.WriteFile(withNewline, append(append([]byte{}, secret...), '\n'), 0o600))
	tok := testkeys.SignClaims(t, "HS256", secret, nil, claimsAt(time.Now(), time.Hour, nil))

	tests := []struct {
		name   string
		args   []string
		code   int
		reason string
		warn   string
	}{
		{name: "valid HS256", args: []string{"-secret-file", path, tok}, code: 0},
		{name: "-alg HS512 only", args: []string{"-secret-file", path, "-alg", "HS512", tok}, code: 1, reason: "algorithm"},
		{name: "trailing newline is part of the secret", args: []string{"-secret-file", withNewline, tok}, code: 1, reason: "signature", warn: "ends with a newline"},
		{name: "asymmetric keys never verify HS256", args: []string{"-jwks", testkeys.Path("rsa2048.jwks.json"), tok}, code: 1, reason: "algorithm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := runCmd(t, "", append([]string{"-iss", testIss, "-aud", testAud}, tt.args...)...)
			require.Equal(t, tt.code, o.code, o.raw+o.stderr)
			if tt.reason != "" {
				assert.Equal(t, tt.reason, o.out["reason"])
			}
			if tt.warn != "" {
				assert.Contains(t, o.stderr, tt.warn)
			}
		})
	}
}

func TestRunSignatureOnly(t *testing.T) {
	payload := []byte("not JSON at all")
	tok := testkeys.Sign(t, "RS256", testkeys.RSA2048(t), map[string]any{"kid": testkeys.KIDRSA2048}, payload)
	jwks := testkeys.Path("rsa2048.jwks.json")

	o := runCmd(t, "", "-jwks", jwks, "-signature-only", tok)
	require.Equal(t, 0, o.code, o.raw+o.stderr)
	assert.Equal(t, true, o.out["valid"])
	assert.Equal(t, base64.RawURLEncoding.EncodeToString(payload), o.out["payload"])
	assert.NotContains(t, o.out, "claims")
	assert.Equal(t, []any{"-signature-only: the claims (exp, nbf, iat, iss, aud, ...) were not read or checked"}, o.out["warnings"])

	o = runCmd(t, "", "-jwks", jwks, "-signature-only", tok[:len(tok)-3]+"AAA")
	assert.Equal(t, 1, o.code)
	assert.Equal(t, "signature", o.out["reason"])

	o = runCmd(t, "", "-jwks", jwks, tok)
	assert.Equal(t, 1, o.code)
	assert.Equal(t, "malformed", o.out["reason"])
}

func TestRunUsageErrors(t *testing.T) {
	dir := t.TempDir()
	badJWKS := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(badJWKS, []byte(`{"keys": 3}`), 0o600))
	tok := rs256(t, claimsAt(time.Now(), time.Hour, nil))
	jwks := testkeys.Path("rsa2048.jwks.json")
	tests := []struct {
		name   string
		args   []string
		stdin  string
		stderr string
	}{
		{name: "no keys", args: []string{tok}, stderr: "no keys"},
		{name: "two key flags", args: []string{"-jwks", jwks, "-pem", jwks, tok}, stderr: "only one of"},
		{name: "two tokens", args: []string{"-jwks", jwks, tok, tok}, stderr: "one token at most"},
		{name: "empty stdin", args: []string{"-jwks", jwks}, stderr: "no token"},
		{name: "unknown flag", args: []string{"-jwks", jwks, "-nope", tok}, stderr: "flag provided but not defined"},
		{name: "bad -now", args: []string{"-jwks", jwks, "-now", "yesterday", tok}, stderr: "RFC 3339"},
		{name: "bad -leeway", args: []string{"-jwks", jwks, "-leeway", "-1s", tok}, stderr: "negative"},
		{name: "HS256 without a secret", args: []string{"-jwks", jwks, "-alg", "HS256", tok}, stderr: "needs -secret-file"},
		{name: "RS256 with a secret", args: []string{"-secret-file", jwks, "-alg", "RS256", tok}, stderr: "does not fit -secret-file"},
		{name: "unknown algorithm", args: []string{"-jwks", jwks, "-alg", "none", tok}, stderr: `"none"`},
		{name: "missing file", args: []string{"-jwks", filepath.Join(dir, "absent.json"), tok}, stderr: "no such file"},
		{name: "bad JWKS file", args: []string{"-jwks", badJWKS, tok}, stderr: "-jwks"},
		{name: "short secret", args: []string{"-secret-file", badJWKS, tok}, stderr: "-secret-file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := runCmd(t, tt.stdin, tt.args...)
			assert.Equal(t, 2, o.code)
			assert.Empty(t, o.raw, "no JSON on a usage error")
			assert.Contains(t, o.stderr, tt.stderr)
		})
	}
}

func TestRunHelp(t *testing.T) {
	o := runCmd(t, "", "-h")
	assert.Equal(t, 0, o.code)
	assert.Contains(t, o.stderr, "Exit status: 0 valid, 1 token rejected, 2 usage or configuration error")
}

// keyServer serves the RSA 2048 test key as JWKS, PEM and OIDC discovery
// on loopback.
func keyServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	mux.HandleFunc("/jwks.json", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write(testkeys.Read(t, "rsa2048.jwks.json"))
	})
	mux.HandleFunc("/pubkey.pem", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write(testkeys.Read(t, "rsa2048.pub.pem"))
	})
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": srv.URL, "jwks_uri": srv.URL + "/jwks.json"})
	})
	return srv
}
