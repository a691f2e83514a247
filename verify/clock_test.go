package verify

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
)

// fakeClocks are a monotonic clock and a wall clock that tests move by
// hand, apart or together.
type fakeClocks struct {
	mono, wall atomic.Int64
	anchors    atomic.Int64 // how many times the wall clock was read
}

func newFakeClocks(wall time.Time) *fakeClocks {
	f := &fakeClocks{}
	f.mono.Store(int64(5 * time.Second))
	f.wall.Store(wall.UnixNano())
	return f
}

// advance moves both clocks, as time passing does.
func (f *fakeClocks) advance(d time.Duration) {
	f.mono.Add(int64(d))
	f.wall.Add(int64(d))
}

// step moves the wall clock alone, as settimeofday or an NTP step does.
func (f *fakeClocks) step(d time.Duration) { f.wall.Add(int64(d)) }

func (f *fakeClocks) clock() *wallClock {
	return newWallClock(f.mono.Load, func() (int64, int64) {
		f.anchors.Add(1)
		return f.wall.Load(), f.mono.Load()
	})
}

func TestWallClock(t *testing.T) {
	start := time.Unix(1_800_000_000, 123)
	f := newFakeClocks(start)
	c := f.clock()
	require.EqualValues(t, 1, f.anchors.Load(), "anchored when made")
	require.Equal(t, start.UnixNano(), c.nowNs())
	require.True(t, c.now().Equal(start))

	// Between anchors it follows the monotonic clock, without reading
	// the wall clock.
	f.advance(reanchorEvery - 1)
	require.Equal(t, start.Add(reanchorEvery-1).UnixNano(), c.nowNs())
	require.EqualValues(t, 1, f.anchors.Load())

	// A wall-clock step is not seen before the anchor is due...
	f.step(-time.Hour)
	require.Equal(t, start.Add(reanchorEvery-1).UnixNano(), c.nowNs(), "the step is not seen yet")
	// ...and is seen at the first reading reanchorEvery after the anchor.
	f.advance(1)
	require.Equal(t, start.Add(reanchorEvery-time.Hour).UnixNano(), c.nowNs(), "the step backwards is seen")
	require.EqualValues(t, 2, f.anchors.Load())

	// A step forward likewise, within the bound.
	f.step(time.Hour)
	f.advance(reanchorEvery / 2)
	require.Equal(t, start.Add(reanchorEvery+reanchorEvery/2-time.Hour).UnixNano(), c.nowNs())
	f.advance(reanchorEvery / 2)
	require.Equal(t, start.Add(2*reanchorEvery).UnixNano(), c.nowNs(), "the step forwards is seen")
	require.EqualValues(t, 3, f.anchors.Load())

	// A long pause: the first reading after it re-anchors, once.
	f.advance(time.Hour)
	want := start.Add(2*reanchorEvery + time.Hour).UnixNano()
	require.Equal(t, want, c.nowNs())
	require.Equal(t, want, c.nowNs())
	require.EqualValues(t, 4, f.anchors.Load())
}

// Readers on several goroutines while the clocks move and step: every
// reading is one the wall clock held within the last reanchorEvery (the
// race detector checks the rest).
func TestWallClockConcurrent(t *testing.T) {
	f := newFakeClocks(time.Unix(1_800_000_000, 0))
	c := f.clock()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if got := c.nowNs(); got < time.Unix(1_800_000_000, 0).UnixNano() {
					t.Errorf("reading %d before the start", got)
					return
				}
			}
		}()
	}
	for i := range 1000 {
		f.advance(time.Millisecond)
		if i%250 == 0 {
			f.step(time.Second)
		}
	}
	close(stop)
	wg.Wait()
	f.advance(reanchorEvery)
	require.Equal(t, f.wall.Load(), c.nowNs(), "in step with the wall clock once an anchor is due")
}

// The system clock agrees with time.Now (the wall clock is not stepped
// during the test: the difference is the time between two readings).
func TestSystemClock(t *testing.T) {
	before := time.Now()
	got := systemClock.now()
	after := time.Now()
	require.False(t, got.Before(before.Add(-time.Second)), "%v before %v", got, before)
	require.False(t, got.After(after.Add(time.Second)), "%v after %v", got, after)
}

// A Verifier without Config.Now reads the system clock; with it, never.
func TestSettingsClock(t *testing.T) {
	for _, tc := range []struct {
		name      string
		now       func() time.Time
		wantClock bool
	}{
		{name: "no Now", wantClock: true},
		{name: "Now", now: func() time.Time { return testNowInternal }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config[int]{Keys: hmacSource(t), Algorithms: []string{"HS256"}, InsecureSkipIssuerCheck: true, InsecureSkipAudienceCheck: true, Now: tc.now}
			s, err := cfg.settings()
			require.NoError(t, err)
			if tc.wantClock {
				require.Same(t, systemClock, s.clock)
				return
			}
			require.Nil(t, s.clock)
			require.Equal(t, testNowInternal, s.now())
		})
	}
}

// hmacSource is a static source holding testkeys.HMAC as "k1".
func hmacSource(t *testing.T) *keysource.Static {
	t.Helper()
	k, err := keysource.NewKey("k1", "", testkeys.HMAC(t))
	require.NoError(t, err)
	src, err := keysource.NewStatic(k)
	require.NoError(t, err)
	return src
}

var clockSink int64

// BenchmarkWallClock compares a reading of the system clock with time.Now,
// the cost a cache hit used to pay.
func BenchmarkWallClock(b *testing.B) {
	b.Run("systemClock", func(b *testing.B) {
		for b.Loop() {
			clockSink += systemClock.nowNs()
		}
	})
	b.Run("time.Now", func(b *testing.B) {
		for b.Loop() {
			clockSink += time.Now().UnixNano()
		}
	})
}

// TestWallClockStaleAnchorNotReplanted: a reader descheduled between its
// time.Now and publishing the anchor must not put back an offset from
// before a wall-clock step that a later anchor has already seen. Before
// anchors were published as one value, and only when newer, this clock
// read an hour behind after the stale store.
func TestWallClockStaleAnchorNotReplanted(t *testing.T) {
	var mono, wall atomic.Int64
	mono.Store(int64(5 * time.Second))
	wall.Store(testNowInternal.UnixNano())
	var block atomic.Bool
	entered, release := make(chan struct{}), make(chan struct{})
	c := newWallClock(mono.Load, func() (int64, int64) {
		w, m := wall.Load(), mono.Load()
		if block.CompareAndSwap(true, false) {
			close(entered)
			<-release // descheduled between time.Now and the store
		}
		return w, m
	})
	mono.Add(int64(reanchorEvery))
	wall.Add(int64(reanchorEvery))
	block.Store(true)
	done := make(chan int64)
	go func() { done <- c.nowNs() }() // anchors with the wall time before the step, then stalls
	<-entered
	wall.Add(int64(time.Hour)) // the wall clock is stepped forward an hour
	mono.Add(int64(100 * time.Microsecond))
	wall.Add(int64(100 * time.Microsecond))
	require.Equal(t, wall.Load(), c.nowNs(), "a second reader anchors and sees the step")
	close(release)
	<-done
	mono.Add(int64(100 * time.Microsecond))
	wall.Add(int64(100 * time.Microsecond))
	got := c.nowNs()
	require.Equal(t, wall.Load(), got, "the step, once seen, is unseen again: %v behind", time.Duration(wall.Load()-got))
}
