package verify

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Items whose hashes share a bucket: each is found by its own hash only,
// and a deleted one never again, wherever it stood in the chain.
func TestItemTableChains(t *testing.T) {
	for _, tc := range []struct {
		name   string
		delete []uint64 // hashes, in order
	}{
		{name: "head", delete: []uint64{3 << 8}},
		{name: "middle", delete: []uint64{2 << 8}},
		{name: "tail", delete: []uint64{1 << 8}},
		{name: "all", delete: []uint64{2 << 8, 3 << 8, 1 << 8}},
		{name: "absent", delete: []uint64{7 << 8}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab := newItemTable[int](4) // mask 3: every hash below is in bucket 0
			items := map[uint64]*cacheItem[int]{}
			for _, h := range []uint64{1 << 8, 2 << 8, 3 << 8} {
				items[h] = &cacheItem[int]{hash: h, val: int(h)}
				tab.insertLocked(items[h])
			}
			require.Equal(t, 3, tab.count())
			gone := map[uint64]bool{}
			for _, h := range tc.delete {
				it := items[h]
				if it == nil {
					it = &cacheItem[int]{hash: h}
				} else {
					gone[h] = true
				}
				tab.deleteLocked(it)
			}
			for h, it := range items {
				if gone[h] {
					require.Nil(t, tab.find(h), "deleted %#x", h)
				} else {
					require.Same(t, it, tab.find(h))
				}
			}
			require.Equal(t, 3-len(gone), tab.count())
			require.Nil(t, tab.find(4<<8))
		})
	}
}

// A reader standing on an item when it is deleted still reaches the
// items after it.
func TestItemTableReaderOnDeletedItem(t *testing.T) {
	tab := newItemTable[int](1)
	a, b, c := &cacheItem[int]{hash: 1}, &cacheItem[int]{hash: 2}, &cacheItem[int]{hash: 3}
	for _, it := range []*cacheItem[int]{a, b, c} { // chain: c, b, a
		tab.insertLocked(it)
	}
	reader := tab.buckets[0].Load().chain.Load() // on b
	require.Same(t, b, reader)
	tab.deleteLocked(b)
	tab.deleteLocked(c)
	require.Same(t, a, reader.chain.Load(), "b still leads to a")
	require.Same(t, a, tab.find(1))
	require.Nil(t, tab.find(2))
	require.Nil(t, tab.find(3))
}

// collidingTokens returns n distinct tokens whose hashes (with c's seed)
// fall into c's bucket 0.
func collidingTokens(c *tokenCache[int], n int) []string {
	var out []string
	want := uint64(0)
	for i := 0; len(out) < n; i++ {
		tok := fmt.Sprintf("h.p.%0*d", hashTail, i)
		if c.hash(tok)&c.table.mask == want {
			out = append(out, tok)
		}
	}
	return out
}

// Tokens that share a bucket (found by search, with the cache's own
// seed), and tokens that share the whole hash: each token gets its own
// value or nothing, and a removed token is never returned again.
func TestTokenCacheCollisions(t *testing.T) {
	c := newTokenCache[int](64)
	toks := collidingTokens(c, 8)
	for i, tok := range toks {
		c.put(tok, i, time.Time{}, testNowInternal)
	}
	require.Equal(t, 8, c.len())
	require.Equal(t, 8, mapLen(c))
	for i, tok := range toks {
		got := c.get(tok)
		require.NotNil(t, got, tok)
		require.Equal(t, i, *got)
	}
	for i := 0; i < len(toks); i += 2 {
		c.remove(toks[i])
	}
	for i, tok := range toks {
		if i%2 == 0 {
			require.Nil(t, c.get(tok), "removed %s", tok)
		} else {
			require.Equal(t, i, *c.get(tok))
		}
	}
	require.Equal(t, 4, mapLen(c))

	// The same tail, so the same hash: the whole token decides.
	sig := strings.Repeat("s", hashTail)
	c.put("a."+sig, 100, time.Time{}, testNowInternal)
	require.Nil(t, c.get("b."+sig))
	require.Equal(t, 100, *c.get("a." + sig))
}

// Goroutines get, put and remove tokens whose hashes crowd into few
// buckets (a cache of 8) while others do the same: a value is only ever
// returned for its own token, and a token a goroutine removed is not
// returned to it afterwards (only that goroutine stores it). Run with
// -race.
func TestTokenCacheConcurrentCollisions(t *testing.T) {
	c := newTokenCache[string](8)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 3000 {
				tok := fmt.Sprintf("g%d.%0*d", g, hashTail, i%40)
				if v := c.get(tok); v != nil && *v != tok {
					t.Errorf("%q answered with %q's value", tok, *v)
					return
				}
				switch i % 3 {
				case 0:
					c.put(tok, tok, time.Time{}, testNowInternal.Add(time.Duration(i)*time.Second))
				case 1:
					c.remove(tok)
					if c.get(tok) != nil {
						t.Errorf("%q returned after its removal", tok)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	require.LessOrEqual(t, c.len(), 8)
	require.Equal(t, c.len(), mapLen(c))
	require.Equal(t, c.len(), c.small.len+c.main.len)
}
