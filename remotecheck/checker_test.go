package remotecheck_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/remotecheck"
	"github.com/jwtguard/jwtguard/verify"
)

func TestVerifyDecodesClaims(t *testing.T) {
	clk, sl := newClock(), &sleeper{}
	exp := t0.Add(time.Hour).Unix()
	chk := answering(active(fmt.Sprintf(`{"sub":"alice","kind":"user","roles":["a","b"],"exp":%d}`, exp)), nil)
	c := mustNew(t, remotecheck.Config[userClaims]{Check: chk, Options: options(clk, sl)})

	got, err := c.Verify(context.Background(), "opaque-token")
	require.NoError(t, err)
	require.Equal(t, "alice", got.Subject)
	require.Equal(t, "user", got.Kind)
	require.Equal(t, []string{"a", "b"}, got.Roles)
	require.Equal(t, exp, got.ExpiresAt.Unix())
	require.Equal(t, 1, chk.Calls())
}

func TestVerifyRefusesBeforeAnyCall(t *testing.T) {
	tests := []struct {
		name   string
		token  string
		want   error
		reason string
	}{
		{name: "empty", token: "", want: verify.ErrMalformed, reason: verify.ReasonMalformed},
		{name: "too long", token: strings.Repeat("a", remotecheck.DefaultMaxTokenBytes+1), want: verify.ErrTooLarge, reason: verify.ReasonMalformed},
		{name: "space", token: "abc def", want: verify.ErrMalformed, reason: verify.ReasonMalformed},
		{name: "control character", token: "abc\ndef", want: verify.ErrMalformed, reason: verify.ReasonMalformed},
		{name: "non-ASCII", token: "abcé", want: verify.ErrMalformed, reason: verify.ReasonMalformed},
		{name: "JWT with exp long past", token: "", want: verify.ErrExpired, reason: verify.ReasonExpired},
		{name: "JWT with exp past beyond leeway", token: "", want: verify.ErrExpired, reason: verify.ReasonExpired},
		{name: "JWT with string exp", token: "", want: verify.ErrMalformed, reason: verify.ReasonMalformed},
		{name: "JWT with duplicate exp", token: "", want: verify.ErrMalformed, reason: verify.ReasonMalformed},
	}
	tokens := map[string]string{
		"JWT with exp long past":          jwt(t, map[string]any{"sub": "alice", "exp": t0.Add(-12 * time.Hour).Unix()}),
		"JWT with exp past beyond leeway": jwt(t, map[string]any{"sub": "alice", "exp": t0.Add(-61 * time.Second).Unix()}),
		"JWT with string exp":             jwt(t, map[string]any{"sub": "alice", "exp": "tomorrow"}),
		"JWT with duplicate exp":          rawJWT(`{"alg":"RS256"}`, fmt.Sprintf(`{"exp":%d,"exp":%d}`, t0.Add(time.Hour).Unix(), t0.Add(-time.Hour).Unix())),
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk, sl := newClock(), &sleeper{}
			chk := answering(active(`{}`), nil)
			c := mustNew(t, remotecheck.Config[userClaims]{Check: chk, Options: options(clk, sl)})
			token := tt.token
			if tok, ok := tokens[tt.name]; ok {
				token = tok
			}
			_, err := c.Verify(context.Background(), token)
			requireReason(t, err, tt.want, tt.reason)
			require.Zero(t, chk.Calls(), "no call for a token refused on its own")
		})
	}
}

func TestVerifyCallsForJWTWithinLeeway(t *testing.T) {
	clk, sl := newClock(), &sleeper{}
	chk := answering(remotecheck.Result{Active: false}, nil)
	c := mustNew(t, remotecheck.Config[userClaims]{Check: chk, Options: options(clk, sl)})
	token := jwt(t, map[string]any{"sub": "alice", "exp": t0.Add(-30 * time.Second).Unix()})
	_, err := c.Verify(context.Background(), token)
	requireReason(t, err, remotecheck.ErrInactive, remotecheck.ReasonInactive)
	require.Equal(t, 1, chk.Calls(), "exp within the leeway: the issuer decides")
}

func TestCache(t *testing.T) {
	clk, sl := newClock(), &sleeper{}
	chk := answering(active(fmt.Sprintf(`{"sub":"alice","exp":%d}`, t0.Add(time.Hour).Unix())), nil)
	c := mustNew(t, remotecheck.Config[userClaims]{Check: chk, Options: options(clk, sl)})
	ctx := context.Background()

	for range 3 {
		_, err := c.Verify(ctx, "tok")
		require.NoError(t, err)
	}
	require.Equal(t, 1, chk.Calls(), "cache hits make no call")

	clk.Add(remotecheck.DefaultCacheTTL - time.Nanosecond)
	_, err := c.Verify(ctx, "tok")
	require.NoError(t, err)
	require.Equal(t, 1, chk.Calls(), "still within CacheTTL")

	clk.Add(time.Nanosecond)
	_, err = c.Verify(ctx, "tok")
	require.NoError(t, err)
	require.Equal(t, 2, chk.Calls(), "CacheTTL over: asked again")

	_, err = c.Verify(ctx, "other")
	require.NoError(t, err)
	require.Equal(t, 3, chk.Calls(), "another token is another entry")
}

func TestCacheNeverPastExp(t *testing.T) {
	tests := []struct {
		name  string
		token func(t *testing.T) string
		body  string
	}{
		{
			name:  "exp from the claims",
			token: func(*testing.T) string { return "opaque" },
			body:  fmt.Sprintf(`{"sub":"alice","exp":%d}`, t0.Add(10*time.Second).Unix()),
		},
		{
			name: "exp from the token itself",
			token: func(t *testing.T) string {
				return jwt(t, map[string]any{"sub": "alice", "exp": t0.Add(10 * time.Second).Unix()})
			},
			body: `{"sub":"alice"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk, sl := newClock(), &sleeper{}
			chk := answering(active(tt.body), nil)
			opts := options(clk, sl)
			opts.Leeway = -1
			c := mustNew(t, remotecheck.Config[userClaims]{Check: chk, Options: opts})
			token := tt.token(t)

			_, err := c.Verify(context.Background(), token)
			require.NoError(t, err)
			clk.Add(9 * time.Second)
			_, err = c.Verify(context.Background(), token)
			require.NoError(t, err)
			require.Equal(t, 1, chk.Calls())

			clk.Add(time.Second)
			_, err = c.Verify(context.Background(), token)
			requireReason(t, err, verify.ErrExpired, verify.ReasonExpired)
		})
	}
}

func TestNegativeCache(t *testing.T) {
	clk, sl := newClock(), &sleeper{}
	chk := answering(remotecheck.Result{Active: false}, nil)
	c := mustNew(t, remotecheck.Config[userClaims]{Check: chk, Options: options(clk, sl)})
	ctx := context.Background()

	_, err := c.Verify(ctx, "dead")
	requireReason(t, err, remotecheck.ErrInactive, remotecheck.ReasonInactive)
	clk.Add(remotecheck.DefaultNegativeCacheTTL - time.Nanosecond)
	_, err = c.Verify(ctx, "dead")
	requireReason(t, err, remotecheck.ErrInactive, remotecheck.ReasonInactive)
	require.Equal(t, 1, chk.Calls(), "negative answer cached")

	clk.Add(time.Nanosecond)
	_, err = c.Verify(ctx, "dead")
	require.ErrorIs(t, err, remotecheck.ErrInactive)
	require.Equal(t, 2, chk.Calls(), "NegativeCacheTTL over")
}

func TestCacheOff(t *testing.T) {
	tests := []struct {
		name  string
		opts  func(*remotecheck.Options)
		res   remotecheck.Result
		calls int
	}{
		{name: "CacheSize negative", opts: func(o *remotecheck.Options) { o.CacheSize = -1 }, res: active(`{}`), calls: 3},
		{name: "CacheTTL negative", opts: func(o *remotecheck.Options) { o.CacheTTL = -1 }, res: active(`{}`), calls: 3},
		{name: "NegativeCacheTTL negative", opts: func(o *remotecheck.Options) { o.NegativeCacheTTL = -1 }, res: remotecheck.Result{}, calls: 3},
		{name: "positive off, negative on", opts: func(o *remotecheck.Options) { o.CacheTTL = -1 }, res: remotecheck.Result{}, calls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk, sl := newClock(), &sleeper{}
			chk := answering(tt.res, nil)
			opts := options(clk, sl)
			tt.opts(&opts)
			c := mustNew(t, remotecheck.Config[userClaims]{Check: chk, Options: opts})
			for range 3 {
				_, _ = c.Verify(context.Background(), "tok")
			}
			require.Equal(t, tt.calls, chk.Calls())
		})
	}
}

func TestCachedClaimsAreCopies(t *testing.T) {
	clk, sl := newClock(), &sleeper{}
	chk := answering(active(`{"sub":"alice","kind":"user"}`), nil)
	c := mustNew(t, remotecheck.Config[userClaims]{Check: chk, Options: options(clk, sl)})
	a, err := c.Verify(context.Background(), "tok")
	require.NoError(t, err)
	a.Subject, a.Kind = "mallory", "admin"
	b, err := c.Verify(context.Background(), "tok")
	require.NoError(t, err)
	require.Equal(t, "alice", b.Subject)
	require.Equal(t, "user", b.Kind)
	require.NotSame(t, a, b)
}

func TestTimesRecheckedOnCacheHit(t *testing.T) {
	clk, sl := newClock(), &sleeper{}
	body := fmt.Sprintf(`{"sub":"alice","nbf":%d,"exp":%d}`, t0.Add(2*time.Minute).Unix(), t0.Add(time.Hour).Unix())
	chk := answering(active(body), nil)
	opts := options(clk, sl)
	opts.CacheTTL = 10 * time.Minute
	c := mustNew(t, remotecheck.Config[userClaims]{Check: chk, Options: opts})

	_, err := c.Verify(context.Background(), "tok")
	requireReason(t, err, verify.ErrNotYetValid, verify.ReasonNotYetValid)
	clk.Add(59 * time.Second)
	_, err = c.Verify(context.Background(), "tok")
	requireReason(t, err, verify.ErrNotYetValid, verify.ReasonNotYetValid)
	clk.Add(time.Second) // nbf - leeway
	got, err := c.Verify(context.Background(), "tok")
	require.NoError(t, err)
	require.Equal(t, "alice", got.Subject)
	require.Equal(t, 1, chk.Calls(), "the cached answer, checked again against the clock")
}

func TestClaimsRefused(t *testing.T) {
	tests := []struct {
		name string
		body string
		want error
	}{
		{name: "duplicate member", body: `{"sub":"a","sub":"b"}`, want: verify.ErrClaims},
		{name: "invalid UTF-8", body: "{\"sub\":\"\xff\"}", want: verify.ErrClaims},
		{name: "exp as a string", body: `{"exp":"1"}`, want: verify.ErrClaims},
		{name: "not an object", body: `[1]`, want: verify.ErrClaims},
		{name: "not JSON", body: `nope`, want: verify.ErrClaims},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk, sl := newClock(), &sleeper{}
			c := mustNew(t, remotecheck.Config[userClaims]{Check: answering(active(tt.body), nil), Options: options(clk, sl)})
			_, err := c.Verify(context.Background(), "tok")
			requireReason(t, err, tt.want, verify.ReasonClaims)
			require.NotContains(t, err.Error(), "\xff")
		})
	}
}

type validated struct {
	claims.Registered
}

func (v *validated) Validate(context.Context) error {
	if v.Subject != "alice" {
		return errors.New("not alice")
	}
	return nil
}

func TestValidators(t *testing.T) {
	errNoRole := errors.New("no role")
	tests := []struct {
		name string
		body string
		want error
	}{
		{name: "passes", body: `{"sub":"alice","roles":["admin"]}`},
		{name: "Validate method refuses", body: `{"sub":"bob","roles":["admin"]}`, want: verify.ErrClaims},
		{name: "validator refuses", body: `{"sub":"alice"}`, want: errNoRole},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk, sl := newClock(), &sleeper{}
			type withRoles struct {
				validated
				Roles []string `json:"roles"`
			}
			c := mustNew(t, remotecheck.Config[withRoles]{
				Check:   answering(active(tt.body), nil),
				Options: options(clk, sl),
				Validators: []func(context.Context, *withRoles) error{func(_ context.Context, c *withRoles) error {
					if len(c.Roles) == 0 {
						return errNoRole
					}
					return nil
				}},
			})
			for range 2 { // fresh, then from the cache
				_, err := c.Verify(context.Background(), "tok")
				if tt.want == nil {
					require.NoError(t, err)
					continue
				}
				requireReason(t, err, tt.want, verify.ReasonClaims)
				require.ErrorIs(t, err, verify.ErrClaims)
			}
		})
	}
}

func TestNew(t *testing.T) {
	chk := answering(remotecheck.Result{}, nil)
	tests := []struct {
		name string
		cfg  remotecheck.Config[claims.Map]
	}{
		{name: "no Check", cfg: remotecheck.Config[claims.Map]{}},
		{name: "negative MaxTokenBytes", cfg: remotecheck.Config[claims.Map]{Check: chk, Options: remotecheck.Options{MaxTokenBytes: -1}}},
		{name: "negative Attempts", cfg: remotecheck.Config[claims.Map]{Check: chk, Options: remotecheck.Options{Attempts: -1}}},
		{name: "too many Attempts", cfg: remotecheck.Config[claims.Map]{Check: chk, Options: remotecheck.Options{Attempts: remotecheck.MaxAttempts + 1}}},
		{name: "nil validator", cfg: remotecheck.Config[claims.Map]{Check: chk, Validators: []func(context.Context, *claims.Map) error{nil}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := remotecheck.New(tt.cfg)
			require.Error(t, err)
			require.Nil(t, c)
		})
	}
	c, err := remotecheck.New(remotecheck.Config[claims.Map]{Check: chk})
	require.NoError(t, err)
	require.NotNil(t, c)
}

func TestMapClaims(t *testing.T) {
	clk, sl := newClock(), &sleeper{}
	exp := t0.Add(5 * time.Second).Unix()
	chk := answering(active(fmt.Sprintf(`{"sub":"alice","exp":%d}`, exp)), nil)
	opts := options(clk, sl)
	opts.Leeway = -1
	c := mustNew(t, remotecheck.Config[claims.Map]{Check: chk, Options: opts})
	got, err := c.Verify(context.Background(), "tok")
	require.NoError(t, err)
	sub, _ := got.String("sub")
	require.Equal(t, "alice", sub)
	clk.Add(5 * time.Second)
	_, err = c.Verify(context.Background(), "tok")
	require.ErrorIs(t, err, verify.ErrExpired, "exp is read from a claims.Map too")
	require.Equal(t, 2, chk.Calls())
}

// rawJWT builds a JWT-shaped token from raw header and payload JSON, with a
// dummy signature.
func rawJWT(header, payload string) string {
	return b64(header) + "." + b64(payload) + ".c2ln"
}
