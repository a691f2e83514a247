package prommetrics_test

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/jwtguard/jwtguard/internal/testkeys"
)

// rnd returns a random value with a marker, so that the test can look for
// it in every label.
func rnd(t testing.TB) string {
	b := make([]byte, 8)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return "rnd" + hex.EncodeToString(b)
}

// TestSeriesDoNotGrowWithClientInput sends 10,000 tokens with random kids,
// issuers and subjects (accepted, refused for their issuer, refused for an
// unknown kid, garbage, expired, missing) through a real JWKS source,
// verifier and middleware, and checks that the number of series stops
// growing after the first few requests and that no label holds anything
// the client chose.
func TestSeriesDoNotGrowWithClientInput(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // runs last, after the rig closed
	r := newRig(t)
	const n = 10_000
	const warmup = 200
	key := testkeys.P256(t)
	var before int
	for i := range n {
		if i == warmup {
			// The unknown-kid refresh's hook runs after its waiters
			// were released: let it land before counting.
			require.Eventually(t, func() bool {
				_, fam := series(t, r.reg)
				return fam["jwtguard_key_fetches_total"] == 2
			}, 5*time.Second, time.Millisecond)
			before, _ = series(t, r.reg)
		}
		sub, iss, kid := rnd(t), rnd(t), rnd(t)
		var tok string
		switch i % 6 {
		case 0: // accepted
			tok = token(t, testKID, goodClaims(sub))
		case 1: // a real signature, a random issuer
			c := goodClaims(sub)
			c["iss"] = iss
			tok = token(t, testKID, c)
		case 2: // a random kid: unknown key, refresh or cooldown refusal
			tok = testkeys.SignClaims(t, "ES256", key, map[string]any{"kid": kid}, map[string]any{"iss": iss, "sub": sub})
		case 3: // garbage
			tok = sub + "." + iss + "." + kid
		case 4: // expired
			c := goodClaims(sub)
			c["exp"] = time.Now().Add(-time.Hour).Unix()
			tok = token(t, testKID, c)
		case 5: // none at all
		}
		code := r.send(tok)
		if i%6 == 0 {
			require.Equal(t, http.StatusNoContent, code)
		} else {
			require.NotEqual(t, http.StatusNoContent, code)
		}
	}
	after, byFamily := series(t, r.reg)
	require.Equal(t, before, after, "series grew after the first %d requests: %v", warmup, byFamily)
	require.Less(t, after, 120, "too many series: %v", byFamily)

	mfs, err := r.reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				require.NotContains(t, lp.GetValue(), "rnd", "%s{%s=%q}", mf.GetName(), lp.GetName(), lp.GetValue())
				require.False(t, strings.Contains(lp.GetValue(), "http"), "%s{%s=%q}: a URL in a label", mf.GetName(), lp.GetName(), lp.GetValue())
			}
		}
	}
	// The unknown kids were counted, by source only.
	require.Equal(t, 1, byFamily["jwtguard_key_unknown_kid_refreshes_total"])
	require.Equal(t, 1, byFamily["jwtguard_key_refresh_cooldown_refusals_total"])
}
