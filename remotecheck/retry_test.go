package remotecheck_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/remotecheck"
	"github.com/jwtguard/jwtguard/verify"
)

func TestCheckErrors(t *testing.T) {
	errBoom := errors.New("boom")
	tests := []struct {
		name   string
		err    error
		want   []error
		reason string
		calls  int
	}{
		{name: "unavailable, retried", err: fmt.Errorf("%w: dial refused", remotecheck.ErrCheckUnavailable),
			want: []error{remotecheck.ErrCheckUnavailable, keysource.ErrUnavailable}, reason: remotecheck.ReasonCheckUnavailable, calls: 3},
		{name: "bad response, not retried", err: fmt.Errorf("%w: status 418", remotecheck.ErrBadResponse),
			want: []error{remotecheck.ErrBadResponse, remotecheck.ErrCheckUnavailable, keysource.ErrUnavailable}, reason: remotecheck.ReasonBadResponse, calls: 1},
		{name: "keysource unavailable", err: keysource.ErrUnavailable,
			want: []error{keysource.ErrUnavailable}, reason: remotecheck.ReasonCheckUnavailable, calls: 1},
		{name: "check's own deadline", err: context.DeadlineExceeded,
			want: []error{remotecheck.ErrCheckUnavailable, keysource.ErrUnavailable}, reason: remotecheck.ReasonCheckUnavailable, calls: 1},
		{name: "inactive as an error", err: fmt.Errorf("logged out: %w", remotecheck.ErrInactive),
			want: []error{remotecheck.ErrInactive}, reason: remotecheck.ReasonInactive, calls: 1},
		{name: "verdict about the token", err: &verify.Error{Reason: verify.ReasonIssuer, Err: verify.ErrIssuer},
			want: []error{verify.ErrIssuer}, reason: verify.ReasonIssuer, calls: 1},
		{name: "unclassified error", err: errBoom,
			want: []error{errBoom, remotecheck.ErrBadResponse, keysource.ErrUnavailable}, reason: remotecheck.ReasonBadResponse, calls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk, sl := newClock(), &sleeper{}
			chk := answering(remotecheck.Result{}, tt.err)
			c := mustNew(t, remotecheck.Config[userClaims]{Check: chk, Options: options(clk, sl)})
			_, err := c.Verify(context.Background(), "tok")
			for _, w := range tt.want {
				require.ErrorIs(t, err, w)
			}
			require.Equal(t, tt.reason, verify.Reason(err))
			require.Equal(t, tt.calls, chk.Calls())
		})
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name     string
		attempts int
		pause    time.Duration
		want     int
		pauses   []time.Duration
	}{
		{name: "default", want: 3, pauses: []time.Duration{500 * time.Millisecond, 500 * time.Millisecond}},
		{name: "one attempt", attempts: 1, want: 1},
		{name: "five attempts", attempts: 5, pause: time.Second, want: 5,
			pauses: []time.Duration{time.Second, time.Second, time.Second, time.Second}},
		{name: "no pause", attempts: 2, pause: -1, want: 2, pauses: []time.Duration{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk, sl := newClock(), &sleeper{}
			chk := answering(remotecheck.Result{}, remotecheck.ErrCheckUnavailable)
			opts := options(clk, sl)
			opts.Attempts, opts.RetryPause = tt.attempts, tt.pause
			var events []remotecheck.CheckEvent
			opts.OnCheck = func(e remotecheck.CheckEvent) { events = append(events, e) }
			c := mustNew(t, remotecheck.Config[userClaims]{Check: chk, Options: opts})

			_, err := c.Verify(context.Background(), "tok")
			requireReason(t, err, keysource.ErrUnavailable, remotecheck.ReasonCheckUnavailable)
			require.Equal(t, tt.want, chk.Calls())
			require.Equal(t, tt.pauses, sl.Pauses())
			require.Len(t, events, 1)
			require.Equal(t, tt.want, events[0].Attempts)
			require.Equal(t, remotecheck.ReasonCheckUnavailable, events[0].Reason)

			// Failures to reach the issuer are not cached.
			_, err = c.Verify(context.Background(), "tok")
			require.ErrorIs(t, err, remotecheck.ErrCheckUnavailable)
			require.Equal(t, 2*tt.want, chk.Calls())
		})
	}
}

func TestRetrySucceeds(t *testing.T) {
	clk, sl := newClock(), &sleeper{}
	chk := &counter{}
	chk.fn = func(context.Context, string) (remotecheck.Result, error) {
		if chk.Calls() < 3 {
			return remotecheck.Result{}, remotecheck.ErrCheckUnavailable
		}
		return active(`{"sub":"alice"}`), nil
	}
	c := mustNew(t, remotecheck.Config[userClaims]{Check: chk, Options: options(clk, sl)})
	got, err := c.Verify(context.Background(), "tok")
	require.NoError(t, err)
	require.Equal(t, "alice", got.Subject)
	require.Equal(t, 3, chk.Calls())
}

func TestRetryPauseRespectsContext(t *testing.T) {
	clk := newClock()
	chk := answering(remotecheck.Result{}, remotecheck.ErrCheckUnavailable)
	ctx, cancel := context.WithCancel(context.Background())
	opts := remotecheck.Options{Now: clk.Now, Sleep: func(sctx context.Context, _ time.Duration) error {
		cancel() // the caller leaves during the pause
		<-sctx.Done()
		return sctx.Err()
	}}
	c := mustNew(t, remotecheck.Config[userClaims]{Check: chk, Options: opts})
	_, err := c.Verify(ctx, "tok")
	requireReason(t, err, context.Canceled, verify.ReasonCanceled)
	require.Equal(t, 1, chk.Calls())
}
