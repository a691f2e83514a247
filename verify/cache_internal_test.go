package verify

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTokenCacheBounded(t *testing.T) {
	c := newTokenCache[int](64)
	for i := range 10_000 {
		v := i
		c.put(&cacheEntry[int]{token: fmt.Sprint("token-", i), claims: &v})
	}
	require.Equal(t, 64, c.len())
	require.EqualValues(t, 64, c.count.Load())
	// The newest entry is always there, and found only by its own token.
	e := c.get("token-9999")
	require.NotNil(t, e)
	require.Equal(t, 9999, *e.claims)
	require.Nil(t, c.get("token-99999"))
	c.remove("token-9999")
	require.Nil(t, c.get("token-9999"))
}

func TestHeaderCacheBounded(t *testing.T) {
	var c headerCache
	for i := range 200 {
		c.put(fmt.Sprint("h", i), header{Alg: "RS256"}, nil)
	}
	require.Len(t, *c.m.Load(), maxCachedHeaders)
	require.NotNil(t, c.get("h0"))
	require.Nil(t, c.get("h199"))
}

func TestTokenCacheConfirmsWholeToken(t *testing.T) {
	c := newTokenCache[int](64)
	v := 1
	sig := strings.Repeat("s", hashTail)
	c.put(&cacheEntry[int]{token: "h.p." + sig, claims: &v})
	require.NotNil(t, c.get("h.p."+sig))
	// Same tail, so the same hash: the full comparison decides.
	require.Nil(t, c.get("h.q."+sig))
	require.Nil(t, c.get("x.p."+sig))
	c.remove("h.q." + sig) // removes nothing
	require.NotNil(t, c.get("h.p."+sig))
}

func TestTokenCacheConcurrent(t *testing.T) {
	c := newTokenCache[int](32)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				v := i
				tok := fmt.Sprint("g", g, "-", i)
				c.put(&cacheEntry[int]{token: tok, claims: &v})
				if e := c.get(tok); e != nil && e.token != tok {
					t.Errorf("got %q for %q", e.token, tok)
				}
				if i%3 == 0 {
					c.remove(tok)
				}
			}
		}()
	}
	wg.Wait()
	require.LessOrEqual(t, c.len(), 32+4, "bounded, give or take the inserts racing an eviction")
	require.EqualValues(t, c.len(), c.count.Load())
}
