package keysource

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"
)

// Defaults applied to the zero fields of FetchConfig.
const (
	// DefaultTimeout bounds one HTTP fetch, body included.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxBodyBytes caps a response body: 1 MiB.
	DefaultMaxBodyBytes = 1 << 20
	// DefaultMinRefresh is the shortest background refresh interval.
	DefaultMinRefresh = time.Minute
	// DefaultMaxRefresh is the longest background refresh interval.
	DefaultMaxRefresh = 24 * time.Hour
	// DefaultRefreshInterval is the background refresh interval when the
	// server sends no usable Cache-Control max-age or Expires (Keycloak sends
	// "no-cache").
	DefaultRefreshInterval = 5 * time.Minute
	// DefaultRefreshCooldown is the least time between two on-demand
	// refreshes (unknown kid, failed signature).
	DefaultRefreshCooldown = 30 * time.Second
	// DefaultMaxStale is how long the last good keys keep serving while
	// fetches fail, counted from the last successful fetch.
	DefaultMaxStale = 24 * time.Hour
)

// Retry timing after a failed fetch: the delay starts at backoffBase and
// doubles per consecutive failure up to backoffMax, less up to a quarter of
// it at random.
const (
	backoffBase   = time.Second
	backoffMax    = 5 * time.Minute
	backoffJitter = 0.25
	// intervalJitter is the largest fraction taken off a refresh interval at
	// random, so that many instances do not refresh in step.
	intervalJitter = 0.1
	// minInterval is the least MinRefresh and RefreshCooldown accepted.
	minInterval = time.Second
)

// ErrConfig means a source's configuration is invalid. New functions wrap it.
var ErrConfig = errors.New("keysource: invalid configuration")

// FetchConfig holds the settings every remote source shares. The zero value
// is a sound production configuration.
type FetchConfig struct {
	// HTTPClient makes the requests. If nil, a client over
	// http.DefaultTransport. The source uses a copy whose CheckRedirect
	// refuses more than 5 redirects and any redirect to a URL that the URL
	// rules refuse (http to a non-loopback host, or a downgrade from https
	// to http, unless InsecureAllowHTTP); the client's own CheckRedirect, if
	// any, runs after those checks. Its Timeout, if set, also applies.
	HTTPClient *http.Client

	// Timeout bounds one fetch, from the request to the last body byte. If
	// zero, DefaultTimeout (10 s).
	Timeout time.Duration

	// MaxBodyBytes caps a response body; a larger body is a failed fetch. If
	// zero, DefaultMaxBodyBytes (1 MiB).
	MaxBodyBytes int64

	// MinRefresh and MaxRefresh clamp the background refresh interval taken
	// from Cache-Control max-age (less Age) or Expires. If zero,
	// DefaultMinRefresh (1 min) and DefaultMaxRefresh (24 h). MinRefresh
	// must be at least 1 s. The interval never exceeds MaxStale/2 either, so
	// that a healthy source never serves keys older than MaxStale.
	MinRefresh time.Duration
	MaxRefresh time.Duration

	// DefaultRefresh is the interval when the response has no max-age or
	// Expires, or says no-cache or no-store (which never means "fetch on
	// every request"). If zero, DefaultRefreshInterval (5 min). It must lie
	// within [MinRefresh, MaxRefresh]. Up to 10% is taken off every interval
	// at random (jitter).
	DefaultRefresh time.Duration

	// RefreshCooldown is the least time between two on-demand refreshes
	// (asked for by a verifier for an unknown kid or a failed signature).
	// During it such requests get the current set back at once. A kid a
	// fetch looked for and did not find is remembered for this long too,
	// no longer: afterwards a token with it triggers one refresh again. If
	// zero, DefaultRefreshCooldown (30 s); at least 1 s.
	RefreshCooldown time.Duration

	// MaxStale is how long the last good keys keep serving, counted from the
	// last successful fetch (a 304 counts), while fetches fail. After it, Keys
	// returns an error wrapping ErrUnavailable until a fetch succeeds. If
	// zero, DefaultMaxStale (24 h). It must be at least twice MinRefresh.
	MaxStale time.Duration

	// Eager starts the first fetch and the background refresh in the New
	// function. If false, they start with the first Keys, Refresh or Ready
	// call, and a source nobody asks runs no goroutine.
	Eager bool

	// InsecureAllowHTTP allows http URLs to any host (and redirects from
	// https to http). If false, URLs must be https, except to loopback hosts
	// (127.0.0.0/8, ::1, "localhost").
	InsecureAllowHTTP bool

	// Logger receives the source's logs: fetch failures and unusable keys
	// (weak, malformed, unsupported) at Warn, key changes at Info (the
	// first 5 added and removed kids and their counts; Hooks.KeysChanged
	// gets every key), routine
	// refreshes, keys published for another purpose (use "enc", key_ops
	// without "verify"), unknown kids and cooldown rejections at Debug. If nil, slog.Default(), so that a key outage is
	// never silent; pass slog.New(slog.DiscardHandler) to silence it.
	Logger *slog.Logger

	// Hooks are called on refreshes and key lookups, for metrics.
	Hooks Hooks

	// Clock drives the refresh schedule, cooldown, backoff and staleness. If
	// nil, the system clock.
	Clock Clock

	// UserAgent, when set, comes before "jwtguard/<Version>" in the
	// User-Agent header.
	UserAgent string

	// random returns a number in [0, 1) for jitter; nil means math/rand/v2.
	// Tests set it.
	random func() float64
}

// settings is a FetchConfig with defaults applied and checked.
type settings struct {
	client                             *http.Client
	timeout                            time.Duration
	maxBody                            int64
	minRefresh, maxRefresh, defRefresh time.Duration
	cooldown, maxStale                 time.Duration
	eager, insecure                    bool
	log                                *slog.Logger
	hooks                              Hooks
	clock                              Clock
	userAgent                          string
	random                             func() float64
}

func orDefault[T int64 | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// resolve applies the defaults and checks the result.
func (c FetchConfig) resolve() (settings, error) {
	s := settings{
		timeout:    orDefault(c.Timeout, DefaultTimeout),
		maxBody:    orDefault(c.MaxBodyBytes, DefaultMaxBodyBytes),
		minRefresh: orDefault(c.MinRefresh, DefaultMinRefresh),
		maxRefresh: orDefault(c.MaxRefresh, DefaultMaxRefresh),
		defRefresh: orDefault(c.DefaultRefresh, DefaultRefreshInterval),
		cooldown:   orDefault(c.RefreshCooldown, DefaultRefreshCooldown),
		maxStale:   orDefault(c.MaxStale, DefaultMaxStale),
		eager:      c.Eager,
		insecure:   c.InsecureAllowHTTP,
		log:        c.Logger,
		hooks:      c.Hooks,
		clock:      c.Clock,
		userAgent:  userAgent(c.UserAgent),
		random:     c.random,
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"Timeout", s.timeout}, {"MaxStale", s.maxStale}} {
		if d.v < 0 {
			return s, fmt.Errorf("%w: %s is negative (%s)", ErrConfig, d.name, d.v)
		}
	}
	if s.maxBody < 0 {
		return s, fmt.Errorf("%w: MaxBodyBytes is negative (%d)", ErrConfig, s.maxBody)
	}
	if s.minRefresh < minInterval {
		return s, fmt.Errorf("%w: MinRefresh %s is under %s", ErrConfig, s.minRefresh, minInterval)
	}
	if s.cooldown < minInterval {
		return s, fmt.Errorf("%w: RefreshCooldown %s is under %s", ErrConfig, s.cooldown, minInterval)
	}
	if s.maxRefresh < s.minRefresh {
		return s, fmt.Errorf("%w: MaxRefresh %s is under MinRefresh %s", ErrConfig, s.maxRefresh, s.minRefresh)
	}
	if s.maxStale < 2*s.minRefresh {
		// Refreshes come at least MinRefresh apart; keys that go stale
		// sooner would fail requests while the issuer is healthy.
		return s, fmt.Errorf("%w: MaxStale %s is under twice MinRefresh %s", ErrConfig, s.maxStale, s.minRefresh)
	}
	if s.defRefresh < s.minRefresh || s.defRefresh > s.maxRefresh {
		return s, fmt.Errorf("%w: DefaultRefresh %s is outside [MinRefresh %s, MaxRefresh %s]",
			ErrConfig, s.defRefresh, s.minRefresh, s.maxRefresh)
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.clock == nil {
		s.clock = systemClock{}
	}
	if s.random == nil {
		s.random = rand.Float64
	}
	s.client = redirectChecked(c.HTTPClient, s.insecure)
	return s, nil
}

// interval turns the server's caching hint (ok false: none) into the delay
// before the next background refresh: clamped, then jittered, never under
// MinRefresh.
func (s *settings) interval(hint time.Duration, ok bool) time.Duration {
	d := s.defRefresh
	if ok {
		d = hint
	}
	d = min(d, s.maxRefresh, s.maxStale/2)
	d -= time.Duration(float64(d) * intervalJitter * s.random())
	return max(d, s.minRefresh)
}

// backoff returns the delay before the retry that follows the n-th
// consecutive failure (n >= 1).
func (s *settings) backoff(n int) time.Duration {
	d := backoffMax
	if n <= 20 && backoffBase<<(n-1) < backoffMax {
		d = backoffBase << (n - 1)
	}
	return d - time.Duration(float64(d)*backoffJitter*s.random())
}
