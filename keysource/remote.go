package keysource

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Remote is a key source that fetches its keys over HTTP: a JWKS URL
// (NewJWKS), the JWKS found by OpenID Connect discovery (NewOIDC), or a PEM
// URL (NewPEM). It is safe for concurrent use.
//
// Keys answers from an immutable snapshot without a lock. A background
// goroutine refreshes the keys on the interval the server's caching headers
// give (clamped, jittered), with conditional requests. A verifier's Refresh
// for an unknown kid or a failed signature triggers one on-demand fetch,
// shared by concurrent callers, at most once per RefreshCooldown. While
// fetches fail the last good keys keep serving for MaxStale, then Keys fails
// with ErrUnavailable; retries back off exponentially and honour
// Retry-After up to the backoff maximum (5 min), and an on-demand refresh
// waits for a Retry-After one RefreshCooldown at most. Close stops every
// goroutine.
type Remote struct {
	name   string
	cfg    settings
	doc    document
	getter httpGetter
	log    *slog.Logger

	state atomic.Pointer[snapshot]

	mu           sync.Mutex
	started      bool
	closed       bool
	attempted    bool                // a fetch has finished (so the first one did)
	pending      *flight             // the fetch running or about to run, or nil
	lastOnDemand time.Time           // start of the last on-demand refresh
	notBefore    time.Time           // no on-demand refresh before (Retry-After, at most a cooldown)
	absent       map[string]struct{} // kids the last fetch looked for and did not find
	absentUntil  time.Time           // absent is forgotten then: one cooldown after that fetch
	cancelRun    context.CancelFunc

	wake    chan struct{} // an on-demand flight is pending
	closing chan struct{} // closed by Close
	stopped chan struct{} // closed when the refresh goroutine ends
	ready   chan struct{} // closed on the first successful fetch

	// Owned by the refresh goroutine.
	cond     validators
	condURL  string
	bodyHash [sha256.Size]byte
	lastHint struct {
		d  time.Duration
		ok bool
	}

	parses atomic.Int64 // documents parsed, for tests
}

// document says where a source's keys are and how to read them.
type document struct {
	name   string
	accept string
	// target returns the URL of the key document (OIDC discovers it).
	target func(ctx context.Context) (string, error)
	// failed, if not nil, learns that a fetch failed.
	failed func()
	parse  func([]byte) ([]*Key, []error, error)
}

// snapshot is what the refresh goroutine publishes; it is never modified.
type snapshot struct {
	set         *Set
	lastSuccess time.Time
	lastAttempt time.Time
	lastErr     error
	failures    int
	nextRefresh time.Time
}

// flight is one fetch that callers wait for.
type flight struct {
	done    chan struct{}
	trigger Trigger
	kids    map[string]struct{} // unknown kids waiting on it
}

// Bounds on what untrusted kids can make the source remember.
const (
	maxAbsentKIDs = 1024
	maxKIDBytes   = 256
	// maxHookKIDBytes bounds a kid given to the UnknownKID hook or written
	// to a log.
	maxHookKIDBytes = 64
)

func newFlight(t Trigger) *flight { return &flight{done: make(chan struct{}), trigger: t} }

func newRemote(doc document, s settings) *Remote {
	r := &Remote{
		name: doc.name,
		cfg:  s,
		doc:  doc,
		getter: httpGetter{
			client:    s.client,
			timeout:   s.timeout,
			maxBody:   s.maxBody,
			userAgent: s.userAgent,
			clock:     s.clock,
		},
		log:     s.log.With("keysource", doc.name),
		wake:    make(chan struct{}, 1),
		closing: make(chan struct{}),
		stopped: make(chan struct{}),
		ready:   make(chan struct{}),
	}
	r.state.Store(&snapshot{})
	return r
}

// startEager starts the refresh goroutine when the configuration says Eager.
func (r *Remote) startEager() {
	if r.cfg.eager {
		r.mu.Lock()
		r.startLocked()
		r.mu.Unlock()
	}
}

// startLocked starts the refresh goroutine, whose first act is the first
// fetch, unless it runs or the source is closed. r.mu is held.
func (r *Remote) startLocked() {
	if r.started || r.closed {
		return
	}
	r.started = true
	r.pending = newFlight(TriggerFirst)
	ctx, cancel := context.WithCancel(context.Background())
	r.cancelRun = cancel
	go r.run(ctx)
}

// Name returns the source's name: its URL, or the issuer of an OIDC source.
func (r *Remote) Name() string { return r.name }

// Keys returns the current key set. Before the first successful fetch it
// starts the fetch (lazy sources) and waits for it, bounded by ctx;
// concurrent callers share that fetch, which goes on, bounded by Timeout,
// when a caller's ctx ends first. When the first fetch failed, Keys
// answers an error wrapping ErrUnavailable at once until a background retry
// succeeds. Afterwards it answers from memory without blocking, or with
// ErrUnavailable once the keys are older than MaxStale.
func (r *Remote) Keys(ctx context.Context) (*Set, error) {
	s := r.state.Load()
	if s.set != nil {
		return r.fresh(s)
	}
	return r.firstKeys(ctx)
}

// fresh returns s.set unless it is older than MaxStale.
func (r *Remote) fresh(s *snapshot) (*Set, error) {
	if age := r.cfg.clock.Now().Sub(s.lastSuccess); age > r.cfg.maxStale {
		return nil, fmt.Errorf("%w: keys from %s are %s old, more than MaxStale %s; last error: %v",
			ErrUnavailable, r.name, age.Round(time.Second), r.cfg.maxStale, s.lastErr)
	}
	return s.set, nil
}

func (r *Remote) firstKeys(ctx context.Context) (*Set, error) {
	r.mu.Lock()
	if s := r.state.Load(); s.set != nil {
		r.mu.Unlock()
		return r.fresh(s)
	}
	if r.closed {
		r.mu.Unlock()
		return nil, r.closedErr()
	}
	r.startLocked()
	if r.attempted {
		s := r.state.Load()
		r.mu.Unlock()
		return nil, fmt.Errorf("%w: no keys fetched from %s yet: %v", ErrUnavailable, r.name, s.lastErr)
	}
	f := r.pending
	r.mu.Unlock()
	if err := r.wait(ctx, f); err != nil {
		return nil, err
	}
	s := r.state.Load()
	if s.set == nil {
		if s.lastErr == nil {
			return nil, r.closedErr()
		}
		return nil, fmt.Errorf("%w: first fetch from %s failed: %v", ErrUnavailable, r.name, s.lastErr)
	}
	return r.fresh(s)
}

func (r *Remote) closedErr() error {
	return fmt.Errorf("%w: source %s is closed", ErrUnavailable, r.name)
}

// wait waits for f or ctx, whichever comes first.
func (r *Remote) wait(ctx context.Context, f *flight) error {
	select {
	case <-f.done:
		return nil
	default:
	}
	select {
	case <-f.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("keysource: waiting for keys from %s: %w", r.name, ctx.Err())
	}
}

// Refresh implements Source. It returns at once with the set the source
// holds when that is not hint.Current (a newer set is there), when the last
// fetch looked for the kid and did not find it less than RefreshCooldown
// ago, or during the cooldown after an on-demand refresh (or a server's
// Retry-After, which holds on-demand refreshes back for a cooldown at most).
// Otherwise it joins the fetch in flight or starts one, and waits for it
// bounded by ctx; the fetch itself is bounded by Timeout.
func (r *Remote) Refresh(ctx context.Context, hint RefreshHint) (*Set, error) {
	s := r.state.Load()
	if s.set == nil {
		return r.Keys(ctx)
	}
	if _, err := r.fresh(s); err != nil {
		return nil, err
	}
	if hint.Current != s.set {
		return s.set, nil
	}
	unknown := hint.Reason == RefreshUnknownKID && hint.KID != ""
	trigger := TriggerSignature
	if unknown {
		if s.set.ByID(hint.KID) != nil {
			return s.set, nil
		}
		trigger = TriggerUnknownKID
		if h := r.cfg.hooks.UnknownKID; h != nil {
			// The kid is the client's to choose: cut it, so that a metrics
			// label cannot be flooded through it.
			h(r.name, truncate(hint.KID, maxHookKIDBytes))
		}
	}

	r.mu.Lock()
	if cur := r.state.Load(); cur.set != s.set {
		r.mu.Unlock()
		return r.fresh(cur)
	}
	if unknown && r.cfg.clock.Now().Before(r.absentUntil) {
		if _, ok := r.absent[hint.KID]; ok {
			r.mu.Unlock()
			r.debug(ctx, "unknown kid already looked for", hint)
			return s.set, nil
		}
	}
	f := r.pending
	if f == nil && r.closed {
		r.mu.Unlock()
		return s.set, nil
	}
	if f == nil {
		now := r.cfg.clock.Now()
		coolUntil := r.lastOnDemand.Add(r.cfg.cooldown)
		if (!r.lastOnDemand.IsZero() && now.Before(coolUntil)) || now.Before(r.notBefore) {
			r.mu.Unlock()
			if h := r.cfg.hooks.CooldownRejected; h != nil {
				h(r.name, hint.Reason)
			}
			r.debug(ctx, "refresh refused during cooldown", hint)
			return s.set, nil
		}
		f = newFlight(trigger)
		r.pending = f
		r.lastOnDemand = now
		select {
		case r.wake <- struct{}{}:
		default:
		}
	}
	if unknown && len(hint.KID) <= maxKIDBytes && len(f.kids) < maxAbsentKIDs {
		if f.kids == nil {
			f.kids = make(map[string]struct{})
		}
		f.kids[hint.KID] = struct{}{}
	}
	r.mu.Unlock()

	if err := r.wait(ctx, f); err != nil {
		return nil, err
	}
	return r.fresh(r.state.Load())
}

func (r *Remote) debug(ctx context.Context, msg string, hint RefreshHint) {
	if r.log.Enabled(ctx, slog.LevelDebug) {
		r.log.LogAttrs(ctx, slog.LevelDebug, msg, slog.String("reason", hint.Reason.String()), slog.String("kid", truncate(hint.KID, maxHookKIDBytes)))
	}
}

// Ready waits until the first fetch has succeeded, starting it if the source
// is lazy. Failed attempts are retried in the background meanwhile. It
// returns nil at once once the source has had keys, and otherwise an error
// wrapping both ctx's error and ErrUnavailable when ctx ends first.
func (r *Remote) Ready(ctx context.Context) error {
	r.mu.Lock()
	closed := r.closed
	r.startLocked()
	r.mu.Unlock()
	select {
	case <-r.ready:
		return nil
	default:
	}
	if closed {
		return r.closedErr()
	}
	select {
	case <-r.ready:
		return nil
	case <-r.closing:
		return r.closedErr()
	case <-ctx.Done():
		return fmt.Errorf("keysource: %s not ready: %w: %w (last error: %v)",
			r.name, ctx.Err(), ErrUnavailable, r.state.Load().lastErr)
	}
}

// Close stops the refresh goroutine, cancelling a fetch in flight, and waits
// for it to end. Callers waiting for that fetch get the keys the source had.
// Afterwards the source fetches nothing: Keys keeps answering with the last
// keys until they are older than MaxStale. Close is idempotent and always
// returns nil.
func (r *Remote) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		<-r.stoppedIfStarted()
		return nil
	}
	r.closed = true
	cancel := r.cancelRun
	r.mu.Unlock()
	close(r.closing)
	if cancel != nil {
		cancel()
	}
	<-r.stoppedIfStarted()
	return nil
}

// stoppedIfStarted returns a channel that is closed once no goroutine of the
// source runs.
func (r *Remote) stoppedIfStarted() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		return r.stopped
	}
	done := make(chan struct{})
	close(done)
	return done
}

// truncate cuts a client-chosen string to at most n bytes for logs and
// hooks, on a rune boundary (a kid from a token is valid UTF-8, and a cut
// must not break it), and marks the cut with "...".
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
