package verify

import (
	"math"
	"time"
)

// timeWindow is a cached token's time checks (checkTimesAt) reduced, when
// the token is stored, to the interval of instants at which they pass, so
// that a hit compares one clock reading with two integers instead of
// adding the leeway to three times again.
//
// The bounds are Unix nanoseconds, saturated: a bound before 1678 or after
// 2262 (an exp in the year 9999) is held as math.MinInt64 or
// math.MaxInt64, never wrapped. For any instant strictly between those two,
// comparing with a saturated bound gives the answer the time.Time
// comparison gives, so the window passes exactly when checkTimesAt
// returns nil. When it does not pass, checkTimesAt runs on the original
// times and names the failed check, with the same sentinel in the same
// order as for a fresh token.
type timeWindow struct {
	// The checks pass when from <= now <= last. from > last when they can
	// never pass (a missing exp or iat that the settings require).
	from, last int64
	// The claims themselves (zero when absent), for checkTimesAt.
	exp, nbf, iat time.Time
}

// The instants that Unix nanoseconds in an int64 can hold.
var (
	minNanoTime = time.Unix(0, math.MinInt64)
	maxNanoTime = time.Unix(0, math.MaxInt64)
)

// satNano returns t in Unix nanoseconds, saturated at the int64 range.
func satNano(t time.Time) int64 {
	switch {
	case t.Before(minNanoTime):
		return math.MinInt64
	case t.After(maxNanoTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// exactNano returns t in Unix nanoseconds, and false when t is not
// strictly inside the range where saturated bounds compare exactly.
func exactNano(t time.Time) (int64, bool) {
	if !t.After(minNanoTime) || !t.Before(maxNanoTime) {
		return 0, false
	}
	return t.UnixNano(), true
}

// window computes the timeWindow of a token with these claims, with the
// very expressions checkTimesAt uses.
func (s *settings[C]) window(exp, nbf, iat time.Time) timeWindow {
	w := timeWindow{from: math.MinInt64, last: math.MaxInt64, exp: exp, nbf: nbf, iat: iat}
	never := false
	if exp.IsZero() {
		never = !s.allowNoExp
	} else {
		// now.Before(exp+leeway), in whole nanoseconds.
		w.last = min(w.last, satNano(exp.Add(s.leeway).Add(-time.Nanosecond)))
	}
	if !nbf.IsZero() {
		w.from = max(w.from, satNano(nbf.Add(-s.leeway)))
	}
	if !iat.IsZero() {
		w.from = max(w.from, satNano(iat.Add(-s.leeway)))
	}
	if s.maxAge > 0 {
		if iat.IsZero() {
			never = true
		} else {
			w.last = min(w.last, satNano(iat.Add(s.maxAge+s.leeway)))
		}
	}
	if never {
		w.from, w.last = math.MaxInt64, math.MinInt64
	}
	return w
}

// checkWindow is checkTimes for a cached token: one clock reading, two
// comparisons, and checkTimesAt only when they fail.
func (s *settings[C]) checkWindow(w *timeWindow) error {
	if s.clock != nil {
		now := s.clock.nowNs()
		if w.from <= now && now <= w.last {
			return nil
		}
		return s.checkTimesAt(time.Unix(0, now), w.exp, w.nbf, w.iat)
	}
	t := s.now()
	if now, ok := exactNano(t); ok && w.from <= now && now <= w.last {
		return nil
	}
	return s.checkTimesAt(t, w.exp, w.nbf, w.iat)
}
