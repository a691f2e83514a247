package verify

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestMayHoldCnf holds mayHoldCnf to its definition, bytes.Contains of
// the quoted name or of an escape, on the name and its near misses at
// every offset of payloads of every length around the word size.
func TestMayHoldCnf(t *testing.T) {
	want := func(raw []byte) bool {
		return bytes.Contains(raw, cnfName) || bytes.Contains(raw, escapedName)
	}
	pieces := []string{`"cnf"`, `cnf"`, `"cnf`, `"cn"`, `"cnff"`, `"ff"`, `\u`, `\`, `u`, `f"`, `"f`, `f`, `g`, `"`, `x`, `"c"nf"`}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name string
		raw  string
	}{
		{"empty", ``},
		{"keycloak", `{"exp":1768467600,"nbf":0,"scope":"openid profile","family_name":"Martin"}`},
		{"cnf first", `"cnf"`},
		{"cnf at a word's end", `{"abc":1,"cnf":{"jkt":"x"}}`},
		{"escaped name", `{"\u0063nf":{}}`},
		{"unquoted", `{"cnf_x":1,"xcnf":2}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, w := mayHoldCnf([]byte(tc.raw)), want([]byte(tc.raw)); got != w {
				t.Fatalf("mayHoldCnf(%q) = %v, want %v", tc.raw, got, w)
			}
		})
	}
	t.Run("pieces at every offset", func(t *testing.T) {
		for n := range 3000 {
			var raw []byte
			pad := n % 19
			raw = append(raw, bytes.Repeat([]byte{'a'}, pad)...)
			for range 1 + rng.IntN(4) {
				raw = append(raw, pieces[rng.IntN(len(pieces))]...)
				raw = append(raw, bytes.Repeat([]byte{'f'}, rng.IntN(3))...)
			}
			if got, w := mayHoldCnf(raw), want(raw); got != w {
				t.Fatalf("mayHoldCnf(%q) = %v, want %v", raw, got, w)
			}
		}
	})
}
