package keysource_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/jose"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
)

// TestParseJWKSEd25519Alg: a JWK whose "alg" is RFC 9864's fully specified
// "Ed25519" is a usable key, bound to Ed25519 signatures under either name;
// "Ed448" is refused with a reason, whatever the key.
func TestParseJWKSEd25519Alg(t *testing.T) {
	ed := testkeys.Ed25519(t)
	b64 := testkeys.JWK(t, "x", "", ed)["x"]
	tests := []struct {
		name   string
		jwk    map[string]any
		fits   []jose.Alg
		unfit  []jose.Alg
		rule   string // "" when the key is accepted
		reason string // part of the refusal
	}{
		{name: "alg Ed25519", jwk: testkeys.JWK(t, "ed", "Ed25519", ed), fits: []jose.Alg{jose.Ed25519, jose.EdDSA}, unfit: []jose.Alg{jose.ES256, jose.RS256, jose.HS256}},
		{name: "alg EdDSA", jwk: testkeys.JWK(t, "ed", "EdDSA", ed), fits: []jose.Alg{jose.EdDSA, jose.Ed25519}, unfit: []jose.Alg{jose.ES256}},
		{name: "no alg", jwk: testkeys.JWK(t, "ed", "", ed), fits: []jose.Alg{jose.EdDSA, jose.Ed25519}, unfit: []jose.Alg{jose.PS256}},
		{name: "alg Ed448 on an Ed25519 key", jwk: testkeys.JWK(t, "ed", "Ed448", ed), rule: "alg", reason: "no implementation in Go"},
		{name: "Ed448 key", jwk: map[string]any{"kty": "OKP", "kid": "ed", "crv": "Ed448", "alg": "Ed448", "x": b64}, rule: "unsupported", reason: "no implementation in Go"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, skipped, err := keysource.ParseJWKS(testkeys.JWKSet(t, tt.jwk))
			require.NoError(t, err)
			if tt.rule != "" {
				require.Empty(t, keys)
				require.Len(t, skipped, 1)
				var ke *keysource.KeyError
				require.ErrorAs(t, skipped[0], &ke)
				assert.Equal(t, tt.rule, ke.Rule)
				assert.Contains(t, ke.Detail, tt.reason)
				return
			}
			require.Empty(t, skipped)
			require.Len(t, keys, 1)
			for _, a := range tt.fits {
				assert.True(t, keys[0].Fits(a), "%s fits", a)
			}
			for _, a := range tt.unfit {
				assert.False(t, keys[0].Fits(a), "%s does not fit", a)
			}
		})
	}
}

func TestNewKeyEd448Reason(t *testing.T) {
	_, err := keysource.NewKey("ed", "Ed448", testkeys.Ed25519(t).Public())
	require.ErrorIs(t, err, keysource.ErrInvalidKey)
	assert.ErrorContains(t, err, "no implementation in Go")
}
