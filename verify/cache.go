package verify

import (
	"math"
	"strings"
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

// sweepEvery is how often (by the owner's clock) an insert first drops
// every entry whose deadline has passed.
const sweepEvery = time.Minute

// seenPerEntry is how many doorkeeper slots (8 bytes each) there are per
// entry the cache may hold. Measured by TestCacheHitRatios: with one,
// cyclic access to 2,000 tokens with 1,024 entries hits 12%; with two,
// 34%; four and eight do no better, and the other workloads do not
// change.
const seenPerEntry = 2

// maxFreq caps an entry's hit count: enough to tell a token that keeps
// coming back from one seen twice, and a cap so that hot entries stop
// writing to their counter.
const maxFreq = 3

// cacheEntry is what a Verifier remembers of a verified token. It is
// immutable once stored.
type cacheEntry[C any] struct {
	claims cachedClaims[C]
	key    *keysource.Key
	alg    jose.Alg
	// kid is the token's "kid" ("" when absent): a new key set is asked
	// for the token's candidate keys as a fresh verification would.
	kid string
	// times are the time claims, re-checked on every hit.
	times timeWindow
	// facts are the binding and revocation facts, checked on every hit.
	facts facts
}

// tokenCache remembers values for tokens: the Verifier's verified tokens,
// the Router's routes. It is keyed by a seeded hash of the token's last
// hashTail bytes (which lie in its signature: random-looking, different
// for any two tokens worth caching, and a fraction of the token's length)
// and confirmed by comparing the whole token, so a collision can never
// hand one token's value to another; at worst a colliding token takes the
// other's slot.
//
// Lookups take no lock and write no shared memory but an entry's hit
// counter, and that only until it saturates at maxFreq (the owner may
// write the entry's mark, once per key set), so hits on several cores do
// not contend: the index is an itemTable, a fixed array of buckets whose
// chains readers follow with atomic loads, and the fields lookups read
// do not share a cache line with those inserts write. Inserts, evictions
// and removals take a mutex.
//
// It holds at most size entries and evicts by S3-FIFO (Yang et al., SOSP
// 2023): a newcomer enters a small FIFO queue (a tenth of the size); one
// that was hit there moves to the main queue when it reaches the head,
// others leave and their hash is kept in a ghost queue, so a token that
// comes back soon after enters the main queue at once. The main queue
// gives an entry at its head one more round per hit it had (up to
// maxFreq). Tokens seen once (a scan, a crawler, a burst of new logins)
// thus pass through the small queue without pushing out the tokens that
// keep coming back.
//
// Each entry has a deadline (when its token expires, by the owner's
// clock); an insert at least sweepEvery after the previous sweep drops
// every entry past its deadline, whether or not its token comes back.
type tokenCache[V any] struct {
	seed           tailSeed
	size, smallCap int
	table          itemTable[V]
	// seen is the doorkeeper: the hashes of tokens offered once, in a
	// direct-mapped table (a slot holds the last hash that fell in it).
	seen []atomic.Uint64

	_           [64]byte   // the fields above are read by lookups, those below written by inserts
	mu          sync.Mutex // guards the fields below; never taken by get
	small, main itemList[V]
	ghost       ghostQueue
	n           int   // entries in small and main
	nextSweep   int64 // Unix nanoseconds
}

// cacheItem is a cache slot: the token, its value and the bookkeeping.
type cacheItem[V any] struct {
	token string
	val   V
	hash  uint64
	dies  int64 // Unix nanoseconds; 0 for never
	freq  atomic.Uint32
	// mark is the owner's: a Verifier keeps there the number of the key
	// set that last confirmed the entry's key (see keyEpoch).
	mark atomic.Uint64
	// chain is the next (older) item in the item's itemTable bucket.
	chain atomic.Pointer[cacheItem[V]]

	// Guarded by tokenCache.mu.
	prev, next *cacheItem[V]
	list       *itemList[V] // nil once out of the cache
}

func newTokenCache[V any](size int) *tokenCache[V] {
	size = max(1, size)
	small := max(1, size/10)
	return &tokenCache[V]{
		seed:     newTailSeed(),
		size:     size,
		smallCap: small,
		table:    newItemTable[V](size),
		seen:     make([]atomic.Uint64, doorkeeperSlots(size)),
		ghost:    ghostQueue{cap: 2 * max(1, size-small)},
	}
}

// doorkeeperSlots is the power of two at least seenPerEntry times size.
func doorkeeperSlots(size int) int {
	n := 1
	for n < seenPerEntry*size && n < 1<<30 {
		n <<= 1
	}
	return n
}

// admit tells the owner whether to store the token it has just verified:
// yes when the doorkeeper saw it offered before (or a token whose hash
// shares its slot and tag, which only costs an entry). A token offered
// for the first time is only noted, so tokens seen once (a stream of
// distinct tokens) cost the owner no copy and the cache no insert; a
// token that comes back is stored at its second verification and hits
// from its third request on. It takes no lock.
func (c *tokenCache[V]) admit(token string) bool {
	h := c.hash(token)
	slot := &c.seen[h&uint64(len(c.seen)-1)]
	if slot.Load() == h {
		return true
	}
	slot.Store(h)
	return false
}

func (c *tokenCache[V]) hash(token string) uint64 {
	return c.seed.hash(token)
}

// get returns the value stored for exactly this token, or nil. The value
// must not be modified.
func (c *tokenCache[V]) get(token string) *V {
	if it := c.lookup(token); it != nil {
		return &it.val
	}
	return nil
}

// lookup returns the item of exactly this token, or nil, and counts the
// hit. Its value must not be modified.
func (c *tokenCache[V]) lookup(token string) *cacheItem[V] {
	it := c.table.find(c.hash(token))
	if it == nil || it.token != token {
		return nil
	}
	// Count the hit, and stop writing once the count saturates. A count
	// lost to a race with another hit or with the eviction is harmless.
	if f := it.freq.Load(); f < maxFreq {
		it.freq.CompareAndSwap(f, f+1)
	}
	return it
}

// put stores val for token (a copy of it) until dies (zero: until evicted),
// replacing what the token's hash held. now is the owner's clock.
func (c *tokenCache[V]) put(token string, val V, dies, now time.Time) {
	it := &cacheItem[V]{token: strings.Clone(token), val: val, hash: c.hash(token), dies: deadline(dies)}
	nowNs := deadline(now)
	c.mu.Lock()
	defer c.mu.Unlock()
	if nowNs >= c.nextSweep {
		c.sweepLocked(nowNs)
		c.nextSweep = nowNs + int64(sweepEvery)
	}
	toMain := c.ghost.take(it.hash)
	if old := c.table.find(it.hash); old != nil {
		// The same token stored again (two verifications raced) keeps its
		// place in the main queue.
		toMain = toMain || (old.token == it.token && old.list == &c.main)
		c.removeLocked(old)
	}
	for c.n >= c.size {
		c.evictLocked()
	}
	if toMain {
		c.main.pushBack(it)
	} else {
		c.small.pushBack(it)
	}
	c.n++
	c.table.insertLocked(it)
}

// remove drops the token's entry, if it holds one.
func (c *tokenCache[V]) remove(token string) {
	h := c.hash(token)
	c.mu.Lock()
	defer c.mu.Unlock()
	if it := c.table.find(h); it != nil && it.token == token {
		c.removeLocked(it)
	}
}

// len returns the number of entries.
func (c *tokenCache[V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// evictLocked makes one step of S3-FIFO's eviction: it removes one entry or
// moves one between or within the queues. Every step lowers the total of
// the counters or the number of entries, so repeated steps free a slot.
func (c *tokenCache[V]) evictLocked() {
	if c.small.len > 0 && (c.small.len >= c.smallCap || c.main.len == 0) {
		it := c.small.head
		if it.freq.Load() > 0 {
			// Hit while in the small queue: promote it.
			c.small.remove(it)
			it.freq.Store(0)
			c.main.pushBack(it)
			return
		}
		c.removeLocked(it)
		c.ghost.add(it.hash)
		return
	}
	it := c.main.head
	if f := it.freq.Load(); f > 0 {
		it.freq.Store(f - 1)
		c.main.remove(it)
		c.main.pushBack(it)
		return
	}
	c.removeLocked(it)
}

// sweepLocked drops every entry whose deadline is not after now.
func (c *tokenCache[V]) sweepLocked(now int64) {
	for _, l := range []*itemList[V]{&c.small, &c.main} {
		for it := l.head; it != nil; {
			next := it.next
			if it.dies != 0 && it.dies <= now {
				c.removeLocked(it)
			}
			it = next
		}
	}
}

// removeLocked takes it out of its queue and out of the table.
func (c *tokenCache[V]) removeLocked(it *cacheItem[V]) {
	c.unlinkLocked(it)
	c.table.deleteLocked(it)
}

// unlinkLocked takes it out of its queue.
func (c *tokenCache[V]) unlinkLocked(it *cacheItem[V]) {
	if it.list != nil {
		it.list.remove(it)
		c.n--
	}
}

// deadline converts t to Unix nanoseconds for the cache: 0 (never) for the
// zero time and for times beyond what int64 nanoseconds hold.
func deadline(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	s := t.Unix()
	if s >= math.MaxInt64/int64(time.Second)-1 {
		return 0
	}
	if s < 0 {
		return 1 // long past
	}
	return t.UnixNano()
}

// cacheDeadline is when a cached token stops passing the time checks by
// itself: exp plus the leeway, or earlier when MaxAge ends it first. The
// zero time means no deadline.
func (s *settings[C]) cacheDeadline(exp, iat time.Time) time.Time {
	var d time.Time
	if !exp.IsZero() {
		d = exp.Add(s.leeway)
	}
	if s.maxAge > 0 && !iat.IsZero() {
		if old := iat.Add(s.maxAge + s.leeway); d.IsZero() || old.Before(d) {
			d = old
		}
	}
	return d
}

// routeCache tells a Router how many tokens this Verifier remembers (0
// when its cache is off), its leeway and its clock.
func (v *Verifier[C]) routeCache() (size int, leeway time.Duration, now func() time.Time) {
	if v.cache != nil {
		size = v.s.cacheSize
	}
	return size, v.s.leeway, v.s.now
}
