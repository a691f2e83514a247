package keysource

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestRemoteRotation(t *testing.T) {
	srv := newKeyServer(t)
	k1, k2 := newECJWK(t, "k1"), newECJWK(t, "k2")
	srv.setJWKS(k1)
	clk, rec := newFakeClock(), newRecorder()
	src := newTestJWKS(t, srv, clk, rec, nil)

	set1 := keysNow(t, src)
	if got := set1.KeyIDs(); len(got) != 1 || got[0] != "k1" {
		t.Fatalf("first set = %v, want [k1]", got)
	}
	if ev := rec.next(t); ev.Trigger != TriggerFirst || ev.Outcome != OutcomeUpdated {
		t.Fatalf("first fetch = %v/%v", ev.Trigger, ev.Outcome)
	}

	// The issuer adds k2; a token with kid k2 arrives.
	srv.setJWKS(k1, k2)
	set2 := refreshFor(t, src, set1, "k2")
	if set2 == set1 || set2.ByID("k2") == nil {
		t.Fatalf("after Refresh(k2): kids %v, same set %v", set2.KeyIDs(), set2 == set1)
	}
	if set2.ByID("k1") != set1.ByID("k1") {
		t.Error("k1 did not keep its *Key across the refresh")
	}
	if n := srv.requests.Load(); n != 2 {
		t.Fatalf("upstream requests = %d, want 2 (first fetch + exactly one refresh)", n)
	}
	if ev := rec.next(t); ev.Trigger != TriggerUnknownKID || ev.Outcome != OutcomeUpdated {
		t.Fatalf("refresh = %v/%v", ev.Trigger, ev.Outcome)
	}
	if got := keysNow(t, src); got != set2 {
		t.Fatal("Keys does not serve the refreshed set")
	}

	// The issuer retires k1; the background refresh drops it.
	srv.setJWKS(k2)
	clk.Advance(DefaultRefreshInterval)
	if ev := rec.next(t); ev.Trigger != TriggerScheduled || ev.Outcome != OutcomeUpdated {
		t.Fatalf("background refresh = %v/%v", ev.Trigger, ev.Outcome)
	}
	set3 := keysNow(t, src)
	if set3.ByID("k1") != nil || set3.ByID("k2") != set2.ByID("k2") {
		t.Fatalf("after removal: kids %v", set3.KeyIDs())
	}
	if n := srv.requests.Load(); n != 3 {
		t.Fatalf("upstream requests = %d, want 3", n)
	}
	added, removed := rec.changes()
	if fmt.Sprint(added) != "[k1 k2]" || fmt.Sprint(removed) != "[k1]" {
		t.Fatalf("KeysChanged: added %v removed %v", added, removed)
	}
	// A token still carrying k1: the cooldown after the last on-demand
	// refresh is over, so one fetch confirms k1 is gone; the same set stays.
	if got := refreshFor(t, src, set3, "k1"); got != set3 {
		t.Fatal("Refresh for a removed kid returned another set")
	}
	if ev := rec.next(t); ev.Outcome != OutcomeUnchanged {
		t.Fatalf("refresh for k1: outcome %v, want unchanged", ev.Outcome)
	}
	// k1 is now remembered as absent, and a new kid meets the cooldown.
	for _, kid := range []string{"k1", "k7"} {
		if got := refreshFor(t, src, set3, kid); got != set3 {
			t.Fatalf("Refresh(%s) returned another set", kid)
		}
	}
	if n := srv.requests.Load(); n != 4 {
		t.Fatalf("upstream requests = %d, want 4", n)
	}
}

func TestRemoteUnknownKIDCooldownAndMemory(t *testing.T) {
	srv := newKeyServer(t)
	srv.setJWKS(newECJWK(t, "k1"))
	clk, rec := newFakeClock(), newRecorder()
	src := newTestJWKS(t, srv, clk, rec, func(c *JWKSConfig) { c.DefaultRefresh, c.MaxRefresh = time.Hour, time.Hour })
	set := keysNow(t, src)
	rec.next(t)

	// An unknown kid: one fetch; it stays unknown.
	if got := refreshFor(t, src, set, "x1"); got != set {
		t.Fatal("an unchanged document gave another *Set")
	}
	if ev := rec.next(t); ev.Outcome != OutcomeUnchanged {
		t.Fatalf("outcome %v, want unchanged", ev.Outcome)
	}
	// Within the cooldown another unknown kid fails at once ...
	refreshFor(t, src, set, "x2")
	if n := srv.requests.Load(); n != 2 {
		t.Fatalf("requests = %d, want 2", n)
	}
	if rec.cooldown.Load() != 1 {
		t.Fatalf("CooldownRejected called %d times, want 1", rec.cooldown.Load())
	}
	// ... and the kid just looked for is remembered as absent (no cooldown
	// refusal for it: it was looked for).
	refreshFor(t, src, set, "x1")
	if n := srv.requests.Load(); n != 2 || rec.cooldown.Load() != 1 {
		t.Fatalf("a remembered kid: requests = %d, cooldown refusals %d", n, rec.cooldown.Load())
	}
	// The memory lasts one cooldown only: then x1 is looked for again,
	// once, since the issuer may have published it meanwhile.
	clk.Advance(DefaultRefreshCooldown)
	refreshFor(t, src, set, "x1")
	rec.next(t)
	if n := srv.requests.Load(); n != 3 {
		t.Fatalf("requests = %d, want 3", n)
	}
	refreshFor(t, src, set, "x1")
	if n := srv.requests.Load(); n != 3 {
		t.Fatalf("a remembered kid caused a fetch: requests = %d", n)
	}
	// A new kid after the next cooldown fetches again.
	clk.Advance(DefaultRefreshCooldown)
	refreshFor(t, src, set, "x3")
	rec.next(t)
	if n := srv.requests.Load(); n != 4 {
		t.Fatalf("requests = %d, want 4", n)
	}
	if rec.unknown.Load() != 6 {
		t.Fatalf("UnknownKID called %d times, want 6", rec.unknown.Load())
	}
	// A stale Current gets the newer set back without a fetch.
	srv.setJWKS(newECJWK(t, "k9"))
	clk.Advance(time.Hour)
	rec.next(t)
	newer := keysNow(t, src)
	if got := refreshFor(t, src, set, "k9"); got != newer {
		t.Fatal("Refresh with an old Current did not return the current set")
	}
	if n := srv.requests.Load(); n != 5 {
		t.Fatalf("requests = %d, want 5", n)
	}
}

func TestRemoteFirstFetchShared(t *testing.T) {
	srv := newKeyServer(t)
	srv.setJWKS(newECJWK(t, "k1"))
	release := make(chan struct{})
	srv.update(func(s *keyServer) {
		s.handler = func(w http.ResponseWriter, r *http.Request) {
			<-release
			_, _ = w.Write(jwkSetBytes(newECJWK(t, "k1")))
		}
	})
	clk, rec := newFakeClock(), newRecorder()
	src := newTestJWKS(t, srv, clk, rec, nil)
	if n := srv.requests.Load(); n != 0 {
		t.Fatalf("a lazy source fetched before Keys: %d requests", n)
	}
	var wg sync.WaitGroup
	sets := make([]*Set, 8)
	for i := range sets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sets[i] = keysNow(t, src)
		}()
	}
	eventually(t, func() bool { return srv.requests.Load() == 1 })
	close(release)
	wg.Wait()
	for _, s := range sets {
		if s == nil || s != sets[0] {
			t.Fatal("first callers got different sets")
		}
	}
	if n := srv.requests.Load(); n != 1 {
		t.Fatalf("requests = %d, want 1 shared first fetch", n)
	}
}

func TestRemoteEager(t *testing.T) {
	srv := newKeyServer(t)
	srv.setJWKS(newECJWK(t, "k1"))
	clk, rec := newFakeClock(), newRecorder()
	src := newTestJWKS(t, srv, clk, rec, func(c *JWKSConfig) { c.Eager = true })
	if ev := rec.next(t); ev.Trigger != TriggerFirst || ev.Err != nil {
		t.Fatalf("eager first fetch: %+v", ev)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := src.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	st := src.Status()
	if !st.Serving || st.Keys != 1 || fmt.Sprint(st.KeyIDs) != "[k1]" || st.LastError != nil ||
		!st.LastSuccess.Equal(clk.Now()) || !st.NextRefresh.Equal(clk.Now().Add(DefaultRefreshInterval)) ||
		!st.StaleAt.Equal(clk.Now().Add(DefaultMaxStale)) || st.Source != srv.URL()+"/certs" {
		t.Fatalf("Status = %+v", st)
	}
}

func TestRemoteReady(t *testing.T) {
	srv := newKeyServer(t)
	srv.update(func(s *keyServer) { s.status = http.StatusInternalServerError })
	clk, rec := newFakeClock(), newRecorder()
	src := newTestJWKS(t, srv, clk, rec, nil)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	err := src.Ready(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Ready against a failing server = %v", err)
	}
	rec.next(t)
	// A lazy first fetch that failed answers ErrUnavailable at once.
	if _, err := src.Keys(context.Background()); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Keys after a failed first fetch = %v, want ErrUnavailable", err)
	}
	// The background retry succeeds; Ready returns.
	srv.update(func(s *keyServer) { s.status = 0 })
	srv.setJWKS(newECJWK(t, "k1"))
	done := make(chan error, 1)
	go func() { done <- src.Ready(context.Background()) }()
	clk.Advance(backoffBase)
	if ev := rec.next(t); ev.Trigger != TriggerRetry || ev.Err != nil {
		t.Fatalf("retry: %+v", ev)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	keysNow(t, src)
	_ = src.Close()
	if err := src.Ready(context.Background()); err != nil {
		t.Fatalf("Ready after Close of a ready source = %v", err)
	}
}

func TestRemoteCancel(t *testing.T) {
	srv := newKeyServer(t)
	srv.update(func(s *keyServer) { s.hang = true })
	clk, rec := newFakeClock(), newRecorder()
	src := newTestJWKS(t, srv, clk, rec, nil)

	for _, tc := range []struct {
		name string
		call func(ctx context.Context) error
	}{
		{name: "Keys", call: func(ctx context.Context) error { _, err := src.Keys(ctx); return err }},
		{name: "Ready", call: src.Ready},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(10*time.Millisecond, cancel)
			began := time.Now()
			err := tc.call(ctx)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			if d := time.Since(began); d > time.Second {
				t.Fatalf("returned after %s", d)
			}
		})
	}

	// Refresh joining a fetch in flight returns on cancel too.
	srv2 := newKeyServer(t)
	srv2.setJWKS(newECJWK(t, "k1"))
	src2 := newTestJWKS(t, srv2, clk, rec, nil)
	set := keysNow(t, src2)
	srv2.update(func(s *keyServer) { s.hang = true })
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(10*time.Millisecond, cancel)
	if _, err := src2.Refresh(ctx, RefreshHint{Reason: RefreshUnknownKID, KID: "x", Current: set}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Refresh err = %v, want context.Canceled", err)
	}
	// Close cancels the hanging fetch and releases nobody late.
	began := time.Now()
	_ = src2.Close()
	_ = src.Close()
	if d := time.Since(began); d > time.Second {
		t.Fatalf("Close took %s", d)
	}
}

func TestRemoteCloseLeaksNothing(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // runs last, after the servers closed
	srv := newKeyServer(t)
	srv.setJWKS(newECJWK(t, "k1"))
	clk, rec := newFakeClock(), newRecorder()

	// Never used: no goroutine at all.
	lazy := newTestJWKS(t, srv, clk, rec, nil)
	_ = lazy.Close()
	if _, err := lazy.Keys(context.Background()); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Keys on a closed, never started source = %v", err)
	}

	// Running, with a background timer and an on-demand fetch in flight.
	src := newTestJWKS(t, srv, clk, rec, func(c *JWKSConfig) { c.Eager = true })
	set := keysNow(t, src)
	srv.update(func(s *keyServer) { s.hang = true })
	errc := make(chan error, 1)
	go func() {
		_, err := src.Refresh(context.Background(), RefreshHint{Reason: RefreshUnknownKID, KID: "x", Current: set})
		errc <- err
	}()
	eventually(t, func() bool { return srv.requests.Load() == 2 })
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatalf("Refresh released by Close = %v", err)
	}
	// Closed: the last keys still serve, nothing is fetched.
	if got := keysNow(t, src); got != set {
		t.Fatal("Keys after Close lost the keys")
	}
	if got := refreshFor(t, src, set, "y"); got != set {
		t.Fatal("Refresh after Close returned another set")
	}
	clk.Advance(48 * time.Hour)
	if _, err := src.Keys(context.Background()); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Keys past MaxStale after Close = %v", err)
	}
	if st := src.Status(); !st.NextRefresh.IsZero() {
		t.Fatalf("closed source reports a next refresh at %s", st.NextRefresh)
	}
	_ = src.Close() // idempotent
	srv.srv.CloseClientConnections()
	srv.srv.Client().CloseIdleConnections()
}

// eventually polls cond for up to 5 s.
func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestRemoteDebugLogs: refusals are logged at Debug only, with the
// untrusted kid cut short.
func TestRemoteDebugLogs(t *testing.T) {
	srv := newKeyServer(t)
	srv.setJWKS(newECJWK(t, "k1"))
	var logs logBuffer
	clk, rec := newFakeClock(), newRecorder()
	src := newTestJWKS(t, srv, clk, rec, func(c *JWKSConfig) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	set := keysNow(t, src)
	long := strings.Repeat("x", 100)
	refreshFor(t, src, set, long)  // fetches
	refreshFor(t, src, set, long)  // remembered
	refreshFor(t, src, set, "new") // cooldown
	out := logs.String()
	for _, want := range []string{
		"unknown kid already looked for", "refresh refused during cooldown",
		"kid=" + strings.Repeat("x", 64) + "...", "reason=unknown_kid", "level=DEBUG",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("logs lack %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, strings.Repeat("x", 65)) {
		t.Error("the kid was logged in full")
	}
}

// TestRemoteUnknownKIDWaitsForFlight: while an on-demand fetch is in
// flight, requests for unknown kids wait for it (they do not fail at once),
// and the wait is bounded by the fetch's Timeout even when their own
// context has no deadline: a hanging issuer costs them Timeout, not more.
func TestRemoteUnknownKIDWaitsForFlight(t *testing.T) {
	srv := newKeyServer(t)
	srv.setJWKS(newECJWK(t, "k1"))
	clk, rec := newFakeClock(), newRecorder()
	src := newTestJWKS(t, srv, clk, rec, func(c *JWKSConfig) { c.Timeout = 500 * time.Millisecond })
	set := keysNow(t, src)
	rec.next(t)
	srv.update(func(s *keyServer) { s.hang = true })

	const waiters = 8
	errs := make(chan error, waiters)
	for i := range waiters {
		go func() {
			got, err := src.Refresh(context.Background(), RefreshHint{Reason: RefreshUnknownKID, KID: fmt.Sprintf("x%d", i), Current: set})
			if err == nil && got != set {
				err = errors.New("another set")
			}
			errs <- err
		}()
	}
	// Every waiter joins the one flight before it times out.
	var flight *flight
	deadline := time.Now().Add(5 * time.Second)
	for joined := 0; joined < waiters; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d waiters joined a fetch", joined, waiters)
		}
		src.mu.Lock()
		f := src.pending
		if f != nil {
			joined = len(f.kids)
		}
		src.mu.Unlock()
		switch {
		case flight == nil:
			flight = f // the first waiter may not have started it yet
		case f != flight:
			t.Fatalf("the fetch ended before every waiter joined it (%d of %d)", joined, waiters)
		}
	}
	for range waiters {
		select {
		case err := <-errs:
			if err != nil {
				t.Fatalf("Refresh = %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("a waiter was not released after the fetch timed out")
		}
	}
	if ev := rec.next(t); !errors.Is(ev.Err, context.DeadlineExceeded) {
		t.Fatalf("fetch err = %v, want a timeout", ev.Err)
	}
	if n := srv.requests.Load(); n != 2 {
		t.Fatalf("requests = %d, want 2 (one shared on-demand fetch)", n)
	}
	if n := rec.cooldown.Load(); n != 0 {
		t.Fatalf("CooldownRejected = %d during the flight, want 0", n)
	}
}
