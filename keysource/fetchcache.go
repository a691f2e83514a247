package keysource

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// cacheHint reads how long a response may be used: Cache-Control max-age
// less Age, else Expires less Date (or now). ok is false when the response
// says nothing usable, or says no-cache or no-store: those mean "use the
// default interval", never "fetch on every request". A hint in the past is
// returned as 0 (MinRefresh applies).
func cacheHint(h http.Header, now time.Time) (d time.Duration, ok bool) {
	maxAge, hasMaxAge := -1, false
	for _, line := range h.Values("Cache-Control") {
		for _, dir := range strings.Split(line, ",") {
			name, val, _ := strings.Cut(strings.TrimSpace(dir), "=")
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "no-cache", "no-store":
				return 0, false
			case "max-age":
				n, err := strconv.Atoi(strings.Trim(strings.TrimSpace(val), `"`))
				if err == nil && n >= 0 {
					maxAge, hasMaxAge = n, true
				}
			}
		}
	}
	if hasMaxAge {
		d = time.Duration(maxAge) * time.Second
		if age, err := strconv.Atoi(strings.TrimSpace(h.Get("Age"))); err == nil && age > 0 {
			d -= time.Duration(age) * time.Second
		}
		return max(d, 0), true
	}
	exp := h.Get("Expires")
	if exp == "" {
		return 0, false
	}
	t, err := http.ParseTime(exp)
	if err != nil {
		return 0, false
	}
	base := now
	if date, err := http.ParseTime(h.Get("Date")); err == nil {
		base = date
	}
	return max(t.Sub(base), 0), true
}

// retryAfter reads a Retry-After header, in seconds or as an HTTP date. It
// returns 0 when the header is absent, invalid or in the past.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		const year = int64(365 * 24 * time.Hour / time.Second)
		return time.Duration(min(max(n, 0), year)) * time.Second
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	return max(t.Sub(now), 0)
}
