package remotecheck

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jwtguard/jwtguard/verify"
)

// flight is one remote check of a token, shared by every caller that asks
// about that token while it runs. It runs on its own goroutine under a
// context of its own, so that the first caller leaving does not fail the
// others; it is canceled when the last caller has left. Its goroutine first
// takes a check slot (Options.MaxConcurrentChecks), waiting in line for one
// when all are taken, and holds it until it ends; callers who ask about the
// token meanwhile join the flight, queued or not.
type flight[C any] struct {
	done    chan struct{}
	answer  *answer[C] // set before done is closed
	waiters int        // guarded by Checker.mu
	cancel  context.CancelFunc
}

// await returns the answer of the remote check of token, starting the check
// or joining the one under way. It returns early, with a *verify.Error
// wrapping ctx.Err(), when ctx is done first.
func (c *Checker[C]) await(ctx context.Context, token string, tokenExp time.Time) (*answer[C], error) {
	if err := ctx.Err(); err != nil {
		return nil, &verify.Error{Reason: verify.ReasonCanceled, Err: err}
	}
	c.mu.Lock()
	f := c.flights[token]
	if f == nil {
		// The flight keeps the first caller's values (trace IDs, ...) but
		// not its cancellation.
		fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		f = &flight[C]{done: make(chan struct{}), cancel: cancel}
		token = strings.Clone(token) // the caller's string may pin a larger buffer
		c.flights[token] = f
		go c.run(fctx, f, token, tokenExp)
	}
	f.waiters++
	c.mu.Unlock()

	select {
	case <-f.done:
		return f.answer, nil
	case <-ctx.Done():
	}
	c.mu.Lock()
	f.waiters--
	if f.waiters == 0 {
		// Nobody wants the answer any more: stop asking, or stop waiting
		// for a slot. A later caller starts a new flight.
		f.cancel()
		if c.flights[token] == f {
			delete(c.flights, token)
		}
	}
	c.mu.Unlock()
	return nil, &verify.Error{Reason: verify.ReasonCanceled, Err: ctx.Err()}
}

// takeSlot takes a check slot, waiting for one at most Options.QueueTimeout
// and while ctx (the flight's) lasts. Waiters are served in the order they
// came.
func (c *Checker[C]) takeSlot(ctx context.Context) error {
	select {
	case c.slots <- struct{}{}:
		return nil
	default:
	}
	if c.s.queue <= 0 {
		return c.noSlot()
	}
	c.queued.Add(1)
	defer c.queued.Add(-1)
	t := time.NewTimer(c.s.queue)
	defer t.Stop()
	select {
	case c.slots <- struct{}{}:
		return nil
	case <-t.C:
		return c.noSlot()
	case <-ctx.Done():
		return &verify.Error{Reason: verify.ReasonCanceled, Err: ctx.Err()}
	}
}

// noSlot is the refusal of a check that found no free slot in time.
func (c *Checker[C]) noSlot() error {
	return &verify.Error{Reason: ReasonCheckUnavailable,
		Err: fmt.Errorf("%w: %d checks already under way (Options.MaxConcurrentChecks), none ended within %s (Options.QueueTimeout)",
			ErrCheckUnavailable, c.s.inFlight, max(c.s.queue, 0))}
}

// run takes a check slot, makes the remote check for a flight, caches the
// answer, reports it (log, OnCheck) and then wakes the callers. A panic on
// the way (in the check, decoding, a hook) is recovered into a 503 for the
// callers: nothing else would recover it on this goroutine, and the whole
// process would die.
func (c *Checker[C]) run(ctx context.Context, f *flight[C], token string, tokenExp time.Time) {
	defer f.cancel()
	var a *answer[C]
	defer func() {
		if p := recover(); p != nil {
			a = &answer[C]{token: token, err: c.panicked(ctx, "the remote check", p)}
		}
		c.land(f, token, a)
	}()
	if err := c.takeSlot(ctx); err != nil {
		a = &answer[C]{token: token, err: err}
		return
	}
	defer func() { <-c.slots }()
	a = c.checkToken(ctx, token, tokenExp)
}

// checkToken makes the remote check of token, caches the answer and reports it.
func (c *Checker[C]) checkToken(ctx context.Context, token string, tokenExp time.Time) *answer[C] {
	start := c.s.now()
	res, attempts, err := c.ask(ctx, token)
	now := c.s.now()

	var a *answer[C]
	cacheable := false
	if err != nil {
		var ve *verify.Error
		ve, cacheable = classify(ctx, err)
		a = &answer[C]{token: token, err: ve}
	} else if !res.Active {
		a, cacheable = &answer[C]{token: token, err: errInactive}, true
	} else {
		a, cacheable = c.decode(ctx, token, res, tokenExp)
	}
	if cacheable && c.cache != nil && ctx.Err() == nil {
		ttl := c.s.ttl
		if a.err != nil {
			ttl = c.s.negTTL
		}
		until := now.Add(ttl)
		if !a.exp.IsZero() && a.exp.Before(until) {
			// Never past the token's exp.
			until = a.exp
		}
		if ttl > 0 && now.Before(until) {
			a.until = until
			c.cache.put(a, now)
		}
	}

	if c.s.logger != nil {
		c.s.logger.LogAttrs(ctx, slog.LevelDebug, "remotecheck: answer",
			slog.Int("attempts", attempts), slog.String("reason", verify.Reason(a.err)))
	}
	if c.s.onCheck != nil {
		ev := CheckEvent{Attempts: attempts, Duration: now.Sub(start), Active: a.err == nil, Err: a.err}
		if a.err != nil {
			ev.Reason = verify.Reason(a.err)
		}
		c.s.onCheck(ev)
	}
	return a
}

// land hands a flight's answer to its callers.
func (c *Checker[C]) land(f *flight[C], token string, a *answer[C]) {
	c.mu.Lock()
	if c.flights[token] == f {
		delete(c.flights, token)
	}
	f.answer = a
	close(f.done)
	c.mu.Unlock()
}

// ask calls the Check, retrying transport failures. It returns the last
// result or error and the number of attempts made.
func (c *Checker[C]) ask(ctx context.Context, token string) (Result, int, error) {
	for attempt := 1; ; attempt++ {
		res, err := c.checkOnce(ctx, token)
		if err == nil || !retryable(err) || ctx.Err() != nil {
			return res, attempt, err
		}
		if attempt >= c.s.attempts {
			if c.s.logger != nil {
				c.s.logger.LogAttrs(ctx, slog.LevelWarn, "remotecheck: token check unavailable, giving up",
					slog.Int("attempts", attempt), slog.String("error", err.Error()))
			}
			return res, attempt, err
		}
		if c.s.logger != nil {
			c.s.logger.LogAttrs(ctx, slog.LevelWarn, "remotecheck: token check failed, retrying",
				slog.Int("attempt", attempt), slog.Duration("pause", c.s.pause), slog.String("error", err.Error()))
		}
		if serr := c.s.sleep(ctx, c.s.pause); serr != nil {
			return res, attempt, err
		}
	}
}

// checkOnce calls the Check once. A panic in it (a caller's Check or EPR
// Interpret) becomes ErrBadResponse, not retried.
func (c *Checker[C]) checkOnce(ctx context.Context, token string) (res Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = Result{}, c.panicked(ctx, "the Check", p)
		}
	}()
	return c.check.Check(ctx, token)
}
