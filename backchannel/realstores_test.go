package backchannel_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/backchannel"
	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/redistest"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/redisstore"
	"github.com/jwtguard/jwtguard/revocation"
	"github.com/jwtguard/jwtguard/verify"
)

// apiVerifier is a service's verifier for access tokens of the fixtures'
// issuer, on the fixtures' clock, checking rev.
func apiVerifier(t *testing.T, rev revocation.Checker) *verify.Verifier[claims.Map] {
	t.Helper()
	v, err := verify.New(verify.Config[claims.Map]{
		Keys:       staticKeys(t),
		Algorithms: []string{"RS256"},
		Issuers:    []string{issuer},
		Audiences:  []string{clientID},
		Now:        func() time.Time { return t0 },
		Revocation: rev,
	})
	require.NoError(t, err)
	return v
}

// accessToken is an access token of the fixtures' issuer for session s of
// subject sub, issued at iat.
func accessToken(t *testing.T, s string, iat time.Time) string {
	t.Helper()
	return testkeys.SignClaims(t, "RS256", testkeys.RSA2048(t), map[string]any{"kid": testkeys.KIDRSA2048, "typ": "JWT"}, map[string]any{
		"iss": issuer, "aud": clientID, "sub": sub, "sid": s,
		"iat": iat.Unix(), "exp": iat.Add(time.Hour).Unix(), "jti": "access-" + s,
	})
}

// TestWithMemoryStore runs the receiver on revocation.NewMemory, the
// default store of one process, with the service's verifier on it.
func TestWithMemoryStore(t *testing.T) {
	store, err := revocation.NewMemory(revocation.MemoryConfig{Now: func() time.Time { return t0 }})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, store.Close()) })
	f := newFixture(t, func(c *backchannel.Config) { c.Store = store })
	v := apiVerifier(t, store)

	inSession := accessToken(t, sid, t0.Add(-time.Minute))
	otherSession := accessToken(t, "other-session", t0.Add(-time.Minute))
	_, err = v.Verify(context.Background(), inSession)
	require.NoError(t, err, "cached before the logout")

	token := f.token(t, map[string]any{"sub": nil})
	requireAnswer(t, post(f.h, token), http.StatusOK, "", "")
	_, err = v.Verify(context.Background(), inSession)
	require.ErrorIs(t, err, verify.ErrRevoked, "a cache hit after the logout")
	_, err = v.Verify(context.Background(), otherSession)
	require.NoError(t, err)
	requireAnswer(t, post(f.h, token), http.StatusBadRequest, "invalid_request", descReplayed)

	// sub alone: the subject's tokens issued at or before the logout's iat.
	requireAnswer(t, post(f.h, f.token(t, map[string]any{"sid": nil})), http.StatusOK, "", "")
	_, err = v.Verify(context.Background(), otherSession)
	require.ErrorIs(t, err, verify.ErrRevoked)
	_, err = v.Verify(context.Background(), accessToken(t, "later-session", t0.Add(time.Second)))
	require.NoError(t, err, "issued after the logout")

	entries, err := store.Entries(context.Background())
	require.NoError(t, err)
	assert.Len(t, entries, 2)
}

// TestTwoRedisReplicas: two replicas, each with its own redisstore on one
// redis-server and its own receiver and verifier. A logout delivered to
// one is refused as a replay by the other, and the other's verifier
// refuses the session's tokens, cached or not.
func TestTwoRedisReplicas(t *testing.T) {
	srv := redistest.Start(t)
	replica := func() *redisstore.Revocation {
		c := redis.NewClient(&redis.Options{Addr: srv.Addr()})
		s, err := redisstore.NewRevocation(redisstore.RevocationConfig{Client: c, MaxLag: time.Second, Logger: slog.New(slog.DiscardHandler)})
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close(); _ = c.Close() })
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, s.WaitSynced(ctx))
		return s
	}
	storeA, storeB := replica(), replica()
	a := newFixture(t, func(c *backchannel.Config) { c.Store = storeA })
	b := newFixture(t, func(c *backchannel.Config) { c.Store = storeB })
	verifierB := apiVerifier(t, storeB)

	access := accessToken(t, sid, t0.Add(-time.Minute))
	_, err := verifierB.Verify(context.Background(), access)
	require.NoError(t, err, "in the cache before the logout")

	token := a.token(t, map[string]any{"sub": nil})
	requireAnswer(t, post(a.h, token), http.StatusOK, "", "")
	requireAnswer(t, post(b.h, token), http.StatusBadRequest, "invalid_request", descReplayed)

	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err = verifierB.Verify(context.Background(), access)
		if errors.Is(err, verify.ErrRevoked) || time.Now().After(deadline) {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	require.ErrorIs(t, err, verify.ErrRevoked, "replica B's verifier never saw A's logout")

	// The replay was refused through Redis, not by B's memory: a third
	// replica started afterwards refuses it too, and loads the session.
	storeC := replica()
	c := newFixture(t, func(c *backchannel.Config) { c.Store = storeC })
	requireAnswer(t, post(c.h, token), http.StatusBadRequest, "invalid_request", descReplayed)
	_, err = apiVerifier(t, storeC).Verify(context.Background(), access)
	require.ErrorIs(t, err, verify.ErrRevoked)
}
