package keysource

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRemoteStorm sends 10,000 Keys and Refresh calls with random unknown
// kids from 16 goroutines. Upstream sees at most one request per cooldown
// window, and no call waits longer than the fetch in flight.
func TestRemoteStorm(t *testing.T) {
	const (
		goroutines = 16
		calls      = 10000
		fetchTime  = 20 * time.Millisecond
	)
	for _, tc := range []struct {
		name string
		tick time.Duration // fake time added every 100 calls
	}{
		{name: "frozen clock", tick: 0},
		{name: "clock moving 1s per 100 calls", tick: time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newKeyServer(t)
			srv.setJWKS(newECJWK(t, "k1"))
			clk, rec := newFakeClock(), newRecorder()
			src := newTestJWKS(t, srv, clk, rec, func(c *JWKSConfig) {
				c.DefaultRefresh, c.MaxRefresh = 24*time.Hour, 24*time.Hour
			})
			set := keysNow(t, src)
			srv.update(func(s *keyServer) { s.delay = fetchTime })
			before := srv.requests.Load()
			start := clk.Now()

			var (
				done    atomic.Int64
				slowest atomic.Int64
				wg      sync.WaitGroup
			)
			for g := range goroutines {
				wg.Add(1)
				go func() {
					defer wg.Done()
					rnd := rand.New(rand.NewPCG(uint64(g), 1))
					for i := 0; i < calls/goroutines; i++ {
						began := time.Now()
						var err error
						if i%2 == 0 {
							_, err = src.Refresh(context.Background(), RefreshHint{
								Reason: RefreshUnknownKID, KID: fmt.Sprintf("rnd-%x", rnd.Uint64()), Current: set})
						} else {
							_, err = src.Keys(context.Background())
						}
						if err != nil {
							t.Error(err)
							return
						}
						if d := int64(time.Since(began)); d > slowest.Load() {
							slowest.Store(d) // racy max; good enough for a bound
						}
						if n := done.Add(1); tc.tick > 0 && n%100 == 0 {
							clk.Advance(tc.tick)
						}
					}
				}()
			}
			wg.Wait()
			upstream := srv.requests.Load() - before
			elapsed := clk.Now().Sub(start)
			windows := int64(elapsed/DefaultRefreshCooldown) + 1
			t.Logf("%d calls over %s of fake time: %d upstream requests (limit %d: one per %s window); slowest call %s",
				calls, elapsed, upstream, windows, DefaultRefreshCooldown, time.Duration(slowest.Load()))
			if upstream < 1 || upstream > windows {
				t.Fatalf("upstream requests = %d, want 1..%d", upstream, windows)
			}
			if tc.tick == 0 && upstream != 1 {
				t.Fatalf("upstream requests = %d with a frozen clock, want 1", upstream)
			}
			// A caller waits at most for the fetch in flight (20 ms); the
			// margin covers scheduling on a loaded 2-core machine under
			// -race. A queue, or a wait for the cooldown, would never end:
			// the fake clock does not move on its own.
			if d := time.Duration(slowest.Load()); d > fetchTime+2*time.Second {
				t.Fatalf("slowest call took %s; callers queue", d)
			}
			if n := rec.started(TriggerUnknownKID); n != upstream {
				t.Fatalf("on-demand fetches = %d, upstream requests = %d", n, upstream)
			}
		})
	}
}
