package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/cliflag"
	"github.com/jwtguard/jwtguard/internal/testkeys"
)

// TestSecretFileRFC9068 protects the API with an HMAC secret as an RFC 9068
// resource server (-typ at+jwt), as jwtverify checks such tokens.
func TestSecretFileRFC9068(t *testing.T) {
	const iss, aud = "https://as.test", "my-api"
	dir := t.TempDir()
	secret := testkeys.HMAC(t)
	file := filepath.Join(dir, "secret")
	require.NoError(t, os.WriteFile(file, secret, 0o600))
	withNewline := filepath.Join(dir, "secret-nl")
	require.NoError(t, os.WriteFile(withNewline, append(append([]byte{}, secret...), '\n'), 0o600))

	sign := func(alg, typ string, key []byte, extra map[string]any) string {
		claims := map[string]any{"iss": iss, "aud": aud, "sub": "alice", "exp": time.Now().Add(time.Hour).Unix(), "scope": "reports:read"}
		for k, v := range extra {
			claims[k] = v
		}
		header := map[string]any{}
		if typ != "" {
			header["typ"] = typ
		}
		return testkeys.SignClaims(t, alg, key, header, claims)
	}
	other := append([]byte{}, secret...)
	other[0] ^= 1

	a, _ := startApp(t, "-secret-file", file, "-iss", iss, "-aud", aud, "-typ", "at+jwt")
	assert.Empty(t, a.auth.warnings)
	out := banner(t, a)
	assert.Contains(t, out, "HMAC secret from "+file)
	assert.Contains(t, out, `HS256/HS384/HS512 signature, typ header "at+jwt", iss `+iss)
	for _, s := range []step{
		{name: "HS256 at+jwt", path: "/api/me", header: bearer(sign("HS256", "at+jwt", secret, nil)), status: 200, body: `"sub":"alice"`},
		{name: "HS512 application/at+jwt", path: "/api/reports", header: bearer(sign("HS512", "application/at+jwt", secret, nil)), status: 200},
		{name: "typ JWT refused", path: "/api/me", header: bearer(sign("HS256", "JWT", secret, nil)), status: 401,
			challenge: realmChallenge + `, error="invalid_token", error_description="token_type"`},
		{name: "no typ refused", path: "/api/me", header: bearer(sign("HS256", "", secret, nil)), status: 401,
			challenge: realmChallenge + `, error="invalid_token", error_description="token_type"`},
		{name: "other secret", path: "/api/me", header: bearer(sign("HS256", "at+jwt", other, nil)), status: 401,
			challenge: realmChallenge + `, error="invalid_token", error_description="signature"`},
		{name: "other audience", path: "/api/me", header: bearer(sign("HS256", "at+jwt", secret, map[string]any{"aud": "billing"})), status: 401,
			challenge: realmChallenge + `, error="invalid_token", error_description="audience"`},
	} {
		s.run(t, a)
	}

	b, logs := startApp(t, "-secret-file", withNewline, "-iss", iss, "-aud", aud)
	assert.Equal(t, []string{cliflag.TrailingNewlineWarning}, b.auth.warnings)
	assert.Contains(t, logs.String(), "level=WARN")
	resp, body := call(t, b.apiURL+"/api/me", bearer(sign("HS256", "", secret, nil)))
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "the newline is part of the secret: %s", body)
	assert.True(t, strings.Contains(resp.Header.Get("WWW-Authenticate"), `error_description="signature"`))
}
