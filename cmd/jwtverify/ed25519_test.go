package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/testkeys"
)

// TestRunEd25519Names: the default -alg list takes RFC 9864's "Ed25519"
// beside "EdDSA" (the test JWKS's Ed25519 key says "alg":"EdDSA", the
// polymorphic name of the same operation); -alg narrows it by name, and
// Ed448 is a usage error that says why.
func TestRunEd25519Names(t *testing.T) {
	c := claimsAt(time.Now(), time.Hour, nil)
	sign := func(alg string) string {
		return testkeys.SignClaims(t, alg, testkeys.Ed25519(t), map[string]any{"kid": testkeys.KIDEd25519}, c)
	}
	jwks, pemFile := testkeys.Path("jwks.json"), testkeys.Path("ed25519.pub.pem")
	checks := []string{"-iss", testIss, "-aud", testAud}
	with := func(args ...string) []string { return append(append([]string{}, checks...), args...) }
	tests := []struct {
		name   string
		args   []string
		code   int
		reason string // "" when valid
	}{
		{name: "Ed25519, default -alg, JWKS key with alg EdDSA", args: with("-jwks", jwks, sign("Ed25519")), code: 0},
		{name: "EdDSA, default -alg", args: with("-jwks", jwks, sign("EdDSA")), code: 0},
		{name: "Ed25519, PEM key", args: with("-pem", pemFile, sign("Ed25519")), code: 0},
		{name: "-alg Ed25519 only refuses EdDSA", args: with("-jwks", jwks, "-alg", "Ed25519", sign("EdDSA")), code: 1, reason: "algorithm"},
		{name: "-alg EdDSA only refuses Ed25519", args: with("-jwks", jwks, "-alg", "EdDSA", sign("Ed25519")), code: 1, reason: "algorithm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := runCmd(t, "", tt.args...)
			require.Equal(t, tt.code, o.code, "stdout %s\nstderr %s", o.raw, o.stderr)
			if tt.reason == "" {
				assert.Equal(t, true, o.out["valid"])
				return
			}
			assert.Equal(t, tt.reason, o.out["reason"])
		})
	}
	t.Run("-alg Ed448 is a usage error", func(t *testing.T) {
		o := runCmd(t, "", with("-jwks", jwks, "-alg", "Ed448", sign("Ed25519"))...)
		assert.Equal(t, 2, o.code)
		assert.Contains(t, o.stderr, "no implementation in Go")
	})
	t.Run("default -alg lists Ed25519", func(t *testing.T) {
		assert.Contains(t, asymmetricAlgs, "Ed25519")
		assert.Contains(t, asymmetricAlgs, "EdDSA")
	})
}
