package bench

import (
	"maps"
	"strings"
	"testing"
	"time"
)

// knownGaps lists the checks a library does not make in the configuration
// the benchmarks use; TestEquivalentValidation logs them instead of failing.
var knownGaps = map[string]string{
	"auth0/no exp": "auth0's validator checks exp only when present",
}

// TestEquivalentValidation checks that every verifier of BenchmarkVerify
// accepts the benchmark token and refuses the same bad ones, so that no row
// is faster for checking less.
func TestEquivalentValidation(t *testing.T) {
	now := time.Now()
	rows := append([]struct {
		name string
		new  constructor
	}{{"minimal", newMinimal}}, verifyRows[1:]...)
	for _, alg := range algs {
		f := fixtureFor(t, alg)
		with := func(k string, v any) map[string]any {
			c := maps.Clone(keycloakClaims(now))
			if v == nil {
				delete(c, k)
			} else {
				c[k] = v
			}
			return c
		}
		bad := []struct{ name, token string }{
			{"expired", f.signClaims(t, with("exp", now.Add(-time.Hour).Unix()))},
			{"no exp", f.signClaims(t, with("exp", nil))},
			{"issuer", f.signClaims(t, with("iss", "https://evil.example.com"))},
			{"audience", f.signClaims(t, with("aud", []string{"another-api", "account"}))},
			{"signature", f.token[:len(f.token)-4] + strings.Repeat("A", 4)},
			{"alg none", b64.EncodeToString([]byte(`{"alg":"none","kid":"`+f.kid+`"}`)) + "." +
				b64.EncodeToString(f.payload) + "."},
			{"unknown kid", f.withKid("bench-other")},
		}
		for _, r := range rows {
			t.Run(alg+"/"+r.name, func(t *testing.T) {
				verify := r.new(t, f)
				if verify == nil {
					t.Skipf("%s does not support %s", r.name, alg)
				}
				if err := verify(f.token); err != nil {
					t.Fatalf("the benchmark token: %v", err)
				}
				for _, c := range bad {
					if err := verify(c.token); err == nil {
						if why, ok := knownGaps[r.name+"/"+c.name]; ok {
							t.Logf("%s accepted (known: %s)", c.name, why)
							continue
						}
						t.Errorf("%s: accepted", c.name)
					}
				}
			})
		}
	}
}
