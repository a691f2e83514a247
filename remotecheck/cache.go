package remotecheck

import (
	"hash/maphash"
	"sync"
	"time"

	"github.com/jwtguard/jwtguard/revocation"
)

const cacheShards = 16

// answerCache remembers the issuer's answers for a short time. It is
// bounded, sharded to keep lock contention low, keyed by a seeded hash of
// the token and confirmed by comparing the whole token, so a hash collision
// can never hand one token's answer to another.
type answerCache[C any] struct {
	seed   maphash.Seed
	perCap int
	shards [cacheShards]answerShard[C]
}

type answerShard[C any] struct {
	mu      sync.Mutex
	entries map[uint64]*answer[C]
}

// answer is the outcome of one remote check: claims, or a refusal. It is
// immutable once made, so it may be shared by the cache and by every
// caller that waited for the check.
type answer[C any] struct {
	token string
	// until is when a cached answer dies (the zero time: not cacheable).
	until time.Time
	// err is the refusal, nil for a positive answer.
	err error
	// claims is never handed out: callers get copies.
	claims *C
	// exp and nbf bound the positive answer (zero when unknown); they are
	// checked against the clock on every use.
	exp, nbf time.Time
	// rev is what Options.Revocation matches on; nil when it is not set.
	rev *revocation.Token
}

func newAnswerCache[C any](size int) *answerCache[C] {
	c := &answerCache[C]{seed: maphash.MakeSeed(), perCap: max(1, size/cacheShards)}
	for i := range c.shards {
		c.shards[i].entries = make(map[uint64]*answer[C])
	}
	return c
}

// get returns the live answer for token at now, or nil. A dead one is
// removed.
func (c *answerCache[C]) get(token string, now time.Time) *answer[C] {
	h := maphash.String(c.seed, token)
	s := &c.shards[h%cacheShards]
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.entries[h]
	if a == nil || a.token != token {
		return nil
	}
	if !now.Before(a.until) {
		delete(s.entries, h)
		return nil
	}
	return a
}

// put stores a, which must have until after now. When the shard is full,
// dead entries go first, then an arbitrary one.
func (c *answerCache[C]) put(a *answer[C], now time.Time) {
	h := maphash.String(c.seed, a.token)
	s := &c.shards[h%cacheShards]
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.entries[h]; !ok && len(s.entries) >= c.perCap {
		for k, e := range s.entries {
			if !now.Before(e.until) {
				delete(s.entries, k)
			}
		}
		if len(s.entries) >= c.perCap {
			// Go's map iteration starts at a random point: a cheap
			// random eviction.
			for k := range s.entries {
				delete(s.entries, k)
				break
			}
		}
	}
	s.entries[h] = a
}

// len returns the number of entries, dead ones included.
func (c *answerCache[C]) len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		n += len(s.entries)
		s.mu.Unlock()
	}
	return n
}
