package verify

import "sync/atomic"

// itemTable is tokenCache's index: the items by hash, in a fixed array of
// buckets (a power of two, at least the cache's size, never resized), each
// a chain of items linked through cacheItem.chain.
//
// Readers (find) take no lock and write nothing: they load the bucket and
// follow the chain with atomic loads. Writers (insertLocked,
// deleteLocked) hold tokenCache.mu. An item enters at the head of its
// chain, pointing to the older head, and leaves by having its predecessor
// (or the bucket) point past it; its own chain pointer is never changed
// after that, so a reader standing on a removed item still reaches the
// rest of the chain. Every chain pointer leads from a newer item to an
// older one, so a reader never loops; a reader that starts after a
// deletion has returned never reaches the deleted item.
//
// A table holds at most one item per hash: the caller deletes the old one
// before it inserts a new one with the same hash.
type itemTable[V any] struct {
	buckets []atomic.Pointer[cacheItem[V]]
	mask    uint64
}

// tableBuckets is the power of two at least n (and at least 1).
func tableBuckets(n int) int {
	b := 1
	for b < n && b < 1<<30 {
		b <<= 1
	}
	return b
}

func newItemTable[V any](size int) itemTable[V] {
	n := tableBuckets(size)
	return itemTable[V]{buckets: make([]atomic.Pointer[cacheItem[V]], n), mask: uint64(n - 1)}
}

// find returns the item with hash h, or nil. It takes no lock.
func (t *itemTable[V]) find(h uint64) *cacheItem[V] {
	for it := t.buckets[h&t.mask].Load(); it != nil; it = it.chain.Load() {
		if it.hash == h {
			return it
		}
	}
	return nil
}

// insertLocked puts it at the head of its chain. No item with its hash
// may be in the table.
func (t *itemTable[V]) insertLocked(it *cacheItem[V]) {
	b := &t.buckets[it.hash&t.mask]
	it.chain.Store(b.Load())
	b.Store(it)
}

// deleteLocked takes it out of its chain, if it is there.
func (t *itemTable[V]) deleteLocked(it *cacheItem[V]) {
	link := &t.buckets[it.hash&t.mask]
	for cur := link.Load(); cur != nil; cur = link.Load() {
		if cur == it {
			link.Store(it.chain.Load())
			return
		}
		link = &cur.chain
	}
}

// count returns the number of items (for tests; it takes no lock and may
// be stale).
func (t *itemTable[V]) count() int {
	n := 0
	for i := range t.buckets {
		for it := t.buckets[i].Load(); it != nil; it = it.chain.Load() {
			n++
		}
	}
	return n
}
