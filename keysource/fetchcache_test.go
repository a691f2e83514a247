package keysource

import (
	"net/http"
	"testing"
	"time"
)

func TestCacheHint(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	date := now.Format(http.TimeFormat)
	for _, tc := range []struct {
		name   string
		header map[string]string
		want   time.Duration
		ok     bool
	}{
		{name: "none", header: nil},
		{name: "max-age", header: map[string]string{"Cache-Control": "public, max-age=600"}, want: 600 * time.Second, ok: true},
		{name: "max-age less Age", header: map[string]string{"Cache-Control": "max-age=600", "Age": "100"}, want: 500 * time.Second, ok: true},
		{name: "Age beyond max-age", header: map[string]string{"Cache-Control": "max-age=60", "Age": "100"}, want: 0, ok: true},
		{name: "quoted, upper case", header: map[string]string{"Cache-Control": `MAX-AGE="30"`}, want: 30 * time.Second, ok: true},
		{name: "no-cache wins (Keycloak)", header: map[string]string{"Cache-Control": "no-cache, max-age=600"}},
		{name: "no-store", header: map[string]string{"Cache-Control": "no-store"}},
		{name: "bad max-age", header: map[string]string{"Cache-Control": "max-age=soon"}},
		{name: "max-age over Expires", header: map[string]string{"Cache-Control": "max-age=60", "Expires": now.Add(time.Hour).Format(http.TimeFormat)}, want: time.Minute, ok: true},
		{name: "Expires less Date", header: map[string]string{"Date": date, "Expires": now.Add(time.Hour).Format(http.TimeFormat)}, want: time.Hour, ok: true},
		{name: "Expires without Date", header: map[string]string{"Expires": now.Add(2 * time.Hour).Format(http.TimeFormat)}, want: 2 * time.Hour, ok: true},
		{name: "Expires past", header: map[string]string{"Date": date, "Expires": now.Add(-time.Hour).Format(http.TimeFormat)}, want: 0, ok: true},
		{name: "Expires invalid", header: map[string]string{"Expires": "0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tc.header {
				h.Set(k, v)
			}
			got, ok := cacheHint(h, now)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("cacheHint = %s, %v; want %s, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestRetryAfterHeader(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, value string
		want        time.Duration
	}{
		{name: "absent", value: "", want: 0},
		{name: "seconds", value: "120", want: 2 * time.Minute},
		{name: "negative", value: "-5", want: 0},
		{name: "huge", value: "99999999999", want: 365 * 24 * time.Hour},
		{name: "date", value: now.Add(time.Hour).Format(http.TimeFormat), want: time.Hour},
		{name: "past date", value: now.Add(-time.Hour).Format(http.TimeFormat), want: 0},
		{name: "garbage", value: "soon", want: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.value != "" {
				h.Set("Retry-After", tc.value)
			}
			if got := retryAfter(h, now); got != tc.want {
				t.Fatalf("retryAfter(%q) = %s, want %s", tc.value, got, tc.want)
			}
		})
	}
}

// TestRemoteRefreshInterval: the background refresh follows the caching
// headers, clamped to [MinRefresh, min(MaxRefresh, MaxStale/2)], less jitter.
func TestRemoteRefreshInterval(t *testing.T) {
	for _, tc := range []struct {
		name         string
		cacheControl string
		random       float64
		want         time.Duration
	}{
		{name: "no header", want: DefaultRefreshInterval},
		{name: "max-age", cacheControl: "max-age=600", want: 10 * time.Minute},
		{name: "no-cache means default, not per request", cacheControl: "no-cache", want: DefaultRefreshInterval},
		{name: "below MinRefresh", cacheControl: "max-age=5", want: DefaultMinRefresh},
		{name: "max-age=0", cacheControl: "max-age=0", want: DefaultMinRefresh},
		{name: "above MaxStale/2", cacheControl: "max-age=172800", want: DefaultMaxStale / 2},
		{name: "jitter takes up to 10%", cacheControl: "max-age=600", random: 0.5, want: 570 * time.Second},
		{name: "jitter never below MinRefresh", cacheControl: "max-age=60", random: 0.99, want: DefaultMinRefresh},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newKeyServer(t)
			srv.setJWKS(newECJWK(t, "k1"))
			if tc.cacheControl != "" {
				srv.update(func(s *keyServer) { s.header.Set("Cache-Control", tc.cacheControl) })
			}
			clk, rec := newFakeClock(), newRecorder()
			src := newTestJWKS(t, srv, clk, rec, func(c *JWKSConfig) { c.random = func() float64 { return tc.random } })
			keysNow(t, src)
			rec.next(t)
			st := src.Status()
			if got := st.NextRefresh.Sub(st.LastAttempt); got != tc.want {
				t.Fatalf("next refresh in %s, want %s", got, tc.want)
			}
			if armed := clk.Armed(); len(armed) != 1 || !armed[0].Equal(st.NextRefresh) {
				t.Fatalf("timer armed for %v, want %s", armed, st.NextRefresh)
			}
			clk.Advance(tc.want - time.Nanosecond)
			clk.Advance(time.Nanosecond)
			if ev := rec.next(t); ev.Trigger != TriggerScheduled {
				t.Fatalf("trigger %v", ev.Trigger)
			}
		})
	}
}

// TestRemoteConditional: the second fetch carries If-None-Match and
// If-Modified-Since, the server answers 304, and nothing is parsed again.
func TestRemoteConditional(t *testing.T) {
	srv := newKeyServer(t)
	srv.update(func(s *keyServer) {
		s.validators = true
		s.header.Set("Cache-Control", "max-age=600")
	})
	srv.setJWKS(newECJWK(t, "k1"))
	clk, rec := newFakeClock(), newRecorder()
	src := newTestJWKS(t, srv, clk, rec, nil)
	set := keysNow(t, src)
	rec.next(t)
	if srv.ifNoneMatch.Load() != 0 || src.parses.Load() != 1 {
		t.Fatal("first fetch was conditional or not parsed once")
	}

	srv.update(func(s *keyServer) { s.header.Del("Cache-Control") })
	clk.Advance(10 * time.Minute)
	if ev := rec.next(t); ev.Outcome != OutcomeNotModified || ev.Keys != 1 {
		t.Fatalf("outcome %v, keys %d", ev.Outcome, ev.Keys)
	}
	if srv.ifNoneMatch.Load() != 1 || srv.ifModSince.Load() != 1 || srv.notModified.Load() != 1 {
		t.Fatalf("If-None-Match %d, If-Modified-Since %d, 304s %d", srv.ifNoneMatch.Load(), srv.ifModSince.Load(), srv.notModified.Load())
	}
	if src.parses.Load() != 1 {
		t.Fatalf("parsed %d times, want 1", src.parses.Load())
	}
	st := src.Status()
	if keysNow(t, src) != set || !st.LastSuccess.Equal(clk.Now()) {
		t.Fatal("a 304 did not keep the set or did not count as a success")
	}
	// A 304 without caching headers keeps the interval of the 200 before.
	if got := st.NextRefresh.Sub(st.LastAttempt); got != 10*time.Minute {
		t.Fatalf("after 304 next refresh in %s, want 10m", got)
	}
	// A 304 with its own max-age sets the next interval.
	srv.update(func(s *keyServer) { s.header.Set("Cache-Control", "max-age=120") })
	clk.Advance(10 * time.Minute)
	if ev := rec.next(t); ev.Outcome != OutcomeNotModified {
		t.Fatalf("outcome %v", ev.Outcome)
	}
	if st := src.Status(); st.NextRefresh.Sub(st.LastAttempt) != 2*time.Minute || src.parses.Load() != 1 {
		t.Fatalf("after 304 with max-age=120: next refresh in %s, %d parses", st.NextRefresh.Sub(st.LastAttempt), src.parses.Load())
	}

	// A changed document is fetched and parsed.
	srv.setJWKS(newECJWK(t, "k2"))
	clk.Advance(2 * time.Minute)
	if ev := rec.next(t); ev.Outcome != OutcomeUpdated {
		t.Fatalf("outcome %v", ev.Outcome)
	}
	if src.parses.Load() != 2 || keysNow(t, src).ByID("k2") == nil {
		t.Fatal("changed document not parsed")
	}
}

// TestRemoteSameBody: a server without validators that sends the same bytes
// causes no parse, and the same *Set stays.
func TestRemoteSameBody(t *testing.T) {
	srv := newKeyServer(t)
	srv.setJWKS(newECJWK(t, "k1"))
	clk, rec := newFakeClock(), newRecorder()
	src := newTestJWKS(t, srv, clk, rec, nil)
	set := keysNow(t, src)
	rec.next(t)
	clk.Advance(DefaultRefreshInterval)
	if ev := rec.next(t); ev.Outcome != OutcomeUnchanged {
		t.Fatalf("outcome %v", ev.Outcome)
	}
	if src.parses.Load() != 1 || keysNow(t, src) != set || srv.ifNoneMatch.Load() != 0 {
		t.Fatal("same body parsed again, set replaced, or a condition sent without validators")
	}
}
