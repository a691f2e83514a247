package verify

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// These adapters are the only lines that know the cache's API, so the
// same workloads can be run against another implementation.
func ratioCache(size int) *tokenCache[int]         { return newTokenCache[int](size) }
func ratioGet(c *tokenCache[int], tok string) bool { return c.get(tok) != nil }
func ratioPut(c *tokenCache[int], tok string) {
	if c.admit(tok) {
		c.put(tok, 1, time.Time{}, time.Time{})
	}
}

// ratioWorkloads are the access patterns whose hit ratios the cache is
// judged by, with DefaultCacheSize entries.
var ratioWorkloads = []struct {
	name string
	// next returns the i-th request's token and whether it counts.
	gen func() func(i int) (string, bool)
	n   int
}{
	{"cyclic 2000", func() func(int) (string, bool) {
		return func(i int) (string, bool) { return ratioToken(i % 2000), true }
	}, 20 * 2000},
	{"cyclic 20000", func() func(int) (string, bool) {
		return func(i int) (string, bool) { return ratioToken(i % 20000), true }
	}, 5 * 20000},
	{"uniform random over 2000", func() func(int) (string, bool) {
		r := rand.New(rand.NewPCG(3, 4))
		return func(int) (string, bool) { return ratioToken(r.IntN(2000)), true }
	}, 200_000},
	{"zipf s=1.1 over 20000", func() func(int) (string, bool) {
		z := rand.NewZipf(rand.New(rand.NewPCG(1, 2)), 1.1, 1, 20000-1)
		return func(int) (string, bool) { return ratioToken(int(z.Uint64())), true }
	}, 200_000},
	{"one hot among 20000 (hot's hits)", func() func(int) (string, bool) {
		return func(i int) (string, bool) {
			if i%2 == 0 {
				return "hot", true
			}
			return ratioToken(i / 2), false
		}
	}, 2 * 20000},
}

// ratioToken gives distinct tokens whose tails (the hashed part) differ.
func ratioToken(i int) string { return fmt.Sprintf("header.payload.%040d", i) }

// runRatio replays a workload: a miss verifies and inserts.
func runRatio(size int, gen func(int) (string, bool), n int) float64 {
	c := ratioCache(size)
	hits, counted := 0, 0
	for i := range n {
		tok, count := gen(i)
		hit := ratioGet(c, tok)
		if !hit {
			ratioPut(c, tok)
		}
		if count {
			counted++
			if hit {
				hits++
			}
		}
	}
	return float64(hits) / float64(counted)
}

// TestCacheHitRatios prints the hit ratio of each workload (go test -run
// HitRatios -v ./verify).
func TestCacheHitRatios(t *testing.T) {
	for _, w := range ratioWorkloads {
		t.Logf("%-34s size %d: hit ratio %.3f", w.name, DefaultCacheSize, runRatio(DefaultCacheSize, w.gen(), w.n))
	}
}

// BenchmarkTokenCacheGet measures the cache's own part of a hit: the
// lookup and the whole-token comparison, on one core and on all.
func BenchmarkTokenCacheGet(b *testing.B) {
	c := ratioCache(DefaultCacheSize)
	toks := make([]string, DefaultCacheSize/2)
	for i := range toks {
		toks[i] = ratioToken(i)
		for range 2 {
			ratioPut(c, toks[i])
		}
	}
	b.Run("serial", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if !ratioGet(c, toks[i%len(toks)]) {
				b.Fatal("miss")
			}
			i++
		}
	})
	b.Run("parallel-one-token", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if !ratioGet(c, toks[0]) {
					b.Error("miss")
					return
				}
			}
		})
	})
}
