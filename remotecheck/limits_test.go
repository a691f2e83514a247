package remotecheck_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/remotecheck"
)

// TestMaxConcurrentChecks: with QueueTimeout negative, distinct tokens
// beyond the limit are refused at once (503) instead of each starting a
// request to the issuer; a token already being checked still joins its
// check.
func TestMaxConcurrentChecks(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	calls := 0
	chk := remotecheck.CheckFunc(func(ctx context.Context, token string) (remotecheck.Result, error) {
		mu.Lock()
		calls++
		mu.Unlock()
		select {
		case <-release:
		case <-ctx.Done():
		}
		return remotecheck.Result{Active: true, Claims: []byte(`{"sub":"u"}`)}, nil
	})
	c := mustNew(t, remotecheck.Config[claims.Map]{Check: chk, Options: remotecheck.Options{MaxConcurrentChecks: 2, QueueTimeout: -1}})

	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i, tok := range []string{"tok-a", "tok-b", "tok-a"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.Verify(context.Background(), tok)
		}()
	}
	require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return calls == 2 }, 2*time.Second, time.Millisecond)
	_, err := c.Verify(context.Background(), "tok-c")
	requireReason(t, err, remotecheck.ErrCheckUnavailable, remotecheck.ReasonCheckUnavailable)
	require.ErrorIs(t, err, keysource.ErrUnavailable)

	close(release)
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	mu.Lock()
	require.Equal(t, 2, calls, "tok-a's second caller joined the first check")
	mu.Unlock()
	_, err = c.Verify(context.Background(), "tok-c")
	require.NoError(t, err, "room again once the checks are done")
}

func TestCheckPanicIsBadResponse(t *testing.T) {
	chk := remotecheck.CheckFunc(func(context.Context, string) (remotecheck.Result, error) {
		panic("interpreter bug")
	})
	c := mustNew(t, remotecheck.Config[claims.Map]{Check: chk})
	_, err := c.Verify(context.Background(), "tok")
	requireReason(t, err, remotecheck.ErrBadResponse, remotecheck.ReasonBadResponse)
}

func TestMaxConcurrentChecksNegative(t *testing.T) {
	chk := remotecheck.CheckFunc(func(context.Context, string) (remotecheck.Result, error) { return remotecheck.Result{}, nil })
	_, err := remotecheck.New(remotecheck.Config[claims.Map]{Check: chk, Options: remotecheck.Options{MaxConcurrentChecks: -1}})
	require.Error(t, err)
}
