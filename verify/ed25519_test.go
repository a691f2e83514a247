package verify_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/verify"
)

// edVerifier returns a verifier over one Ed25519 key (kid "ed1") whose own
// "alg" is keyAlg ("" for none), allowing algs. The key comes from a JWK
// Set, as a remote source would read it.
func edVerifier(t *testing.T, keyAlg string, algs ...string) *verify.Verifier[claims.Registered] {
	t.Helper()
	src, err := keysource.StaticFromJWKS(testkeys.JWKSet(t, testkeys.JWK(t, "ed1", keyAlg, testkeys.Ed25519(t))))
	require.NoError(t, err)
	v, err := verify.New(verify.Config[claims.Registered]{
		Keys:       src,
		Algorithms: algs,
		Issuers:    []string{testIssuer},
		Audiences:  []string{testAudience},
		Now:        func() time.Time { return testNow },
	})
	require.NoError(t, err)
	return v
}

// TestVerifyEd25519AlgorithmName covers RFC 9864's fully specified
// "Ed25519" beside the polymorphic "EdDSA": the allow-list decides which
// names a verifier takes, by name; a key's own "alg" binds it to the
// operation, which both names denote on an Ed25519 key.
func TestVerifyEd25519AlgorithmName(t *testing.T) {
	tests := []struct {
		name      string
		keyAlg    string   // the JWK's own "alg"
		allowed   []string // Config.Algorithms
		headerAlg string   // the token's "alg"
		want      error    // nil: verifies
	}{
		{name: "Ed25519 token, Ed25519 key", keyAlg: "Ed25519", allowed: []string{"Ed25519"}, headerAlg: "Ed25519"},
		{name: "Ed25519 token, key without alg", keyAlg: "", allowed: []string{"Ed25519"}, headerAlg: "Ed25519"},
		{name: "Ed25519 token, EdDSA key", keyAlg: "EdDSA", allowed: []string{"Ed25519"}, headerAlg: "Ed25519"},
		{name: "EdDSA token, Ed25519 key", keyAlg: "Ed25519", allowed: []string{"EdDSA"}, headerAlg: "EdDSA"},
		{name: "EdDSA token, EdDSA key", keyAlg: "EdDSA", allowed: []string{"EdDSA"}, headerAlg: "EdDSA"},
		{name: "both names allowed", keyAlg: "Ed25519", allowed: []string{"EdDSA", "Ed25519"}, headerAlg: "EdDSA"},
		{name: "EdDSA token, only Ed25519 allowed", keyAlg: "Ed25519", allowed: []string{"Ed25519"}, headerAlg: "EdDSA", want: verify.ErrAlgorithm},
		{name: "Ed25519 token, only EdDSA allowed", keyAlg: "EdDSA", allowed: []string{"EdDSA"}, headerAlg: "Ed25519", want: verify.ErrAlgorithm},
		{name: "Ed448 token", keyAlg: "", allowed: []string{"EdDSA", "Ed25519"}, headerAlg: "Ed448", want: verify.ErrAlgorithm},
		{name: "lower case ed25519", keyAlg: "", allowed: []string{"Ed25519"}, headerAlg: "ed25519", want: verify.ErrAlgorithm},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := edVerifier(t, tt.keyAlg, tt.allowed...)
			tok := testkeys.SignClaims(t, "Ed25519", testkeys.Ed25519(t), map[string]any{"alg": tt.headerAlg, "kid": "ed1"}, validClaims())
			c, err := v.Verify(context.Background(), tok)
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "user-1", c.Subject)
		})
	}
}

// TestVerifyEd25519KeyBinding: the name Ed25519 never lets a token reach a
// key of another type or algorithm, nor a forged signature through.
func TestVerifyEd25519KeyBinding(t *testing.T) {
	rsaKey, err := keysource.NewKey("rsa1", "RS256", &testkeys.RSA2048(t).PublicKey)
	require.NoError(t, err)
	ecKey, err := keysource.NewKey("ec1", "", &testkeys.P256(t).PublicKey)
	require.NoError(t, err)
	edKey, err := keysource.NewKey("ed1", "Ed25519", testkeys.Ed25519(t).Public())
	require.NoError(t, err)
	src, err := keysource.NewStatic(rsaKey, ecKey, edKey)
	require.NoError(t, err)
	v, err := verify.New(verify.Config[claims.Registered]{
		Keys:       src,
		Algorithms: []string{"RS256", "ES256", "Ed25519"},
		Issuers:    []string{testIssuer},
		Audiences:  []string{testAudience},
		Now:        func() time.Time { return testNow },
	})
	require.NoError(t, err)
	ed := testkeys.Ed25519(t)
	good := testkeys.SignClaims(t, "Ed25519", ed, map[string]any{"kid": "ed1"}, validClaims())
	mallory := strings.Split(testkeys.SignClaims(t, "Ed25519", ed, map[string]any{"kid": "ed1"}, with("sub", "mallory")), ".")
	goodParts := strings.Split(good, ".")
	tampered := goodParts[0] + "." + mallory[1] + "." + goodParts[2]
	_, other, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	tests := []struct {
		name  string
		token string
		want  error
	}{
		{name: "genuine", token: good},
		{name: "kid names an RS256 key", token: testkeys.SignClaims(t, "Ed25519", ed, map[string]any{"kid": "rsa1"}, validClaims()), want: verify.ErrAlgorithm},
		{name: "kid names a P-256 key", token: testkeys.SignClaims(t, "Ed25519", ed, map[string]any{"kid": "ec1"}, validClaims()), want: verify.ErrAlgorithm},
		{name: "ES256 token on the Ed25519 key", token: testkeys.SignClaims(t, "ES256", testkeys.P256(t), map[string]any{"kid": "ed1"}, validClaims()), want: verify.ErrAlgorithm},
		{name: "payload of another token", token: tampered, want: verify.ErrSignature},
		{name: "other Ed25519 signer", token: testkeys.SignClaims(t, "Ed25519", other, map[string]any{"kid": "ed1"}, validClaims()), want: verify.ErrSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify(context.Background(), tt.token)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
		})
	}
}

func TestNewRefusesEd448(t *testing.T) {
	src, err := keysource.StaticFromPublicKeys(testkeys.Ed25519(t).Public())
	require.NoError(t, err)
	for _, algs := range [][]string{{"Ed448"}, {"Ed25519", "Ed448"}} {
		v, err := verify.New(verify.Config[claims.Registered]{
			Keys: src, Algorithms: algs, Issuers: []string{"i"}, Audiences: []string{"a"},
		})
		require.Nil(t, v)
		require.ErrorContains(t, err, `unsupported algorithm "Ed448"`)
		assert.ErrorContains(t, err, "no implementation in Go")
	}
}
