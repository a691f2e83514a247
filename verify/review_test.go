package verify_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/verify"
)

// TestReview_CnfCannotHide probes ways a signed payload could carry a cnf
// that the binding check does not see (parser differentials): none of
// them may be accepted as a bearer token, fresh or from the cache.
func TestReview_CnfCannotHide(t *testing.T) {
	src := staticRSA(t, "rsa1")
	tests := []struct {
		name    string
		payload string // raw JSON after the opening brace, before the valid claims
	}{
		{"all three letters escaped", `"\u0063\u006e\u0066":{"jkt":"` + jktA + `"},`},
		{"upper-case hex escapes", `"\u0063\u006E\u0066":{"jkt":"` + jktA + `"},`},
		{"cnf twice, second escaped", `"cnf":{"jkt":"` + jktA + `"},"\u0063nf":{"jkt":"` + jktB + `"},`},
		{"cnf twice, the second empty", `"cnf":{"jkt":"` + jktA + `"},"cnf":{},`},
		{"jkt twice inside cnf", `"cnf":{"jkt":"` + jktA + `","jk\u0074":"` + jktB + `"},`},
		{"cnf last, after every other claim", `"z":1,"cnf":{"jkt":"` + jktA + `"},`},
		{"whitespace around the name", ` "cnf" : {"jkt":"` + jktA + `"} ,`},
		{"escaped x5t#S256", `"cnf":{"x5t\u0023S256":"` + x5tA + `"},`},
		{"lone surrogate in a member name", `"\ud800":1,"cnf":{"jkt":"` + jktA + `"},`},
	}
	valid := fmt.Sprintf(`"iss":%q,"aud":%q,"sub":"u","exp":%d}`, testIssuer, testAudience, testNow.Add(time.Hour).Unix())
	for _, cached := range []bool{false, true} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/cached=%v", tt.name, cached), func(t *testing.T) {
				size := -1
				if cached {
					size = 0
				}
				rec := &recorder{t: t}
				v := rsaVerifier(t, src, func(c *verify.Config[claims.Map]) { c.CacheSize, c.Observer = size, rec })
				tok := testkeys.Sign(t, "RS256", testkeys.RSA2048(t), map[string]any{"kid": "rsa1"}, []byte("{"+tt.payload+valid))
				stored := false
				if cached {
					// The cache stores a token at its second
					// verification; one refused only by its binding is
					// stored too.
					var err error
					for range 2 {
						_, err = v.VerifyBound(context.Background(), tok, verify.Binding{DPoPThumbprint: jktA, CertThumbprint: x5tA})
					}
					stored = err == nil || errors.Is(err, verify.ErrBinding)
				}
				_, err := v.Verify(context.Background(), tok)
				require.Error(t, err, "a token carrying cnf was accepted as a bearer token")
				if stored {
					require.True(t, rec.events[len(rec.events)-1].CacheHit, "answered afresh, not from the cache")
				}
			})
		}
	}
}
