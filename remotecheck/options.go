package remotecheck

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/jwtguard/jwtguard/revocation"
	"github.com/jwtguard/jwtguard/verify"
)

// Defaults applied to zero fields of Options.
const (
	// DefaultMaxTokenBytes is the longest token accepted, 16 KiB.
	DefaultMaxTokenBytes = verify.DefaultMaxTokenBytes
	// DefaultLeeway is the clock skew tolerated on exp and nbf.
	DefaultLeeway = verify.DefaultLeeway
	// DefaultCacheTTL is how long a positive answer is remembered.
	DefaultCacheTTL = 30 * time.Second
	// DefaultNegativeCacheTTL is how long a negative answer is remembered.
	DefaultNegativeCacheTTL = 5 * time.Second
	// DefaultCacheSize is how many answers are remembered.
	DefaultCacheSize = 1024
	// DefaultAttempts is how many times a check is tried when the issuer
	// cannot be reached.
	DefaultAttempts = 3
	// DefaultRetryPause is the pause between two attempts.
	DefaultRetryPause = 500 * time.Millisecond
	// MaxAttempts is the largest Attempts that New accepts.
	MaxAttempts = 10
	// DefaultMaxConcurrentChecks is how many remote checks may be under way
	// at once.
	DefaultMaxConcurrentChecks = 64
	// DefaultQueueTimeout is how long a check waits for a free slot when
	// all MaxConcurrentChecks are taken.
	DefaultQueueTimeout = 2 * time.Second
)

// Options are the settings of the checking mechanism that do not depend on
// the issuer: limits, cache, retries, clock and hooks. The zero value is
// ready to use.
type Options struct {
	// MaxTokenBytes is the longest token accepted; a longer one is refused
	// (verify.ErrTooLarge) before any call. If zero, DefaultMaxTokenBytes
	// (16 KiB).
	MaxTokenBytes int

	// Leeway is the clock skew tolerated on exp and nbf. If zero,
	// DefaultLeeway (60 s); a negative value means none.
	Leeway time.Duration

	// CacheTTL is how long a positive answer is remembered, and so the
	// longest a token stays accepted after its logout or revocation. An
	// answer is never kept past the token's exp (read from the claims or,
	// unverified, from the token itself). If zero, DefaultCacheTTL (30 s);
	// a negative value turns off the caching of positive answers.
	CacheTTL time.Duration

	// NegativeCacheTTL is how long a negative answer (inactive, or claims
	// that failed a check) is remembered, so that a refused token presented
	// again is refused without a call. Keep it short: a token wrongly found
	// inactive stays refused that long. If zero, DefaultNegativeCacheTTL
	// (5 s); a negative value turns off the caching of negative answers.
	// Failures to reach the issuer are never cached.
	NegativeCacheTTL time.Duration

	// CacheSize is how many answers are remembered (rounded down to a
	// multiple of 16, and at least 16: the cache has 16 shards). If zero,
	// DefaultCacheSize (1024); a negative value turns the cache off. Each
	// entry holds the whole token, so the memory bound is about
	// CacheSize × MaxTokenBytes plus the claims.
	CacheSize int

	// Attempts is how many times a check is tried when it fails with a
	// retryable error (ErrCheckUnavailable: connection errors, timeouts,
	// 5xx, 429). If zero, DefaultAttempts (3). It must be at most
	// MaxAttempts; 1 means no retry.
	Attempts int

	// MaxConcurrentChecks bounds the remote checks under way at once (one
	// per distinct token; callers asking about the same token share one),
	// so that a flood of distinct tokens cannot turn into a flood of
	// requests to the issuer. A token that would start one more waits for
	// a free slot, first come first served, for at most QueueTimeout and
	// while its ctx lasts. If zero, DefaultMaxConcurrentChecks (64).
	MaxConcurrentChecks int

	// QueueTimeout is how long a check that finds every one of the
	// MaxConcurrentChecks slots taken waits for one before it is refused
	// with ErrCheckUnavailable (503). Waiting lets legitimate tokens
	// through a flood of tokens that only the issuer can refuse, as long
	// as the issuer answers; it bounds the extra latency such a flood
	// adds. If zero, DefaultQueueTimeout (2 s); a negative value means no
	// waiting: refused at once.
	QueueTimeout time.Duration

	// RetryPause is the pause between two attempts; it ends early when
	// every caller waiting for the check has gone. If zero,
	// DefaultRetryPause (500 ms); a negative value means no pause.
	RetryPause time.Duration

	// Revocation, if set, is asked about every positive answer, fresh or
	// from the cache, after the time checks and the validators, so that a
	// cached answer does not outlive a revocation (a logout, an operator's
	// revoke). It matches on the answer's claims (for EPR, the token's own
	// payload): iss, jti, sub, sid or session_state, azp or client_id, iat;
	// an answer without iss matches no entry. A revoked token is refused
	// with verify.ErrRevoked (reason "revoked", 401 in the middleware); a
	// checker that cannot know refuses it with
	// verify.ErrRevocationUnavailable (reason "revocation_unavailable",
	// 503). Neither refusal is cached. If nil, nothing is revoked.
	Revocation revocation.Checker

	// Now returns the current time, for exp, nbf and the cache. If nil,
	// time.Now.
	Now func() time.Time

	// Sleep pauses for d, or until ctx is done, when it returns
	// ctx.Err(). It is used between attempts. If nil, a timer on the
	// system clock.
	Sleep func(ctx context.Context, d time.Duration) error

	// Logger receives a Warn record for each failed attempt and for a check
	// that gave up, a Debug record for each remote answer, and an Error
	// record for each recovered panic and each token an introspection
	// endpoint refused to check (ErrCheckRefused). It never records the
	// token or the claims. If nil, nothing is logged.
	Logger *slog.Logger

	// OnCheck is called once for every remote check (not for cache hits or
	// tokens refused before the call), after the last attempt, on the
	// goroutine that made the call, before the waiting callers are woken.
	// Use it for metrics. It must be fast.
	// If nil, nothing is called.
	OnCheck func(CheckEvent)
}

// CheckEvent describes one remote check for Options.OnCheck.
type CheckEvent struct {
	// Attempts is how many times the issuer was asked.
	Attempts int
	// Duration is the time from the first attempt to the answer, pauses
	// included, by Options.Now.
	Duration time.Duration
	// Active is true when the issuer vouched for the token.
	Active bool
	// Reason is the stable reason of the refusal, as verify.Reason gives it
	// ("inactive", "check_unavailable", ...); "" when Active.
	Reason string
	// Err is the error of a refused token, nil when Active. It never holds
	// the token, but may name internals: keep it out of responses.
	Err error
}

// settings is Options after defaults and validation.
type settings struct {
	maxBytes  int
	leeway    time.Duration
	ttl       time.Duration // <= 0: positive answers not cached
	negTTL    time.Duration // <= 0: negative answers not cached
	cacheSize int           // <= 0: no cache
	attempts  int
	inFlight  int
	queue     time.Duration // <= 0: no waiting for a slot
	pause     time.Duration
	now       func() time.Time
	sleep     func(context.Context, time.Duration) error
	logger    *slog.Logger
	onCheck   func(CheckEvent)
	// revocation is Options.Revocation; nil: not asked.
	revocation revocation.Checker
}

func (o *Options) settings() (*settings, error) {
	s := &settings{
		maxBytes:  o.MaxTokenBytes,
		leeway:    orDefault(o.Leeway, DefaultLeeway),
		ttl:       orDefault(o.CacheTTL, DefaultCacheTTL),
		negTTL:    orDefault(o.NegativeCacheTTL, DefaultNegativeCacheTTL),
		cacheSize: o.CacheSize,
		attempts:  o.Attempts,
		inFlight:  o.MaxConcurrentChecks,
		queue:     orDefault(o.QueueTimeout, DefaultQueueTimeout),
		pause:     orDefault(o.RetryPause, DefaultRetryPause),
		now:       o.Now,
		sleep:     o.Sleep,
		logger:    o.Logger,
		onCheck:   o.OnCheck,

		revocation: o.Revocation,
	}
	switch {
	case s.maxBytes < 0:
		return nil, errors.New("remotecheck: Options.MaxTokenBytes is negative")
	case s.maxBytes == 0:
		s.maxBytes = DefaultMaxTokenBytes
	}
	if s.cacheSize == 0 {
		s.cacheSize = DefaultCacheSize
	}
	switch {
	case s.attempts < 0:
		return nil, errors.New("remotecheck: Options.Attempts is negative")
	case s.attempts > MaxAttempts:
		return nil, errors.New("remotecheck: Options.Attempts is over MaxAttempts")
	case s.attempts == 0:
		s.attempts = DefaultAttempts
	}
	switch {
	case s.inFlight < 0:
		return nil, errors.New("remotecheck: Options.MaxConcurrentChecks is negative")
	case s.inFlight == 0:
		s.inFlight = DefaultMaxConcurrentChecks
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.sleep == nil {
		s.sleep = sleep
	}
	return s, nil
}

// orDefault returns def for zero, 0 for a negative d (off, or none) and d
// otherwise.
func orDefault(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return 0
	}
	return d
}

// sleep waits for d on the system clock, or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
