package remotecheck

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/verify"
)

// waitQueued waits until n callers wait for a check slot.
func waitQueued[C any](t *testing.T, c *Checker[C], n int) {
	t.Helper()
	require.Eventually(t, func() bool { return c.queued.Load() == int64(n) }, 5*time.Second, time.Millisecond)
}

// TestQueueForSlot: a check that finds every slot taken waits for one; it
// gives up after QueueTimeout (503) or when its own ctx ends (canceled),
// and takes the slot when one frees in time.
func TestQueueForSlot(t *testing.T) {
	tests := []struct {
		name    string
		queue   time.Duration
		cancel  bool // the waiting caller's ctx ends
		release bool // the slot frees while the caller waits
		want    error
		reason  string
	}{
		{name: "slot frees in time", queue: time.Minute, release: true},
		{name: "queue timeout", queue: 20 * time.Millisecond, want: ErrCheckUnavailable, reason: ReasonCheckUnavailable},
		{name: "no waiting", queue: -1, want: ErrCheckUnavailable, reason: ReasonCheckUnavailable},
		{name: "caller leaves", queue: time.Minute, cancel: true, want: context.Canceled, reason: verify.ReasonCanceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBlockingCheck()
			c, err := New(Config[claims.Map]{Check: b, Options: Options{MaxConcurrentChecks: 1, QueueTimeout: tt.queue}})
			require.NoError(t, err)
			first := make(chan error, 1)
			go func() { _, err := c.Verify(context.Background(), "tok-a"); first <- err }()
			<-b.started

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			second := make(chan error, 1)
			go func() { _, err := c.Verify(ctx, "tok-b"); second <- err }()
			if tt.cancel || tt.release {
				waitQueued(t, c, 1)
			}
			if tt.cancel {
				cancel()
			}
			if tt.release {
				close(b.release)
			}
			err = <-second
			waitQueued(t, c, 0)
			if tt.want == nil {
				require.NoError(t, err)
				require.EqualValues(t, 2, b.calls.Load())
			} else {
				require.ErrorIs(t, err, tt.want)
				require.Equal(t, tt.reason, verify.Reason(err))
				require.EqualValues(t, 1, b.calls.Load(), "no call without a slot")
				close(b.release)
			}
			require.NoError(t, <-first)
			require.Eventually(t, func() bool { return len(c.slots) == 0 }, 5*time.Second, time.Millisecond, "every slot comes back")
		})
	}
}

// TestQueueJoinsFlight: callers asking about a token whose check waits for
// a slot join that check: one call, one slot.
func TestQueueJoinsFlight(t *testing.T) {
	b := newBlockingCheck()
	c, err := New(Config[claims.Map]{Check: b, Options: Options{MaxConcurrentChecks: 1, QueueTimeout: time.Minute}})
	require.NoError(t, err)
	res := make(chan error, 3)
	go func() { _, err := c.Verify(context.Background(), "tok-a"); res <- err }()
	<-b.started
	for range 2 {
		go func() { _, err := c.Verify(context.Background(), "tok-b"); res <- err }()
	}
	waitWaiters(t, c, "tok-b", 2)
	waitQueued(t, c, 1)
	close(b.release)
	for range 3 {
		require.NoError(t, <-res)
	}
	require.EqualValues(t, 2, b.calls.Load())
	require.Eventually(t, func() bool { return len(c.slots) == 0 }, 5*time.Second, time.Millisecond)
}
