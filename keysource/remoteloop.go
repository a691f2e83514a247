package keysource

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// run is the refresh goroutine: the first fetch at once, then one fetch each
// time the timer fires or an on-demand flight is pending, until Close.
func (r *Remote) run(ctx context.Context) {
	defer close(r.stopped)
	defer r.abandonPending()
	delay, rep := r.cycle(ctx)
	if rep.discarded {
		return
	}
	timer := r.cfg.clock.NewTimer(delay)
	defer timer.Stop()
	r.report(rep)
	for {
		select {
		case <-r.closing:
			return
		case <-timer.C():
		case <-r.wake:
			r.mu.Lock()
			pending := r.pending != nil
			r.mu.Unlock()
			if !pending {
				continue // a stale wake-up: its flight ran on the timer
			}
		}
		if ctx.Err() != nil {
			return
		}
		delay, rep = r.cycle(ctx)
		if rep.discarded {
			return
		}
		timer.Reset(delay)
		r.report(rep)
	}
}

// abandonPending releases the callers of a flight that will never run.
func (r *Remote) abandonPending() {
	r.mu.Lock()
	f := r.pending
	r.pending = nil
	r.mu.Unlock()
	if f != nil {
		close(f.done)
	}
}

// cycleReport is what a fetch tells the logs and hooks once the timer is set.
type cycleReport struct {
	event          RefreshEvent
	added, removed []*Key
	skipped        []error
	next           time.Time
	discarded      bool // cancelled by Close: nothing to report
}

// cycle runs one fetch for the pending flight (or a new scheduled one),
// publishes the outcome, releases the flight's callers and returns the delay
// before the next background fetch.
func (r *Remote) cycle(ctx context.Context) (time.Duration, cycleReport) {
	old := r.state.Load()
	r.mu.Lock()
	f := r.pending
	if f == nil {
		t := TriggerScheduled
		if old.failures > 0 {
			t = TriggerRetry
		}
		f = newFlight(t)
		r.pending = f
	}
	r.mu.Unlock()

	if h := r.cfg.hooks.RefreshStart; h != nil {
		h(r.name, f.trigger)
	}
	began := time.Now()
	res := r.fetch(ctx, old.set)
	rep := cycleReport{
		event:   RefreshEvent{Source: r.name, Trigger: f.trigger, Outcome: res.outcome, Duration: time.Since(began), Err: res.err},
		added:   res.added,
		removed: res.removed,
		skipped: res.skipped,
	}
	now := r.cfg.clock.Now()
	next := &snapshot{set: old.set, lastSuccess: old.lastSuccess, lastAttempt: now}
	var delay, wait time.Duration
	if res.err == nil {
		next.set = res.set
		next.lastSuccess = now
		delay = r.cfg.interval(res.hint, res.hinted)
	} else {
		if ctx.Err() != nil { // Close cancelled the fetch
			rep.discarded = true
			return 0, rep
		}
		next.lastErr = res.err
		next.failures = old.failures + 1
		delay = r.cfg.backoff(next.failures)
		var se *StatusError
		if errors.As(res.err, &se) && se.RetryAfter > 0 {
			// Retry-After is honoured up to the backoff maximum, with keys
			// or without: a server (or whoever answers for it) asking for
			// a day must not freeze the source for a day.
			wait = min(se.RetryAfter, backoffMax)
			// Nor let the keys go stale without another attempt.
			if next.set != nil {
				left := next.lastSuccess.Add(r.cfg.maxStale).Sub(now)
				wait = min(wait, max(left/2, r.cfg.backoff(next.failures)))
			}
			delay = max(delay, wait)
		}
		if r.doc.failed != nil {
			r.doc.failed()
		}
	}
	next.nextRefresh = now.Add(delay)
	rep.next = next.nextRefresh
	if next.set != nil {
		rep.event.Keys = next.set.Len()
	}

	r.mu.Lock()
	r.state.Store(next)
	r.pending = nil
	r.attempted = true
	if wait > 0 {
		// On-demand refreshes (a new kid, a rotated PEM key) wait for it a
		// cooldown at most: they are rate-limited by the cooldown anyway,
		// and a rotation must not stay invisible for the whole Retry-After.
		r.notBefore = now.Add(min(wait, r.cfg.cooldown))
	}
	if res.err == nil {
		// A kid not found is remembered for one cooldown only: the issuer
		// may publish it a moment later (a token with the next kid can
		// arrive before the rotation), and the next background refresh
		// may be hours away.
		r.absent, r.absentUntil = nil, now.Add(r.cfg.cooldown)
		for kid := range f.kids {
			if next.set.ByID(kid) == nil {
				if r.absent == nil {
					r.absent = make(map[string]struct{}, len(f.kids))
				}
				r.absent[kid] = struct{}{}
			}
		}
		if old.set == nil {
			close(r.ready)
		}
	}
	r.mu.Unlock()
	close(f.done)
	return delay, rep
}

// report logs a finished fetch and calls the hooks.
func (r *Remote) report(rep cycleReport) {
	if rep.discarded {
		return
	}
	ev := rep.event
	ctx := context.Background()
	for _, err := range rep.skipped {
		r.log.LogAttrs(ctx, skipLevel(err), "key skipped", slog.String("error", err.Error()))
	}
	if ev.Err != nil {
		r.log.LogAttrs(ctx, slog.LevelWarn, "key fetch failed",
			slog.String("trigger", ev.Trigger.String()), slog.String("error", ev.Err.Error()),
			slog.Int("keys", ev.Keys), slog.Time("retry_at", rep.next))
	} else {
		r.log.LogAttrs(ctx, slog.LevelDebug, "keys refreshed",
			slog.String("trigger", ev.Trigger.String()), slog.String("outcome", ev.Outcome.String()),
			slog.Duration("duration", ev.Duration), slog.Int("keys", ev.Keys), slog.Time("next", rep.next))
	}
	if len(rep.added) > 0 || len(rep.removed) > 0 {
		r.log.LogAttrs(ctx, slog.LevelInfo, "keys changed",
			slog.Any("added", loggedKids(rep.added)), slog.Int("added_count", len(rep.added)),
			slog.Any("removed", loggedKids(rep.removed)), slog.Int("removed_count", len(rep.removed)),
			slog.Int("keys", ev.Keys))
		if h := r.cfg.hooks.KeysChanged; h != nil {
			h(r.name, rep.added, rep.removed)
		}
	}
	if h := r.cfg.hooks.RefreshEnd; h != nil {
		h(ev)
	}
}

// maxLoggedKids is how many kids a "keys changed" line names per direction;
// the line also counts them all. A set of 1,000 keys would otherwise write
// an 11 KB Info line.
const maxLoggedKids = 5

// loggedKids names at most maxLoggedKids of keys for the "keys changed"
// line, each cut to maxHookKIDBytes bytes like every kid the source logs
// (kids come from the issuer's document, whose size alone is capped).
func loggedKids(keys []*Key) []string {
	names := keyNames(keys[:min(len(keys), maxLoggedKids)])
	for i, n := range names {
		names[i] = truncate(n, maxHookKIDBytes)
	}
	return names
}

// keyNames names keys for a log: their kids, "(no kid)" for the others.
func keyNames(keys []*Key) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.ID()
		if out[i] == "" {
			out[i] = "(no kid)"
		}
	}
	return out
}

// fetchResult is the outcome of one fetch.
type fetchResult struct {
	set            *Set
	outcome        Outcome
	err            error
	hint           time.Duration
	hinted         bool
	added, removed []*Key
	skipped        []error
}

// fetch gets the key document, conditionally when the last one had
// validators, and turns it into a set. It runs on the refresh goroutine only.
func (r *Remote) fetch(ctx context.Context, old *Set) fetchResult {
	fail := func(err error) fetchResult { return fetchResult{outcome: OutcomeFailed, err: err} }
	target, err := r.doc.target(ctx)
	if err != nil {
		return fail(err)
	}
	cond := r.cond
	if target != r.condURL || old == nil {
		cond = validators{}
	}
	resp, err := r.getter.get(ctx, target, r.doc.accept, cond)
	if err != nil {
		return fail(err)
	}
	hint, hinted := resp.hint, resp.hinted
	if resp.notModified {
		if !hinted { // a 304 without caching headers keeps the last ones
			hint, hinted = r.lastHint.d, r.lastHint.ok
		}
		r.lastHint.d, r.lastHint.ok = hint, hinted
		if resp.validators != (validators{}) {
			r.cond = resp.validators
		}
		return fetchResult{set: old, outcome: OutcomeNotModified, hint: hint, hinted: hinted}
	}
	sum := sha256.Sum256(resp.body)
	res := fetchResult{set: old, outcome: OutcomeUnchanged, hint: hint, hinted: hinted}
	if old == nil || sum != r.bodyHash {
		r.parses.Add(1)
		keys, skipped, err := r.doc.parse(resp.body)
		if err != nil {
			return fail(fmt.Errorf("keysource: %s: %w", target, err))
		}
		res.set, res.added, res.removed, res.skipped, err = buildSet(old, keys, skipped)
		if err != nil {
			return fetchResult{outcome: OutcomeFailed, err: fmt.Errorf("keysource: %s: %w", target, err), skipped: res.skipped}
		}
		if res.set != old {
			res.outcome = OutcomeUpdated
		}
	}
	r.bodyHash = sum
	r.cond, r.condURL = resp.validators, target
	r.lastHint.d, r.lastHint.ok = hint, hinted
	return res
}

// skipLevel is the log level of a skipped key: a key published for another
// purpose (Keycloak's RSA-OAEP encryption key, say) is expected and logged at
// Debug; a key that should have served but cannot (weak, malformed,
// unsupported) at Warn.
func skipLevel(err error) slog.Level {
	var ke *KeyError
	if errors.As(err, &ke) {
		switch ke.Rule {
		case "use-enc", "use", "key-ops":
			return slog.LevelDebug
		}
	}
	return slog.LevelWarn
}
