package keysource_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/jose"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
)

// TestWycheproofJWK runs json_web_key_test.json: each group's key set (the
// public one, or the private one for HMAC sets, whose keys are secrets
// anyway) goes through ParseJWKS and NewSet; each refused key must be
// refused by the expected rule, and each "valid" token must verify while no
// "invalid" one does.
func TestWycheproofJWK(t *testing.T) {
	file := testkeys.Wycheproof(t, "json_web_key_test.json")

	// What each group expects, keyed by the tcId of its first test: the
	// rules its keys are refused by, in order, and the error of NewSet.
	type expect struct {
		rules  []string
		setErr error
	}
	expected := map[int]expect{
		1: {setErr: keysource.ErrMixedKeys},
		2: {},
		// The second key's "k" ends in a character with non-zero padding
		// bits, which strict base64url refuses; being malformed, it still
		// makes the kid ambiguous, and the first key goes too.
		4:  {rules: []string{"duplicate-kid", "malformed"}, setErr: keysource.ErrNoKeys},
		5:  {},
		6:  {rules: []string{"use-enc"}, setErr: keysource.ErrNoKeys},
		7:  {rules: []string{"rsa-roca"}, setErr: keysource.ErrNoKeys},
		8:  {rules: []string{"rsa-min-bits"}, setErr: keysource.ErrNoKeys},
		9:  {rules: []string{"rsa-exponent"}, setErr: keysource.ErrNoKeys},
		10: {rules: []string{"hmac-min-bytes"}, setErr: keysource.ErrNoKeys},
		11: {rules: []string{"hmac-min-bytes"}, setErr: keysource.ErrNoKeys},
		12: {rules: []string{"hmac-min-bytes"}, setErr: keysource.ErrNoKeys},
		13: {},
		14: {},
		15: {},
		16: {rules: []string{"hmac-empty"}, setErr: keysource.ErrNoKeys},
		17: {rules: []string{"hmac-empty"}, setErr: keysource.ErrNoKeys},
		18: {rules: []string{"hmac-empty"}, setErr: keysource.ErrNoKeys},
		19: {rules: []string{"alg"}, setErr: keysource.ErrNoKeys},       // ES521
		20: {rules: []string{"alg"}, setErr: keysource.ErrNoKeys},       // ES224
		21: {rules: []string{"use-enc"}, setErr: keysource.ErrNoKeys},   // EC key with use enc
		22: {rules: []string{"ec-point"}, setErr: keysource.ErrNoKeys},  // point off the curve
		23: {rules: []string{"malformed"}, setErr: keysource.ErrNoKeys}, // P-256 coordinates under crv P-384
		24: {rules: []string{"malformed"}, setErr: keysource.ErrNoKeys}, // EC members under kty RSA
		25: {rules: []string{"alg"}, setErr: keysource.ErrNoKeys},       // A256GCM
		26: {rules: []string{"alg"}, setErr: keysource.ErrNoKeys},       // A256KW
	}

	for _, g := range file.TestGroups {
		require.NotEmpty(t, g.Tests)
		first := g.Tests[0].TcID
		t.Run(g.Comment+"/"+g.Tests[0].Comment, func(t *testing.T) {
			want, ok := expected[first]
			require.True(t, ok, "no expectation for the group of tcId %d: the vectors changed", first)
			keySet := g.KeyJSON()
			keys, skipped, err := keysource.ParseJWKS(keySet)
			require.NoError(t, err)
			var rules []string
			for _, s := range skipped {
				var ke *keysource.KeyError
				require.ErrorAs(t, s, &ke)
				rules = append(rules, ke.Rule)
			}
			assert.Equal(t, want.rules, rules, "%v", skipped)
			set, err := keysource.NewSet(keys...)
			if want.setErr != nil {
				require.ErrorIs(t, err, want.setErr)
			} else {
				require.NoError(t, err)
			}

			for _, tc := range g.Tests {
				got := set != nil && verifiesWithSet(t, set, tc.JWS)
				assert.Equal(t, tc.Result == "valid", got, "tcId %d (%s): %s", tc.TcID, tc.Comment, tc.Result)
			}
		})
	}
}

// verifiesWithSet reports whether one of the set's candidates for tok's kid
// and alg verifies its signature.
func verifiesWithSet(t *testing.T, set *keysource.Set, tok string) bool {
	t.Helper()
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 3)
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	require.NoError(t, err)
	var h struct{ Alg, Kid string }
	require.NoError(t, json.Unmarshal(hb, &h))
	alg, ok := jose.ParseAlg(h.Alg)
	if !ok {
		return false
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return false
	}
	candidates, _ := set.Candidates(h.Kid, alg, nil)
	for _, k := range candidates {
		if jose.VerifySignature(alg, k.Material(), parts[0]+"."+parts[1], sig) == nil {
			return true
		}
	}
	return false
}
