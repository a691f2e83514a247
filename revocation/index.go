package revocation

import (
	"fmt"
	"hash/maphash"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// The errors Check returns, built once so that a refusal does not allocate.
// None carries a token-supplied value.
var (
	errRevokedToken   = fmt.Errorf("%w: jti", ErrRevoked)
	errRevokedSession = fmt.Errorf("%w: session", ErrRevoked)
	errRevokedSubject = fmt.Errorf("%w: subject", ErrRevoked)
	errRevokedClient  = fmt.Errorf("%w: client", ErrRevoked)
	errRevokedIssuer  = fmt.Errorf("%w: issuer cut-off", ErrRevoked)
)

// kindSeeds hash each kind's values apart (one seed per kind, made per
// process), so that one table holds every kind. The hash only finds
// candidates; every candidate's kind, value and issuer are compared in
// full. The issuer is left out of the hash: it is compared anyway, and a
// check then hashes one string fewer.
var kindSeeds = func() (s [KindIssuer + 1]maphash.Seed) {
	for i := range s {
		s[i] = maphash.MakeSeed()
	}
	return s
}()

const minBuckets = 1024

// Index is a set of entries that Check reads without a lock and without
// allocating. Stores build on it: the Memory store adds its cap and one-time
// identifiers, package redisstore feeds it from Redis.
//
// Entries with a value (jti, sid, sub, client id) live in a hash table of
// immutable chains: each bucket is an atomic pointer to the first node of
// its chain. A reader loads the table and a bucket and walks the chain; a
// writer (one at a time, under a mutex) puts a new chain in place of the old
// one, copying at most the few nodes of one chain. The table doubles when it
// holds more entries than buckets (the old one stays valid for the readers
// that still hold it). A candidate is found by a 64-bit hash of the kind and
// the value, and confirmed by comparing kind, value and issuer, so a hash
// collision can neither revoke nor spare a token. Issuer cut-offs, few,
// live in a small map replaced as a whole on each change.
//
// Index enforces no cap: the store does. The zero value is not usable; use
// NewIndex.
type Index struct {
	now  func() time.Time
	tab  atomic.Pointer[table]
	cuts atomic.Pointer[map[string][]node] // issuer → its cut-offs; nil when none

	mu       sync.Mutex        // serializes writers
	issuers  map[string]string // one copy of each issuer string
	n        int               // entries held, cut-offs included
	earliest int64             // smallest expiry held (unix ns), 0 when empty
}

type table struct {
	mask    uint64
	buckets []atomic.Pointer[node]
}

// node is one entry. Nodes are never changed once published.
type node struct {
	next    *node
	hash    uint64
	issuer  string
	value   string
	before  int64 // unix ns; a token with iat at or before it is revoked
	expires int64 // unix ns; in force while now < expires
	kind    Kind
}

// NewIndex returns an empty index; now (nil: time.Now) tells which entries
// have expired.
func NewIndex(now func() time.Time) *Index {
	if now == nil {
		now = time.Now
	}
	x := &Index{now: now, issuers: map[string]string{}}
	x.tab.Store(newTable(minBuckets))
	return x
}

func newTable(size int) *table {
	return &table{mask: uint64(size - 1), buckets: make([]atomic.Pointer[node], size)}
}

func hashOf(k Kind, value string) uint64 { return maphash.String(kindSeeds[k], value) }

// Check returns an error wrapping ErrRevoked when an entry in force
// matches t, else nil. It reads local memory only, takes no lock and does
// not allocate.
func (x *Index) Check(t *Token) error {
	var now int64 // the clock is read only when an entry matches
	if cm := x.cuts.Load(); cm != nil {
		cs := (*cm)[t.Issuer]
		for i := range cs {
			if x.live(&cs[i], t, &now) {
				return errRevokedIssuer
			}
		}
	}
	tab := x.tab.Load()
	if t.ID != "" && x.find(tab, KindToken, t.ID, t, &now) {
		return errRevokedToken
	}
	if t.SessionID != "" && x.find(tab, KindSession, t.SessionID, t, &now) {
		return errRevokedSession
	}
	if t.Subject != "" && x.find(tab, KindSubject, t.Subject, t, &now) {
		return errRevokedSubject
	}
	if t.ClientID != "" && x.find(tab, KindClient, t.ClientID, t, &now) {
		return errRevokedClient
	}
	return nil
}

func (x *Index) find(tab *table, k Kind, value string, t *Token, now *int64) bool {
	h := hashOf(k, value)
	for n := tab.buckets[h&tab.mask].Load(); n != nil; n = n.next {
		if n.hash == h && n.kind == k && n.value == value && n.issuer == t.Issuer && x.live(n, t, now) {
			return true
		}
	}
	return false
}

// live reports whether n, whose kind, issuer and value match t, revokes t
// now.
func (x *Index) live(n *node, t *Token, now *int64) bool {
	if n.kind != KindToken && n.kind != KindSession {
		// A cut-off: a token without iat counts as issued before it.
		if !t.IssuedAt.IsZero() && nanos(t.IssuedAt) > n.before {
			return false
		}
	}
	if *now == 0 {
		*now = x.now().UnixNano()
	}
	return *now < n.expires
}

// nanos is t in Unix nanoseconds, saturated at the ends of int64 (years
// 1678 and 2262) instead of wrapping around as time.Time.UnixNano does: an
// exp of 9999-12-31 ("never") stays in the future.
func nanos(t time.Time) int64 {
	switch s := t.Unix(); {
	case s >= math.MaxInt64/int64(time.Second):
		return math.MaxInt64
	case s <= math.MinInt64/int64(time.Second):
		return math.MinInt64
	}
	return t.UnixNano()
}

func nodeOf(e Entry) node {
	n := node{issuer: e.Issuer, value: e.Value, expires: nanos(e.Expires), kind: e.Kind}
	if !e.Before.IsZero() {
		n.before = nanos(e.Before)
	}
	if e.Kind != KindIssuer {
		n.hash = hashOf(e.Kind, e.Value)
	}
	return n
}

func (n *node) sameKey(o *node) bool {
	return n.hash == o.hash && n.kind == o.kind && n.before == o.before && n.value == o.value && n.issuer == o.issuer
}

func (n *node) entry() Entry {
	e := Entry{Kind: n.kind, Issuer: n.issuer, Value: n.value, Expires: time.Unix(0, n.expires)}
	if n.before != 0 {
		e.Before = time.Unix(0, n.before)
	}
	return e
}

// Add puts entries into the index; they must be normalized (Entry.Normalize).
// An entry already expired is skipped; an entry that differs from one held
// only by Expires extends it. Add returns how many entries were new.
func (x *Index) Add(entries ...Entry) (added int) {
	now := x.now().UnixNano()
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, e := range entries {
		n := nodeOf(e)
		if n.expires <= now {
			continue
		}
		// Every entry of an issuer shares one copy of its name (entries
		// decoded from Redis would each keep their own).
		if is, ok := x.issuers[n.issuer]; ok {
			n.issuer = is
		} else {
			x.issuers[n.issuer] = n.issuer
		}
		var isNew bool
		if n.kind == KindIssuer {
			isNew = x.addCutLocked(n)
		} else {
			isNew = x.addLocked(n)
		}
		if isNew {
			added++
			x.n++
		}
		if x.earliest == 0 || n.expires < x.earliest {
			x.earliest = n.expires
		}
	}
	return added
}

func (x *Index) addLocked(n node) bool {
	tab := x.tab.Load()
	b := &tab.buckets[n.hash&tab.mask]
	head := b.Load()
	for o := head; o != nil; o = o.next {
		if o.sameKey(&n) {
			if o.expires < n.expires {
				b.Store(replace(head, o, n.expires))
			}
			return false
		}
	}
	n.next = head
	b.Store(&n)
	if x.n+1 > len(tab.buckets) {
		x.tab.Store(rehash(tab, 2*len(tab.buckets), 0))
	}
	return true
}

// replace returns a copy of the chain from head with o's expiry raised.
func replace(head, o *node, expires int64) *node {
	if head == o {
		c := *o
		c.expires = expires
		return &c
	}
	c := *head
	c.next = replace(head.next, o, expires)
	return &c
}

// rehash copies every node of tab expiring after now into a new table of
// size buckets.
func rehash(tab *table, size int, now int64) *table {
	nt := newTable(size)
	for i := range tab.buckets {
		for o := tab.buckets[i].Load(); o != nil; o = o.next {
			if o.expires <= now {
				continue
			}
			c := *o
			b := &nt.buckets[c.hash&nt.mask]
			c.next = b.Load()
			b.Store(&c)
		}
	}
	return nt
}

func (x *Index) addCutLocked(n node) bool {
	old := x.cuts.Load()
	m := map[string][]node{}
	if old != nil {
		for k, v := range *old {
			m[k] = v
		}
	}
	cs := m[n.issuer]
	for i := range cs {
		if cs[i].before == n.before {
			if cs[i].expires < n.expires {
				cs = append([]node(nil), cs...)
				cs[i].expires = n.expires
				m[n.issuer] = cs
				x.cuts.Store(&m)
			}
			return false
		}
	}
	m[n.issuer] = append(append([]node(nil), cs...), n)
	x.cuts.Store(&m)
	return true
}

// Contains reports whether an entry with e's kind, issuer, value and
// cut-off is held (expired or not). e must be normalized.
func (x *Index) Contains(e Entry) bool {
	n := nodeOf(e)
	x.mu.Lock()
	defer x.mu.Unlock()
	if n.kind == KindIssuer {
		if cm := x.cuts.Load(); cm != nil {
			for _, c := range (*cm)[n.issuer] {
				if c.before == n.before {
					return true
				}
			}
		}
		return false
	}
	tab := x.tab.Load()
	for o := tab.buckets[n.hash&tab.mask].Load(); o != nil; o = o.next {
		if o.sameKey(&n) {
			return true
		}
	}
	return false
}

// Len is the number of entries held, counting expired ones not yet pruned.
func (x *Index) Len() int {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.n
}

// Entries lists the entries in force.
func (x *Index) Entries() []Entry {
	now := x.now().UnixNano()
	x.mu.Lock()
	defer x.mu.Unlock()
	out := make([]Entry, 0, x.n)
	if cm := x.cuts.Load(); cm != nil {
		for _, cs := range *cm {
			for i := range cs {
				if cs[i].expires > now {
					out = append(out, cs[i].entry())
				}
			}
		}
	}
	tab := x.tab.Load()
	for i := range tab.buckets {
		for o := tab.buckets[i].Load(); o != nil; o = o.next {
			if o.expires > now {
				out = append(out, o.entry())
			}
		}
	}
	return out
}

// Prune drops the expired entries and returns how many it dropped. Check
// already ignores them; Prune gives their memory back.
func (x *Index) Prune() int {
	now := x.now().UnixNano()
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.earliest == 0 || x.earliest > now {
		return 0
	}
	kept, inTable, earliest := 0, 0, int64(0)
	issuers := map[string]string{}
	keep := func(n *node) {
		issuers[n.issuer] = n.issuer
		exp := n.expires
		kept++
		if earliest == 0 || exp < earliest {
			earliest = exp
		}
	}
	if cm := x.cuts.Load(); cm != nil {
		m := map[string][]node{}
		for k, cs := range *cm {
			var live []node
			for _, c := range cs {
				if c.expires > now {
					live = append(live, c)
					keep(&c)
				}
			}
			if len(live) > 0 {
				m[k] = live
			}
		}
		if len(m) == 0 {
			x.cuts.Store(nil)
		} else {
			x.cuts.Store(&m)
		}
	}
	tab := x.tab.Load()
	nt := rehash(tab, len(tab.buckets), now)
	for i := range nt.buckets {
		for o := nt.buckets[i].Load(); o != nil; o = o.next {
			keep(o)
			inTable++
		}
	}
	size := len(nt.buckets)
	for size > minBuckets && inTable < size/4 {
		size /= 2
	}
	if size != len(nt.buckets) {
		nt = rehash(nt, size, now)
	}
	x.tab.Store(nt)
	dropped := x.n - kept
	x.n, x.earliest, x.issuers = kept, earliest, issuers
	return dropped
}
