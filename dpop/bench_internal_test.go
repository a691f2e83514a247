package dpop

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"net/url"
	"testing"
	"time"

	"github.com/jwtguard/jwtguard/internal/jose"
)

// BenchmarkCheckWithoutSignature is BenchmarkCheckES256 with the signature
// check replaced by one that always succeeds: the checker's own cost per
// proof (parsing, policy, key cache, claims, htu, ath, replay store), which
// the issue wants well under 5 µs.
func BenchmarkCheckWithoutSignature(b *testing.B) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Unix(1_700_000_000, 0)
	c, err := New(Config{Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	c.verify = func(jose.Alg, any, string, []byte) error { return nil }
	proofs := make([]string, b.N)
	for i := range proofs {
		if proofs[i], err = newProof(key, "GET", "https://api.example.com/resource", "token", "", now); err != nil {
			b.Fatal(err)
		}
	}
	u, _ := url.Parse("https://api.example.com/resource")
	r := Request{Method: "GET", URL: u, AccessToken: "token"}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.ProofHeaders = proofs[i : i+1]
		if _, err := c.Check(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}
