package remotecheck_test

import (
	"context"
	"encoding/base64"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/remotecheck"
	"github.com/jwtguard/jwtguard/verify"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// t0 is the start of every test's fake clock.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// clock is a fake clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: t0} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// sleeper records the pauses asked for and returns at once (or with
// ctx.Err() when ctx is done).
type sleeper struct {
	mu     sync.Mutex
	pauses []time.Duration
}

func (s *sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.pauses = append(s.pauses, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeper) Pauses() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.pauses...)
}

// counter is a Check that counts its calls and answers with fn.
type counter struct {
	calls atomic.Int64
	fn    func(ctx context.Context, token string) (remotecheck.Result, error)
}

func (c *counter) Check(ctx context.Context, token string) (remotecheck.Result, error) {
	c.calls.Add(1)
	return c.fn(ctx, token)
}

func (c *counter) Calls() int { return int(c.calls.Load()) }

// answering returns a counter that always gives res and err.
func answering(res remotecheck.Result, err error) *counter {
	return &counter{fn: func(context.Context, string) (remotecheck.Result, error) { return res, err }}
}

// active is a positive Result with the given claims JSON.
func active(claimsJSON string) remotecheck.Result {
	return remotecheck.Result{Active: true, Claims: []byte(claimsJSON)}
}

// userClaims is a claims type with the registered claims and one of its own.
type userClaims struct {
	claims.Registered
	Kind  string   `json:"kind"`
	Roles []string `json:"roles"`
}

// options are test Options on clk and sl.
func options(clk *clock, sl *sleeper) remotecheck.Options {
	return remotecheck.Options{Now: clk.Now, Sleep: sl.Sleep}
}

// mustNew builds a Checker or fails the test.
func mustNew[C any](t testing.TB, cfg remotecheck.Config[C]) *remotecheck.Checker[C] {
	t.Helper()
	c, err := remotecheck.New(cfg)
	require.NoError(t, err)
	return c
}

// jwt signs claims as an RS256 JWT with the test key; the checker never
// checks the signature, the issuer does.
func jwt(t testing.TB, c map[string]any) string {
	t.Helper()
	return testkeys.SignClaims(t, "RS256", testkeys.RSA2048(t), map[string]any{"typ": "JWT"}, c)
}

// requireReason checks that err is a *verify.Error with reason that matches
// want.
func requireReason(t testing.TB, err error, want error, reason string) {
	t.Helper()
	require.ErrorIs(t, err, want)
	var ve *verify.Error
	require.True(t, errors.As(err, &ve), "not a *verify.Error: %v", err)
	require.Equal(t, reason, ve.Reason)
}

// b64 encodes s as unpadded base64url.
func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
