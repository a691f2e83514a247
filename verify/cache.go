package verify

import (
	"hash/maphash"
	"sync"
	"time"

	"github.com/jwtguard/jwtguard/keysource"
)

// DefaultCacheSize is the number of verified tokens a Verifier remembers
// when Config.CacheSize is zero.
const DefaultCacheSize = 1024

const cacheShards = 16

// tokenCache remembers tokens that passed every check, so that a token seen
// again skips the signature and the claims decoding. It is bounded, sharded
// to keep lock contention low, keyed by a seeded hash of the token's last
// hashTail bytes (which lie in its signature: random-looking, different for
// any two tokens worth caching, and a fraction of the token's length) and
// confirmed by comparing the whole token, so a collision can never hand one
// token's claims to another; at worst a colliding token takes the other's
// slot.
type tokenCache[C any] struct {
	seed   maphash.Seed
	perCap int
	shards [cacheShards]cacheShard[C]
}

type cacheShard[C any] struct {
	mu      sync.RWMutex
	entries map[uint64]*cacheEntry[C]
}

// cacheEntry is immutable once stored.
type cacheEntry[C any] struct {
	token  string
	claims *C // never handed out; Verify returns copies
	key    *keysource.Key
	// The time claims, re-checked on every hit (zero when absent).
	exp, nbf, iat time.Time
}

func newTokenCache[C any](size int) *tokenCache[C] {
	c := &tokenCache[C]{seed: maphash.MakeSeed(), perCap: max(1, size/cacheShards)}
	for i := range c.shards {
		c.shards[i].entries = make(map[uint64]*cacheEntry[C])
	}
	return c
}

// hashTail is how many trailing bytes of a token are hashed: within the
// signature of every algorithm (HS256's is 43 characters).
const hashTail = 32

func (c *tokenCache[C]) hash(token string) uint64 {
	return maphash.String(c.seed, token[max(0, len(token)-hashTail):])
}

func (c *tokenCache[C]) get(token string) *cacheEntry[C] {
	h := c.hash(token)
	s := &c.shards[h%cacheShards]
	s.mu.RLock()
	e := s.entries[h]
	s.mu.RUnlock()
	if e == nil || e.token != token {
		return nil
	}
	return e
}

func (c *tokenCache[C]) put(e *cacheEntry[C]) {
	h := c.hash(e.token)
	s := &c.shards[h%cacheShards]
	s.mu.Lock()
	if _, ok := s.entries[h]; !ok && len(s.entries) >= c.perCap {
		// Evict an arbitrary entry: Go's map iteration starts at a random
		// point, which makes this a cheap random eviction.
		for k := range s.entries {
			delete(s.entries, k)
			break
		}
	}
	s.entries[h] = e
	s.mu.Unlock()
}

func (c *tokenCache[C]) remove(token string) {
	h := c.hash(token)
	s := &c.shards[h%cacheShards]
	s.mu.Lock()
	if e := s.entries[h]; e != nil && e.token == token {
		delete(s.entries, h)
	}
	s.mu.Unlock()
}
