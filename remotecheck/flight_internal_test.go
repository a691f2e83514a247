package remotecheck

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/verify"
)

// blockingCheck answers once release is closed, counting its calls and
// reporting each call's ctx on started.
type blockingCheck struct {
	calls   atomic.Int64
	started chan context.Context
	release chan struct{}
}

func newBlockingCheck() *blockingCheck {
	return &blockingCheck{started: make(chan context.Context, 16), release: make(chan struct{})}
}

func (b *blockingCheck) Check(ctx context.Context, _ string) (Result, error) {
	b.calls.Add(1)
	b.started <- ctx
	select {
	case <-b.release:
		return Result{Active: true, Claims: []byte(`{"sub":"alice"}`)}, nil
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}

// waitWaiters waits until n callers wait for the flight of token.
func waitWaiters[C any](t *testing.T, c *Checker[C], token string, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c.mu.Lock()
		f := c.flights[token]
		got := 0
		if f != nil {
			got = f.waiters
		}
		c.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d waiters, want %d", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestConcurrentChecksMerged(t *testing.T) {
	const n = 20
	chk := newBlockingCheck()
	c, err := New(Config[claims.Registered]{Check: chk, Options: Options{CacheSize: -1}})
	require.NoError(t, err)

	var wg sync.WaitGroup
	subs := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			got, err := c.Verify(context.Background(), "tok")
			errs[i] = err
			if got != nil {
				subs[i] = got.Subject
			}
		})
	}
	waitWaiters(t, c, "tok", n)
	close(chk.release)
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		require.Equal(t, "alice", subs[i])
	}
	require.EqualValues(t, 1, chk.calls.Load())
	require.Empty(t, c.flights)
}

func TestWaitersRespectTheirContext(t *testing.T) {
	chk := newBlockingCheck()
	c, err := New(Config[claims.Registered]{Check: chk})
	require.NoError(t, err)

	leaderCtx, cancelLeader := context.WithCancel(context.Background())
	leaderErr := make(chan error, 1)
	go func() {
		_, err := c.Verify(leaderCtx, "tok")
		leaderErr <- err
	}()
	flightCtx := <-chk.started

	follower := make(chan error, 1)
	go func() {
		got, err := c.Verify(context.Background(), "tok")
		if err == nil && got.Subject != "alice" {
			err = fmt.Errorf("subject %q", got.Subject)
		}
		follower <- err
	}()
	waitWaiters(t, c, "tok", 2)

	cancelLeader()
	err = <-leaderErr
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, verify.ReasonCanceled, verify.Reason(err))
	require.NoError(t, flightCtx.Err(), "the check goes on for the other caller")

	close(chk.release)
	require.NoError(t, <-follower)
	require.EqualValues(t, 1, chk.calls.Load())
}

func TestLastWaiterLeavingCancelsTheCheck(t *testing.T) {
	chk := newBlockingCheck()
	c, err := New(Config[claims.Registered]{Check: chk})
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.Verify(ctx, "tok")
		done <- err
	}()
	flightCtx := <-chk.started
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	<-flightCtx.Done()
	require.ErrorIs(t, context.Cause(flightCtx), context.Canceled)

	// A canceled check leaves nothing in the cache; the next caller asks
	// afresh.
	next := make(chan error, 1)
	go func() {
		_, err := c.Verify(context.Background(), "tok")
		next <- err
	}()
	<-chk.started
	close(chk.release)
	require.NoError(t, <-next)
	require.EqualValues(t, 2, chk.calls.Load())
}

func TestCanceledBeforeAsking(t *testing.T) {
	chk := newBlockingCheck()
	c, err := New(Config[claims.Registered]{Check: chk})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.Verify(ctx, "tok")
	require.ErrorIs(t, err, context.Canceled)
	require.Zero(t, chk.calls.Load())
}

func TestAnswerCacheBounded(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	c := newAnswerCache[claims.Registered](64)
	for i := range 1000 {
		c.put(&answer[claims.Registered]{token: fmt.Sprint("tok-", i), until: now.Add(time.Minute)}, now)
	}
	require.LessOrEqual(t, c.len(), 64)
}

func TestAnswerCacheEvictsDeadFirst(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	c := newAnswerCache[claims.Registered](16) // one entry per shard
	live := &answer[claims.Registered]{token: "live", until: now.Add(time.Minute)}
	c.put(live, now)
	require.Same(t, live, c.get("live", now))
	require.Nil(t, c.get("other", now), "an entry is confirmed against the whole token")
	require.Nil(t, c.get("live", now.Add(time.Minute)), "dead at until")
	require.Zero(t, c.len(), "a dead entry is removed when found")
}

func TestClassifyKeepsInactiveValue(t *testing.T) {
	ve, cacheable := classify(context.Background(), errInactive)
	require.Same(t, errInactive, ve)
	require.True(t, cacheable)
	require.True(t, errors.Is(ve, ErrInactive))
}
