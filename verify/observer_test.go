package verify_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/verify"
)

type ctxKey struct{}

// recorder is an Observer that keeps every event and checks that each end
// gets the context its start returned.
type recorder struct {
	mu     sync.Mutex
	events []verify.VerifyEvent
	t      *testing.T
}

func (r *recorder) VerifyStart(ctx context.Context) context.Context {
	return context.WithValue(ctx, ctxKey{}, "span")
}

func (r *recorder) VerifyEnd(ctx context.Context, e verify.VerifyEvent) {
	require.Equal(r.t, "span", ctx.Value(ctxKey{}))
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

// ctxSource records whether Keys saw the observer's context.
type ctxSource struct {
	keysource.Source
	sawSpan bool
}

func (s *ctxSource) Keys(ctx context.Context) (*keysource.Set, error) {
	s.sawSpan = ctx.Value(ctxKey{}) == "span"
	return s.Source.Keys(ctx)
}

func TestObserver(t *testing.T) {
	rec := &recorder{t: t}
	src := &ctxSource{Source: staticRSA(t, "rsa1")}
	v := rsaVerifier(t, src, func(c *verify.Config[claims.Registered]) { c.Observer = rec })
	ctx := context.Background()
	tok := signRS(t, "rsa1", validClaims())

	_, err := v.Verify(ctx, tok)
	require.NoError(t, err)
	require.True(t, src.sawSpan, "the key source did not get the observer's context")
	_, err = v.Verify(ctx, tok) // stored in the cache at its second verification
	require.NoError(t, err)
	_, err = v.Verify(ctx, tok)
	require.NoError(t, err)
	_, err = v.Verify(ctx, signRS(t, "rsa1", with("aud", "other")))
	require.ErrorIs(t, err, verify.ErrAudience)
	_, err = v.Verify(ctx, testkeys.SignClaims(t, "HS256", []byte("0123456789abcdef0123456789abcdef"), map[string]any{"kid": "rsa1"}, validClaims()))
	require.ErrorIs(t, err, verify.ErrAlgorithm)
	_, err = v.Verify(ctx, "not a token")
	require.ErrorIs(t, err, verify.ErrMalformed)

	require.Len(t, rec.events, 6)
	type ev struct {
		reason, alg string
		hit         bool
	}
	var got []ev
	for _, e := range rec.events {
		require.Positive(t, e.Duration)
		require.Equal(t, verify.Reason(e.Err), e.Reason)
		got = append(got, ev{e.Reason, e.Alg, e.CacheHit})
	}
	require.Equal(t, []ev{
		{"", "RS256", false},
		{"", "RS256", false},
		{"", "RS256", true},
		{"audience", "RS256", false},
		{"algorithm", "", false}, // an alg outside the allow-list is never reported
		{"malformed", "", false},
	}, got)
}
