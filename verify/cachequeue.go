package verify

// The queues of tokenCache's S3-FIFO eviction.

// itemList is a FIFO queue, doubly linked so that any entry can leave it.
type itemList[V any] struct {
	head, tail *cacheItem[V]
	len        int
}

func (l *itemList[V]) pushBack(it *cacheItem[V]) {
	it.list, it.prev, it.next = l, l.tail, nil
	if l.tail != nil {
		l.tail.next = it
	} else {
		l.head = it
	}
	l.tail = it
	l.len++
}

func (l *itemList[V]) remove(it *cacheItem[V]) {
	if it.prev != nil {
		it.prev.next = it.next
	} else {
		l.head = it.next
	}
	if it.next != nil {
		it.next.prev = it.prev
	} else {
		l.tail = it.prev
	}
	it.prev, it.next, it.list = nil, nil, nil
	l.len--
}

// ghostQueue remembers the hashes of the last cap entries evicted from the
// small queue.
//
// It remembers twice as many as the main queue holds (the paper: as
// many): then a token that returns in a cycle a little longer than the
// cache still gets in (measured by TestCacheHitRatios: cyclic access to
// 2,000 tokens with 1,024 entries hits 0% with one times, 31% with two,
// no more with four; the other workloads do not change).
type ghostQueue struct {
	cap  int
	ring []ghostSlot
	next int               // ring index written next once the ring is full
	seq  uint64            // numbers the additions
	set  map[uint64]uint64 // hash -> seq of its latest addition
}

type ghostSlot struct{ hash, seq uint64 }

func (g *ghostQueue) add(h uint64) {
	if g.set == nil {
		g.set = make(map[uint64]uint64)
	}
	g.seq++
	s := ghostSlot{h, g.seq}
	if len(g.ring) < g.cap {
		g.ring = append(g.ring, s)
	} else {
		old := g.ring[g.next]
		if g.set[old.hash] == old.seq {
			delete(g.set, old.hash)
		}
		g.ring[g.next] = s
		g.next = (g.next + 1) % g.cap
	}
	g.set[h] = g.seq
}

// take reports whether h is remembered, and forgets it.
func (g *ghostQueue) take(h uint64) bool {
	if _, ok := g.set[h]; !ok {
		return false
	}
	delete(g.set, h)
	return true
}
