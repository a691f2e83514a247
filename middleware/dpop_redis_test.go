package middleware_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/internal/redistest"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/redisstore"
)

// TestDPoPReplayAcrossReplicas: two middlewares (two replicas), each with
// its own checker and local memory, share one redis-server through
// redisstore.NewReplay; a proof accepted by one is refused by the other.
func TestDPoPReplayAcrossReplicas(t *testing.T) {
	srv := redistest.Start(t)
	seedReplayEpoch(t, srv)
	f := newDPoPFixture(t)
	replica := func() http.Handler {
		c := redis.NewClient(&redis.Options{Addr: srv.Addr(), ContextTimeoutEnabled: true, MaxRetries: 1})
		t.Cleanup(func() { _ = c.Close() })
		now := func() time.Time { return f.rv.now }
		store, err := redisstore.NewReplay(redisstore.ReplayConfig{Client: c, Now: now, Timeout: time.Second})
		require.NoError(t, err)
		return f.handler(t, middleware.DPoPAllowed, f.checker(t, dpop.Config{Replay: store, Now: now}))
	}
	a, b := replica(), replica()

	proof := f.proof(t, f.bound, nil)
	rec := serve(a, dpopRequest("DPoP", f.bound, proof))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())

	rec = serve(b, dpopRequest("DPoP", f.bound, proof))
	require.Equal(t, http.StatusUnauthorized, rec.Code)
	require.Equal(t, "dpop_replayed", problem(t, rec).Reason)

	// A fresh proof still works on the second replica.
	rec = serve(b, dpopRequest("DPoP", f.bound, f.proof(t, f.bound, nil)))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())

	// Redis down: the proof cannot be vouched for, 503.
	srv.Kill()
	rec = serve(a, dpopRequest("DPoP", f.bound, f.proof(t, f.bound, nil)))
	require.Equal(t, http.StatusServiceUnavailable, rec.Code)
	require.Equal(t, "dpop_replay_store_unavailable", problem(t, rec).Reason)
}

// seedReplayEpoch gives srv the replay memory's epoch as if it had held it
// for long: a new Redis cannot be told from one that lost its data, so
// redisstore.Replay refuses every proof for a while after the epoch's
// creation (see redisstore.Replay).
func seedReplayEpoch(t *testing.T, srv *redistest.Server) {
	t.Helper()
	if r, err := srv.Do("HSET", redisstore.DefaultReplayPrefix+"replay", "#epoch", "seeded:0"); err != nil || strings.HasPrefix(r, "-") {
		t.Fatalf("seeding the epoch: %q, %v", r, err)
	}
}
