package keysource

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRemoteOutage: while fetches fail the old keys keep serving until
// MaxStale, then Keys answers ErrUnavailable; the source recovers when the
// server does.
func TestRemoteOutage(t *testing.T) {
	good := jwkSetBytes(newECJWK(t, "k1"))
	for _, tc := range []struct {
		name    string
		break_  func(s *keyServer)
		check   func(err error) bool
		timeout time.Duration
	}{
		{
			name:   "500",
			break_: func(s *keyServer) { s.status = http.StatusInternalServerError },
			check: func(err error) bool {
				var se *StatusError
				return errors.As(err, &se) && se.StatusCode == 500
			},
		},
		{
			name:    "timeout",
			break_:  func(s *keyServer) { s.hang = true },
			check:   func(err error) bool { return errors.Is(err, context.DeadlineExceeded) },
			timeout: 100 * time.Millisecond,
		},
		{
			name:   "truncated JSON",
			break_: func(s *keyServer) { s.body, s.version = good[:len(good)/2], s.version+1 },
			check:  func(err error) bool { return errors.Is(err, ErrMalformed) },
		},
		{
			name:   "5 MB body",
			break_: func(s *keyServer) { s.body, s.version = bytes.Repeat([]byte(" "), 5<<20), s.version+1 },
			check:  func(err error) bool { return errors.Is(err, ErrResponseTooLarge) },
		},
		{
			name: "no usable key",
			break_: func(s *keyServer) {
				enc := newECJWK(t, "e1")
				enc["use"] = "enc"
				s.body, s.version = jwkSetBytes(enc), s.version+1
			},
			check: func(err error) bool { return errors.Is(err, ErrNoKeys) },
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newKeyServer(t)
			srv.setBody(good)
			clk, rec := newFakeClock(), newRecorder()
			src := newTestJWKS(t, srv, clk, rec, func(c *JWKSConfig) { c.Timeout = tc.timeout })
			set := keysNow(t, src)
			rec.next(t)
			t0 := clk.Now()

			srv.update(tc.break_)
			clk.Advance(DefaultRefreshInterval)
			if ev := rec.next(t); ev.Outcome != OutcomeFailed || !tc.check(ev.Err) {
				t.Fatalf("fetch: outcome %v, err %v", ev.Outcome, ev.Err)
			}
			if got := keysNow(t, src); got != set {
				t.Fatal("old keys not served during the outage")
			}
			st := src.Status()
			if st.ConsecutiveFailures != 1 || !tc.check(st.LastError) || !st.Serving || !st.LastSuccess.Equal(t0) {
				t.Fatalf("Status = %+v", st)
			}

			// Up to MaxStale after the last success the old keys serve ...
			clk.Advance(t0.Add(DefaultMaxStale).Sub(clk.Now()))
			rec.next(t)
			if got := keysNow(t, src); got != set {
				t.Fatal("old keys not served at MaxStale")
			}
			// ... and then no more.
			clk.Advance(time.Second)
			_, err := src.Keys(context.Background())
			if !errors.Is(err, ErrUnavailable) {
				t.Fatalf("Keys past MaxStale = %v, want ErrUnavailable", err)
			}
			if _, err := src.Refresh(context.Background(), RefreshHint{Reason: RefreshUnknownKID, KID: "k2", Current: set}); !errors.Is(err, ErrUnavailable) {
				t.Fatalf("Refresh past MaxStale = %v, want ErrUnavailable", err)
			}
			if st := src.Status(); st.Serving || st.ConsecutiveFailures != 2 {
				t.Fatalf("Status past MaxStale = %+v", st)
			}

			// The server recovers; the next retry brings the keys back.
			srv.update(func(s *keyServer) { s.status, s.hang = 0, false })
			srv.setBody(good)
			clk.Advance(backoffMax)
			if ev := rec.next(t); ev.Err != nil || ev.Trigger != TriggerRetry {
				t.Fatalf("recovery fetch: %+v", ev)
			}
			if got := keysNow(t, src); got.ByID("k1") == nil {
				t.Fatal("keys not back after recovery")
			}
			if st := src.Status(); st.ConsecutiveFailures != 0 || st.LastError != nil || !st.Serving {
				t.Fatalf("Status after recovery = %+v", st)
			}
		})
	}
}

func TestRemoteBackoffGrows(t *testing.T) {
	srv := newKeyServer(t)
	srv.update(func(s *keyServer) { s.status = http.StatusBadGateway })
	clk, rec := newFakeClock(), newRecorder()
	src := newTestJWKS(t, srv, clk, rec, nil)
	_, err := src.Keys(context.Background())
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("first Keys = %v, want ErrUnavailable", err)
	}
	// Not an unknown key: Refresh without keys answers the same.
	if _, err := src.Refresh(context.Background(), RefreshHint{Reason: RefreshUnknownKID, KID: "k"}); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Refresh without keys = %v", err)
	}
	want := []time.Duration{1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300}
	for i, w := range want {
		rec.next(t)
		st := src.Status()
		if got := st.NextRefresh.Sub(st.LastAttempt); got != w*time.Second || st.ConsecutiveFailures != i+1 {
			t.Fatalf("failure %d: next retry in %s, failures %d; want %s", i+1, got, st.ConsecutiveFailures, w*time.Second)
		}
		clk.Advance(w * time.Second)
	}
	rec.next(t)
	if n := srv.requests.Load(); n != int64(len(want)+1) {
		t.Fatalf("requests = %d, want %d", n, len(want)+1)
	}
}

// TestRemoteRetryAfter: Retry-After on 429 and 503 delays the background
// retry, up to the backoff maximum (5 min), and holds on-demand refreshes
// back for RefreshCooldown at most.
func TestRemoteRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		value  func(now time.Time) string
		wait   time.Duration
	}{
		{name: "503 seconds", status: 503, value: func(time.Time) string { return "120" }, wait: 120 * time.Second},
		{name: "429 date capped", status: 429, value: func(now time.Time) string { return now.Add(10 * time.Minute).Format(http.TimeFormat) }, wait: backoffMax},
		{name: "500 ignored", status: 500, value: func(time.Time) string { return "120" }, wait: backoffBase},
		// A day-long Retry-After must not freeze the source for a day.
		{name: "503 a day capped", status: 503, value: func(time.Time) string { return "86400" }, wait: backoffMax},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newKeyServer(t)
			srv.setJWKS(newECJWK(t, "k1"))
			clk, rec := newFakeClock(), newRecorder()
			src := newTestJWKS(t, srv, clk, rec, nil)
			set := keysNow(t, src)
			rec.next(t)

			srv.update(func(s *keyServer) {
				s.status = tc.status
				s.header.Set("Retry-After", tc.value(clk.Now()))
			})
			refreshFor(t, src, set, "k2")
			ev := rec.next(t)
			var se *StatusError
			if !errors.As(ev.Err, &se) || se.StatusCode != tc.status {
				t.Fatalf("fetch err = %v", ev.Err)
			}
			st := src.Status()
			if got := st.NextRefresh.Sub(st.LastAttempt); got != tc.wait {
				t.Fatalf("next fetch in %s, want %s", got, tc.wait)
			}
			if tc.status == 500 {
				return
			}
			if !strings.Contains(se.Error(), "Retry-After") {
				t.Fatalf("error %q does not mention Retry-After", se)
			}
			// Within the cooldown: no on-demand fetch.
			clk.Advance(DefaultRefreshCooldown - time.Second)
			refreshFor(t, src, set, "k3")
			if n := srv.requests.Load(); n != 2 {
				t.Fatalf("requests = %d within the cooldown, want 2", n)
			}
			// After it, although the Retry-After may not be over: one.
			clk.Advance(time.Second)
			refreshFor(t, src, set, "k3")
			rec.next(t)
			if n := srv.requests.Load(); n != 3 {
				t.Fatalf("requests = %d after the cooldown, want 3", n)
			}
		})
	}
}
