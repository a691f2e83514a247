package verify

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jwtguard/jwtguard/internal/jose"
	"github.com/jwtguard/jwtguard/keysource"
)

// DefaultCacheSize is the number of verified tokens a Verifier remembers
// when Config.CacheSize is zero.
const DefaultCacheSize = 1024

// hashTail is how many trailing bytes of a token are hashed: within the
// signature of every algorithm (HS256's is 43 characters).
const hashTail = 32

// tokenCache remembers tokens that passed every check, so that a token seen
// again skips the signature and the claims decoding. It is keyed by a
// seeded hash of the token's last hashTail bytes (which lie in its
// signature: random-looking, different for any two tokens worth caching,
// and a fraction of the token's length) and confirmed by comparing the
// whole token, so a collision can never hand one token's claims to
// another; at worst a colliding token takes the other's slot.
//
// Reads write no shared memory (sync.Map loads take no lock), so cache hits
// on several cores do not contend. It holds at most size entries: when
// full, an insert first removes an arbitrary entry.
type tokenCache[C any] struct {
	seed  maphash.Seed
	size  int64
	count atomic.Int64
	m     sync.Map // uint64 -> *cacheEntry[C]
}

// cacheEntry is immutable once stored.
type cacheEntry[C any] struct {
	token  string
	claims *C // never handed out; Verify returns copies
	key    *keysource.Key
	alg    jose.Alg
	// The time claims, re-checked on every hit (zero when absent).
	exp, nbf, iat time.Time
	// facts are the binding and revocation facts, checked on every hit.
	facts facts
}

func newTokenCache[C any](size int) *tokenCache[C] {
	return &tokenCache[C]{seed: maphash.MakeSeed(), size: int64(max(1, size))}
}

func (c *tokenCache[C]) hash(token string) uint64 {
	return maphash.String(c.seed, token[max(0, len(token)-hashTail):])
}

func (c *tokenCache[C]) get(token string) *cacheEntry[C] {
	v, ok := c.m.Load(c.hash(token))
	if !ok {
		return nil
	}
	e := v.(*cacheEntry[C])
	if e.token != token {
		return nil
	}
	return e
}

func (c *tokenCache[C]) put(e *cacheEntry[C]) {
	h := c.hash(e.token)
	if _, ok := c.m.Load(h); !ok {
		for c.count.Load() >= c.size && c.evictOne() {
		}
	}
	if _, loaded := c.m.Swap(h, e); !loaded {
		c.count.Add(1)
	}
}

// evictOne removes the first entry the map's iteration meets; with seeded
// hashes as keys that is an arbitrary one. It reports whether it removed
// an entry.
func (c *tokenCache[C]) evictOne() bool {
	removed := false
	c.m.Range(func(k, v any) bool {
		if c.m.CompareAndDelete(k, v) {
			c.count.Add(-1)
			removed = true
		}
		return false
	})
	return removed
}

func (c *tokenCache[C]) remove(token string) {
	h := c.hash(token)
	v, ok := c.m.Load(h)
	if ok && v.(*cacheEntry[C]).token == token && c.m.CompareAndDelete(h, v) {
		c.count.Add(-1)
	}
}

// len returns the number of entries (for tests).
func (c *tokenCache[C]) len() int {
	n := 0
	c.m.Range(func(any, any) bool { n++; return true })
	return n
}
