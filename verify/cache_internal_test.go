package verify

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
)

func TestTokenCacheBounded(t *testing.T) {
	c := newTokenCache[int](64)
	for i := range 10_000 {
		c.put(fmt.Sprint("token-", i), i, time.Time{}, testNowInternal)
	}
	require.Equal(t, 64, c.len())
	require.Equal(t, 64, mapLen(c))
	// The newest entry is always there, and found only by its own token.
	e := c.get("token-9999")
	require.NotNil(t, e)
	require.Equal(t, 9999, *e)
	require.Nil(t, c.get("token-99999"))
	c.remove("token-9999")
	require.Nil(t, c.get("token-9999"))
	require.Equal(t, 63, c.len())
	require.Equal(t, 63, mapLen(c))
}

// mapLen counts the entries of c's table, to check that it and the queues
// agree.
func mapLen[V any](c *tokenCache[V]) int { return c.table.count() }

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
	sig := strings.Repeat("s", hashTail)
	c.put("h.p."+sig, 1, time.Time{}, testNowInternal)
	require.NotNil(t, c.get("h.p."+sig))
	// Same tail, so the same hash: the full comparison decides.
	require.Nil(t, c.get("h.q."+sig))
	require.Nil(t, c.get("x.p."+sig))
	c.remove("h.q." + sig) // removes nothing
	require.NotNil(t, c.get("h.p."+sig))
	// A colliding token takes the slot; the other is gone, not confused.
	c.put("h.q."+sig, 2, time.Time{}, testNowInternal)
	require.Nil(t, c.get("h.p."+sig))
	require.Equal(t, 2, *c.get("h.q." + sig))
	require.Equal(t, 1, c.len())
}

func TestTokenCacheConcurrent(t *testing.T) {
	c := newTokenCache[int](32)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				tok := fmt.Sprint("g", g, "-", i)
				c.put(tok, i, testNowInternal.Add(time.Duration(i)*time.Second), testNowInternal.Add(time.Duration(i)*time.Second))
				if e := c.get(tok); e != nil && *e != i {
					t.Errorf("got %d for %q", *e, tok)
				}
				c.get(fmt.Sprint("g", g, "-", i/2))
				if i%3 == 0 {
					c.remove(tok)
				}
			}
		}()
	}
	wg.Wait()
	require.LessOrEqual(t, c.len(), 32)
	require.Equal(t, c.len(), mapLen(c))
	require.Equal(t, c.len(), c.small.len+c.main.len)
}

// The policy's parts: a token hit in the small queue is promoted, a
// token evicted from it and seen again soon enters the main queue, and
// the main queue keeps what is hit.
func TestTokenCacheS3FIFO(t *testing.T) {
	c := newTokenCache[int](10) // small 1, main 9
	put := func(tok string) { c.put(tok, 0, time.Time{}, testNowInternal) }
	put("a")
	require.NotNil(t, c.get("a")) // a hit while in small
	for _, tok := range []string{"b", "c", "d", "e", "f", "g", "h", "i", "j"} {
		put(tok) // not full yet: everything waits in small
	}
	require.Equal(t, 10, c.small.len)
	put("k") // full: a, hit, moves to main; b, never hit, leaves for the ghost queue
	require.Same(t, c.main.head, itemOf(c, "a"))
	require.Nil(t, c.get("b"))
	require.Len(t, c.ghost.set, 1)
	put("b") // back soon: straight into main, and c leaves
	require.Equal(t, &c.main, itemOf(c, "b").list)
	require.Nil(t, c.get("c"))
	require.Equal(t, 10, c.len())

	// A stream of new tokens never pushes out a token that is hit.
	for i := range 1000 {
		require.NotNil(t, c.get("a"), "round %d", i)
		put(fmt.Sprint("cold-", i))
	}
	require.Equal(t, 10, c.len())
}

func itemOf[V any](c *tokenCache[V], tok string) *cacheItem[V] {
	return c.table.find(c.hash(tok))
}

// Entries past their deadline leave at the first insert a sweep interval
// after the last sweep, and only then.
func TestTokenCacheSweep(t *testing.T) {
	c := newTokenCache[int](100)
	t0 := testNowInternal
	c.put("never", 0, time.Time{}, t0)
	c.put("soon", 0, t0.Add(time.Second), t0)
	c.put("later", 0, t0.Add(time.Hour), t0)
	c.put("x", 0, time.Time{}, t0.Add(2*time.Second)) // before the next sweep is due
	require.NotNil(t, c.get("soon"))
	c.put("y", 0, time.Time{}, t0.Add(sweepEvery))
	require.Nil(t, c.get("soon"))
	require.NotNil(t, c.get("later"))
	require.NotNil(t, c.get("never"))
	require.Equal(t, 4, c.len())
	require.Equal(t, 4, mapLen(c))
	c.put("z", 0, time.Time{}, t0.Add(2*time.Hour))
	require.Nil(t, c.get("later"))
	require.NotNil(t, c.get("never"))
}

func TestCacheDeadline(t *testing.T) {
	s := &settings[int]{leeway: time.Minute}
	exp, iat := testNowInternal.Add(time.Hour), testNowInternal
	for _, tc := range []struct {
		name     string
		maxAge   time.Duration
		exp, iat time.Time
		want     time.Time
	}{
		{"exp and leeway", 0, exp, iat, exp.Add(time.Minute)},
		{"no exp", 0, time.Time{}, iat, time.Time{}},
		{"max age first", 10 * time.Minute, exp, iat, iat.Add(11 * time.Minute)},
		{"exp first", 2 * time.Hour, exp, iat, exp.Add(time.Minute)},
		{"max age, no exp", 10 * time.Minute, time.Time{}, iat, iat.Add(11 * time.Minute)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.maxAge = tc.maxAge
			require.Equal(t, tc.want, s.cacheDeadline(tc.exp, tc.iat))
		})
	}
	require.Zero(t, deadline(time.Time{}))
	require.Zero(t, deadline(time.Unix(1e12, 0)), "beyond int64 nanoseconds: never")
	require.EqualValues(t, 1, deadline(time.Unix(-5, 0)))
}

// A client that sends one token among a stream of tokens seen once (a
// crawler, a batch of new logins) keeps being answered from the cache.
func TestTokenCacheKeepsHotTokenAmongColdOnes(t *testing.T) {
	hotAmongCold := func(i int) (string, bool) {
		if i%2 == 0 {
			return "hot", true
		}
		return ratioToken(i / 2), false
	}
	ratio := runRatio(DefaultCacheSize, hotAmongCold, 2*20_000)
	require.GreaterOrEqual(t, ratio, 0.9, "hit ratio of the token that comes back on every other request")
}

// An expired token's entry leaves the cache without the token being
// presented again: other traffic sweeps it out.
func TestCacheExpiredEntriesLeave(t *testing.T) {
	now := testNowInternal
	k, err := keysource.NewKey("k1", "", testkeys.HMAC(t))
	require.NoError(t, err)
	src, err := keysource.NewStatic(k)
	require.NoError(t, err)
	v, err := New(Config[claims.Registered]{
		Keys: src, Algorithms: []string{"HS256"}, Issuers: []string{"https://iss.example"}, Audiences: []string{"api"},
		Now: func() time.Time { return now },
	})
	require.NoError(t, err)
	sign := func(jti string, exp time.Time) string {
		return testkeys.SignClaims(t, "HS256", testkeys.HMAC(t), map[string]any{"kid": "k1"},
			map[string]any{"iss": "https://iss.example", "aud": "api", "jti": jti, "exp": exp.Unix()})
	}
	ctx := context.Background()
	short := sign("short", now.Add(2*time.Minute))
	long := sign("long", now.Add(24*time.Hour))
	for _, tok := range []string{short, short, long, long} { // stored at the second
		_, err = v.Verify(ctx, tok)
		require.NoError(t, err)
	}
	require.NotNil(t, v.cache.get(short))

	now = now.Add(time.Hour) // short is long dead; long still lives
	for range 2 {
		_, err = v.Verify(ctx, sign("other", now.Add(time.Hour)))
		require.NoError(t, err)
	}
	require.Nil(t, v.cache.get(short), "the expired entry is gone, though its token never came back")
	require.NotNil(t, v.cache.get(long), "a live entry stays")
}

var testNowInternal = time.Unix(1_800_000_000, 0)

// The doorkeeper admits a token the second time it is offered, and
// remembers first-time tokens for a while.
func TestTokenCacheAdmit(t *testing.T) {
	c := newTokenCache[int](16)
	require.Len(t, c.seen, 32)
	require.False(t, c.admit("a"))
	require.True(t, c.admit("a"))
	require.True(t, c.admit("a"))
	require.False(t, c.admit("b"))
	require.True(t, c.admit("b"))
	require.Equal(t, 1, doorkeeperSlots(0))
	require.Equal(t, 4, doorkeeperSlots(2))
	require.Equal(t, 2048, doorkeeperSlots(1000))
}

// A Router remembers as many tokens as its routes together, and nothing
// when every route's cache is off.
func TestRouterCacheSize(t *testing.T) {
	k, err := keysource.NewKey("k1", "", testkeys.HMAC(t))
	require.NoError(t, err)
	src, err := keysource.NewStatic(k)
	require.NoError(t, err)
	mk := func(iss string, size int) TokenVerifier[claims.Registered] {
		v, err := New(Config[claims.Registered]{
			Keys: src, Algorithms: []string{"HS256"}, Issuers: []string{iss}, Audiences: []string{"api"}, CacheSize: size,
		})
		require.NoError(t, err)
		return v
	}
	for _, tc := range []struct {
		name   string
		routes map[string]TokenVerifier[claims.Registered]
		want   int // 0: off
	}{
		{"every cache off", map[string]TokenVerifier[claims.Registered]{"a": mk("a", -1), "b": mk("b", -1)}, 0},
		{"sizes add up", map[string]TokenVerifier[claims.Registered]{"a": mk("a", 0), "b": mk("b", 100), "c": mk("c", -1)}, DefaultCacheSize + 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewRouter(tc.routes)
			require.NoError(t, err)
			if tc.want == 0 {
				require.Nil(t, r.cache)
				return
			}
			require.Equal(t, tc.want, r.cache.size)
		})
	}
}

// A warm hit writes nothing the Verifier shares between requests (the
// hit counter has saturated, the key set is the one the entry's mark
// names), so hits on several cores do not take each other's cache lines.
func TestWarmHitWritesNothingShared(t *testing.T) {
	src := hmacSource(t)
	v, err := New(Config[claims.Keycloak]{
		Keys: src, Algorithms: []string{"HS256"}, Issuers: []string{"https://iss.example"}, Audiences: []string{"api"},
		Now: func() time.Time { return testNowInternal },
	})
	require.NoError(t, err)
	tok := testkeys.SignClaims(t, "HS256", testkeys.HMAC(t), map[string]any{"kid": "k1"},
		map[string]any{"iss": "https://iss.example", "aud": "api", "exp": testNowInternal.Add(time.Hour).Unix()})
	ctx := context.Background()
	for range 2 + maxFreq { // stored at the second, then hit until the counter saturates
		_, err := v.Verify(ctx, tok)
		require.NoError(t, err)
	}
	it := v.cache.lookup(tok)
	require.NotNil(t, it)
	type state struct {
		freq, slot       uint64
		mark             uint64
		epoch            *keyEpoch
		n, small, main   int
		nextSweep        int64
		head, tail, prev *cacheItem[cacheEntry[claims.Keycloak]]
	}
	snap := func() state {
		h := v.cache.hash(tok)
		return state{
			freq: uint64(it.freq.Load()), slot: v.cache.seen[h&uint64(len(v.cache.seen)-1)].Load(), mark: it.mark.Load(),
			epoch: v.epoch.Load(), n: v.cache.n, small: v.cache.small.len, main: v.cache.main.len, nextSweep: v.cache.nextSweep,
			head: v.cache.table.buckets[h&v.cache.table.mask].Load(), tail: it.chain.Load(), prev: it.prev,
		}
	}
	before := snap()
	require.EqualValues(t, maxFreq, before.freq)
	require.NotZero(t, before.mark)
	for range 100 {
		_, err := v.Verify(ctx, tok)
		require.NoError(t, err)
	}
	require.Equal(t, before, snap())
}
