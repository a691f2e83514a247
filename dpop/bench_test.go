package dpop_test

import (
	"context"
	"crypto/ecdsa"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/internal/jose"
	"github.com/jwtguard/jwtguard/internal/testkeys"
)

// benchProofs returns n ES256 proofs for GET testURL with testToken, each
// with its own jti, all by one key (a client reuses its key).
func benchProofs(b *testing.B, key *ecdsa.PrivateKey, n int) []string {
	hdr := headerFor(b, key)
	out := make([]string, n)
	for i := range out {
		out[i] = signProof(b, "ES256", key, hdr, claimsFor("bench-"+strconv.Itoa(i)))
	}
	return out
}

// BenchmarkCheckES256 is one full proof check: parsing, policy, signature,
// claims, htu, ath and the in-memory replay store. Compare with
// BenchmarkVerifyES256, the signature alone: the difference is the
// checker's own cost.
func BenchmarkCheckES256(b *testing.B) {
	key := testkeys.P256(b)
	c := newChecker(b, dpop.Config{})
	proofs := benchProofs(b, key, b.N)
	r := request(b)
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

// BenchmarkVerifyES256 is the signature check of one proof alone, the lower
// bound of BenchmarkCheckES256.
func BenchmarkVerifyES256(b *testing.B) {
	key := testkeys.P256(b)
	proof := benchProofs(b, key, 1)[0]
	dot := strings.LastIndexByte(proof, '.')
	sig, err := b64.DecodeString(proof[dot+1:])
	if err != nil {
		b.Fatal(err)
	}
	input := proof[:dot]
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := jose.VerifySignature(jose.ES256, &key.PublicKey, input, sig); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMemoryReplay is one Use of a new key.
func BenchmarkMemoryReplay(b *testing.B) {
	m, err := dpop.NewMemoryReplay(dpop.MemoryReplayConfig{MaxEntries: max(dpop.DefaultMaxEntries, 4*b.N)})
	if err != nil {
		b.Fatal(err)
	}
	keys := make([]string, b.N)
	for i := range keys {
		keys[i] = dpop.ATH(strconv.Itoa(i))
	}
	until := time.Now().Add(time.Minute)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := m.Use(ctx, keys[i], until); err != nil {
			b.Fatal(err)
		}
	}
}
