package verify

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The named edges of the window: exactly at each bound and a nanosecond
// to either side, with the sentinel a fresh token gets.
func TestTimeWindowEdges(t *testing.T) {
	const leeway = time.Minute
	t0 := testNowInternal
	exp, nbf, iat := t0.Add(time.Hour), t0.Add(-time.Hour), t0.Add(-2*time.Hour)
	year9999 := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	year3000 := time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
	year1500 := time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC)
	year1 := time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC)
	for _, tc := range []struct {
		name          string
		maxAge        time.Duration
		allowNoExp    bool
		exp, nbf, iat time.Time
		now           time.Time
		want          error
	}{
		{name: "inside", exp: exp, nbf: nbf, iat: iat, now: t0},
		{name: "a nanosecond before exp+leeway", exp: exp, now: exp.Add(leeway - 1)},
		{name: "exactly at exp+leeway", exp: exp, now: exp.Add(leeway), want: ErrExpired},
		{name: "exactly at nbf-leeway", exp: exp, nbf: nbf, now: nbf.Add(-leeway)},
		{name: "a nanosecond before nbf-leeway", exp: exp, nbf: nbf, now: nbf.Add(-leeway - 1), want: ErrNotYetValid},
		{name: "exactly at iat-leeway", exp: exp, iat: iat, now: iat.Add(-leeway)},
		{name: "a nanosecond before iat-leeway", exp: exp, iat: iat, now: iat.Add(-leeway - 1), want: ErrIssuedInFuture},
		{name: "nbf before iat: nbf named first", exp: exp, nbf: iat.Add(time.Minute), iat: iat, now: iat.Add(-2 * leeway), want: ErrNotYetValid},
		{name: "exactly at iat+MaxAge+leeway", maxAge: 3 * time.Hour, exp: exp.Add(10 * time.Hour), iat: iat, now: iat.Add(3*time.Hour + leeway)},
		{name: "a nanosecond after iat+MaxAge+leeway", maxAge: 3 * time.Hour, exp: exp.Add(10 * time.Hour), iat: iat, now: iat.Add(3*time.Hour + leeway + 1), want: ErrTooOld},
		{name: "expired and too old: expired first", maxAge: time.Minute, exp: exp, iat: iat, now: exp.Add(leeway), want: ErrExpired},
		{name: "no exp", iat: iat, now: t0, want: ErrMissingClaim},
		{name: "no exp allowed", allowNoExp: true, iat: iat, now: t0},
		{name: "no exp allowed, not yet valid", allowNoExp: true, nbf: t0.Add(time.Hour), now: t0, want: ErrNotYetValid},
		{name: "MaxAge without iat", maxAge: time.Hour, exp: exp, now: t0, want: ErrMissingClaim},
		{name: "no claims at all, all allowed", allowNoExp: true, now: t0},
		{name: "exp in 9999", exp: year9999, nbf: nbf, now: t0},
		{name: "exp in 9999, now in 3000", exp: year9999, now: year3000},
		{name: "exp in 3000, now in 3000", exp: year3000, now: year3000.Add(leeway), want: ErrExpired},
		{name: "exp in 1500", exp: year1500, now: t0, want: ErrExpired},
		{name: "exp in 1500, now in 1500", exp: year1500, now: year1500},
		{name: "nbf in year 1", exp: exp, nbf: year1, now: t0},
		{name: "nbf in 9999", exp: year9999, nbf: year9999.Add(-time.Hour), now: t0, want: ErrNotYetValid},
		{name: "before 1970", exp: time.Unix(-10, 0), iat: time.Unix(-100, 0), now: time.Unix(-50, 0)},
		{name: "before 1970, expired", exp: time.Unix(-10, 0), now: time.Unix(-10, 0).Add(leeway), want: ErrExpired},
		{name: "MaxAge of 292 years", maxAge: time.Duration(math.MaxInt64) - leeway, exp: year9999, iat: iat, now: t0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := tc.now
			s := &settings[int]{leeway: leeway, maxAge: tc.maxAge, allowNoExp: tc.allowNoExp, now: func() time.Time { return now }}
			w := s.window(tc.exp, tc.nbf, tc.iat)
			err := s.checkWindow(&w)
			require.ErrorIs(t, err, tc.want)
			if tc.want == nil {
				require.NoError(t, err)
			}
			require.Equal(t, fmt.Sprint(s.checkTimesAt(now, tc.exp, tc.nbf, tc.iat)), fmt.Sprint(err), "as a fresh token")
			// The same through the wall clock, where it can hold the time.
			if ns, ok := exactNano(now); ok {
				f := newFakeClocks(time.Unix(0, ns))
				s.clock, s.now = f.clock(), nil
				got := s.checkWindow(&w)
				require.ErrorIs(t, got, tc.want)
				require.Equal(t, fmt.Sprint(err), fmt.Sprint(got))
			}
		})
	}
}

// Every combination of claims and settings, at every bound and a
// nanosecond to either side: the window answers exactly what checkTimesAt
// answers, with the same error.
func TestTimeWindowMatchesCheckTimes(t *testing.T) {
	t0 := testNowInternal
	times := []time.Time{
		{}, t0, t0.Add(-time.Hour), t0.Add(time.Hour), time.Unix(0, 0), time.Unix(-1, 0),
		time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC), time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		minNanoTime, maxNanoTime, minNanoTime.Add(time.Minute), maxNanoTime.Add(-time.Minute),
	}
	// The wall clock's path: one whose reading is set by hand.
	clk := newWallClock(func() int64 { return 0 }, func() (int64, int64) { return 0, 0 })
	n := 0
	for _, leeway := range []time.Duration{0, time.Minute} {
		for _, maxAge := range []time.Duration{0, time.Hour} {
			for _, allowNoExp := range []bool{false, true} {
				s := &settings[int]{leeway: leeway, maxAge: maxAge, allowNoExp: allowNoExp}
				for _, exp := range times {
					for _, nbf := range times {
						for _, iat := range times {
							w := s.window(exp, nbf, iat)
							for _, now := range instants(t0, leeway, maxAge, exp, nbf, iat) {
								s.now = func() time.Time { return now }
								want := s.checkTimesAt(now, exp, nbf, iat)
								got := s.checkWindow(&w)
								if !sameError(want, got) {
									t.Fatalf("leeway %v, MaxAge %v, allowNoExp %v, exp %v, nbf %v, iat %v, now %v: window %v, checkTimesAt %v",
										leeway, maxAge, allowNoExp, exp, nbf, iat, now, got, want)
								}
								if ns, ok := exactNano(now); ok {
									clk.cur.Store(&clockAnchor{offset: ns})
									sc := *s
									sc.clock = clk
									want := s.checkTimesAt(time.Unix(0, ns), exp, nbf, iat)
									if got := sc.checkWindow(&w); !sameError(want, got) {
										t.Fatalf("wall clock: leeway %v, MaxAge %v, allowNoExp %v, exp %v, nbf %v, iat %v, now %v: window %v, checkTimesAt %v",
											leeway, maxAge, allowNoExp, exp, nbf, iat, now, got, want)
									}
								}
								n++
							}
						}
					}
				}
			}
		}
	}
	t.Logf("%d cases", n)
}

// instants are the times at which a window's answer may change, and a
// nanosecond to either side, plus a few far ones.
func instants(t0 time.Time, leeway, maxAge time.Duration, exp, nbf, iat time.Time) []time.Time {
	bounds := []time.Time{t0, minNanoTime, maxNanoTime, time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)}
	if !exp.IsZero() {
		bounds = append(bounds, exp.Add(leeway))
	}
	if !nbf.IsZero() {
		bounds = append(bounds, nbf.Add(-leeway))
	}
	if !iat.IsZero() {
		bounds = append(bounds, iat.Add(-leeway), iat.Add(maxAge+leeway))
	}
	var out []time.Time
	for _, b := range bounds {
		out = append(out, b.Add(-1), b, b.Add(1))
	}
	return out
}

// sameError reports whether a and b are both nil or say the same (the
// sentinels' messages differ).
func sameError(a, b error) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Error() == b.Error()
}

func TestSatNano(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   time.Time
		want int64
		ok   bool // exactNano's answer
	}{
		{name: "epoch", in: time.Unix(0, 0), want: 0, ok: true},
		{name: "now", in: testNowInternal, want: testNowInternal.UnixNano(), ok: true},
		{name: "before 1970", in: time.Unix(-5, 7), want: -5*int64(time.Second) + 7, ok: true},
		{name: "the last int64 instant", in: maxNanoTime, want: math.MaxInt64},
		{name: "the first int64 instant", in: minNanoTime, want: math.MinInt64},
		{name: "just inside the top", in: maxNanoTime.Add(-1), want: math.MaxInt64 - 1, ok: true},
		{name: "just inside the bottom", in: minNanoTime.Add(1), want: math.MinInt64 + 1, ok: true},
		{name: "year 9999", in: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), want: math.MaxInt64},
		{name: "year 1", in: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), want: math.MinInt64},
		{name: "zero time", in: time.Time{}, want: math.MinInt64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, satNano(tc.in))
			ns, ok := exactNano(tc.in)
			require.Equal(t, tc.ok, ok)
			if ok {
				require.Equal(t, tc.want, ns)
			}
		})
	}
}
