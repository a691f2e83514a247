package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/testkeys"
)

// issuerServer serves OIDC discovery naming issuer(its own URL) and a JWK
// Set.
func issuerServer(t *testing.T, issuer func(url string) string, jwks []byte) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": issuer(srv.URL), "jwks_uri": srv.URL + "/jwks.json"})
	})
	mux.HandleFunc("/jwks.json", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(jwks) })
	return srv
}

// TestHintsNameTheCause checks the hints that used to name a wrong cause:
// an issuer that differs only by a trailing slash, and a kid that names an
// encryption key rather than no key.
func TestHintsNameTheCause(t *testing.T) {
	now := time.Now()
	// A Keycloak-like set: a signing key, and an RSA-OAEP encryption key
	// under its own kid.
	enc := testkeys.JWK(t, "enc-1", "RSA-OAEP", testkeys.RSA2048(t))
	enc["use"] = "enc"
	sig := testkeys.JWK(t, "sig-1", "RS256", testkeys.RSA3072(t))
	sig["use"] = "sig"
	jwks := testkeys.JWKSet(t, sig, enc)
	jwksFile := filepath.Join(t.TempDir(), "certs.json")
	require.NoError(t, os.WriteFile(jwksFile, jwks, 0o600))
	withEncKID := testkeys.SignClaims(t, "RS256", testkeys.RSA2048(t), map[string]any{"kid": "enc-1"}, claimsAt(now, time.Hour, nil))

	noSlash := issuerServer(t, func(u string) string { return u }, jwks)
	slash := issuerServer(t, func(u string) string { return u + "/" }, jwks)
	good := rs256(t, claimsAt(now, time.Hour, nil))
	// Two signing keys, both with kids, and a token that names none.
	twoKids := filepath.Join(t.TempDir(), "two.json")
	require.NoError(t, os.WriteFile(twoKids, testkeys.JWKSet(t, sig, testkeys.JWK(t, "sig-2", "RS256", testkeys.RSA2048(t))), 0o600))
	noKID := testkeys.SignClaims(t, "RS256", testkeys.RSA2048(t), nil, claimsAt(now, time.Hour, nil))

	tests := []struct {
		name   string
		args   []string
		code   int
		reason string
		hint   []string
	}{
		{name: "-oidc with a slash, discovery without", args: []string{"-oidc", noSlash.URL + "/", good}, code: 3, reason: "keys_unavailable",
			hint: []string{"only by a trailing slash", `"issuer": "` + noSlash.URL + `"`, "-oidc " + noSlash.URL}},
		{name: "-oidc without a slash, discovery with", args: []string{"-oidc", slash.URL, good}, code: 3, reason: "keys_unavailable",
			hint: []string{"only by a trailing slash", "-oidc " + slash.URL + "/"}},
		{name: "-iss with a slash, iss without", args: []string{"-jwks", testkeys.Path("rsa2048.jwks.json"), "-iss", testIss + "/", good}, code: 1, reason: "issuer",
			hint: []string{"only by a trailing slash"}},
		{name: "kid of an encryption key, JWKS URL", args: []string{"-jwks", noSlash.URL + "/jwks.json", withEncKID}, code: 1, reason: "unknown_key",
			hint: []string{`kid "enc-1" names an encryption key ("use": "enc")`}},
		{name: "kid of an encryption key, -oidc", args: []string{"-oidc", noSlash.URL, withEncKID}, code: 1, reason: "unknown_key",
			hint: []string{`kid "enc-1" names an encryption key ("use": "enc")`}},
		{name: "kid of an encryption key, JWKS file", args: []string{"-jwks", jwksFile, withEncKID}, code: 1, reason: "unknown_key",
			hint: []string{`kid "enc-1" names an encryption key ("use": "enc")`}},
		{name: "no kid, several keys with kids", args: []string{"-jwks", twoKids, noKID}, code: 1, reason: "unknown_key",
			hint: []string{"the token has no kid, and the keys of", `"sig-1"`, `"sig-2"`, "never searched for among several"}},
		{name: "no kid, one key of another type", args: []string{"-jwks", jwksFile, "-alg", "ES256", testkeys.SignClaims(t, "ES256", testkeys.P256(t), nil, claimsAt(now, time.Hour, nil))}, code: 1, reason: "unknown_key",
			hint: []string{"the token has no kid and no key from", "fits alg \"ES256\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := runCmd(t, "", tt.args...)
			require.Equal(t, tt.code, o.code, "stdout %s\nstderr %s", o.raw, o.stderr)
			assert.Equal(t, tt.reason, o.out["reason"])
			hint, _ := o.out["hint"].(string)
			for _, h := range tt.hint {
				assert.Contains(t, hint, h)
			}
			assert.NotContains(t, hint, "is not among the kids")
			assert.False(t, strings.Contains(hint, "check the URL and the network"), hint)
		})
	}
}
