package redisstore_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/internal/redistest"
	"github.com/jwtguard/jwtguard/redisstore"
	"github.com/jwtguard/jwtguard/revocation"
)

// fillUntilEvicted puts memory pressure on srv under the given maxmemory
// policy: it caps maxmemory a little above what Redis uses and writes
// filler keys (without expiry, as a service sharing the Redis would) until
// Redis refuses a write or key is gone; then it deletes the fillers, so
// that the pressure is over. It reports whether key was evicted.
func fillUntilEvicted(t *testing.T, srv *redistest.Server, policy, key string) bool {
	t.Helper()
	do := func(args ...string) string {
		t.Helper()
		r, err := srv.Do(args...)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return r
	}
	do("CONFIG", "SET", "maxmemory-policy", policy)
	do("CONFIG", "SET", "maxmemory-samples", "10")
	// A fixed cap, a few MiB above what an idle test Redis uses.
	do("CONFIG", "SET", "maxmemory", strconv.Itoa(4<<20))
	filler := strings.Repeat("x", 64<<10)
	var n int
	for n = 0; n < 400 && do("EXISTS", key) == ":1"; n++ {
		if r := do("SET", "filler:"+strconv.Itoa(n), filler); strings.HasPrefix(r, "-") {
			break // OOM: nothing left to evict
		}
	}
	evicted := do("EXISTS", key) == ":0"
	for i := 0; i <= n; i++ {
		do("DEL", "filler:"+strconv.Itoa(i))
	}
	do("CONFIG", "SET", "maxmemory", "0")
	return evicted
}

// TestReview_RevocationEvictedSilently: the entries hash, the expiry set
// and the feed carry an expiry (PEXPIREAT), the meta hash (epoch, seq) does
// not. Under a volatile-* maxmemory policy (the common setting of a Redis
// shared with caches), memory pressure evicts the entries and leaves the
// epoch and the sequence: no replica notices (no new epoch, no sequence
// going back, no broken connection), none writes back, and a replica
// started afterwards accepts a revoked token. The DPoP replay store, which
// the issue wants on the same Redis, lets any client cause that pressure.
func TestReview_RevocationEvictedSilently(t *testing.T) {
	checkLeaks(t)
	srv := redistest.Start(t)
	a := replica(t, srv.Addr(), nil)
	synced(t, a)
	tok := revocation.Token{Issuer: iss, SessionID: "sid-evicted"}
	mustRevoke(t, a, revocation.SessionEntry(iss, "sid-evicted"))

	if !fillUntilEvicted(t, srv, "volatile-lru", "{test}:entries") {
		t.Skip("Redis did not evict the entries hash under volatile-lru")
	}
	// Redis never restarted and answered every command: "a revocation that
	// Revoke returned nil for is never lost" means the fleet still knows
	// it, and a replica started now learns it (a, which holds it, writes it
	// back, or the loss is detected some other way).
	b := replica(t, srv.Addr(), nil)
	synced(t, b)
	eventually(t, waitFor, "a replica started after the eviction refuses the revoked token",
		refuses(b, tok, revocation.ErrRevoked))
}

// TestReview_ReplayEvictedUnderVolatileTTL: the Replay documentation says
// Redis's maxmemory policy "must not evict keys without expiry (noeviction
// or volatile-ttl)" and recommends "noeviction (or volatile-ttl) so that
// Redis refuses writes rather than drop live entries". volatile-ttl evicts
// exactly the keys with an expiry, the replay keys first (shortest TTL),
// and keeps the epoch key (no expiry): the loss goes unnoticed and a proof
// accepted by one replica passes again on another. The flood that causes
// the pressure can be the attacker's own valid proofs.
func TestReview_ReplayEvictedUnderVolatileTTL(t *testing.T) {
	checkLeaks(t)
	srv := redistest.Start(t)
	a := newReplica(t, srv.Addr(), time.Now)
	b := newReplica(t, srv.Addr(), time.Now)
	proof := newProof(t)
	if err := a.check(t, proof); err != nil {
		t.Fatalf("replica A: %v", err)
	}
	keys, err := replayClient(t, srv.Addr()).Keys(context.Background(), redisstore.DefaultReplayPrefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	var proofKey string
	for _, k := range keys {
		if k != redisstore.DefaultReplayPrefix+"epoch" {
			proofKey = k
		}
	}
	if !fillUntilEvicted(t, srv, "volatile-ttl", proofKey) {
		t.Skip("Redis did not evict the replay key under volatile-ttl")
	}
	if err := b.check(t, proof); !errors.Is(err, dpop.ErrReplayed) && !errors.Is(err, dpop.ErrReplayUnavailable) {
		t.Fatalf("the proof replayed to replica B after eviction: %v; want ErrReplayed (or ErrReplayUnavailable)", err)
	}
}

// TestReview_FarFutureExpiryShared: a token whose exp is 9999-12-31
// ("never"), revoked on one replica, is refused on the replica that revoked
// it and on one started afterwards (the expiry must survive the trip
// through Redis's milliseconds and the Index's nanoseconds).
func TestReview_FarFutureExpiryShared(t *testing.T) {
	checkLeaks(t)
	srv := redistest.Start(t)
	a := replica(t, srv.Addr(), nil)
	synced(t, a)
	never := time.Unix(253402300799, 0)
	tok := revocation.Token{Issuer: iss, ID: "leaked", ExpiresAt: never}
	mustRevoke(t, a, revocation.TokenEntry(iss, "leaked", never))
	if err := a.Check(&tok); !errors.Is(err, revocation.ErrRevoked) {
		t.Fatalf("replica that revoked: Check = %v; want ErrRevoked", err)
	}
	b := replica(t, srv.Addr(), nil)
	synced(t, b)
	if err := b.Check(&tok); !errors.Is(err, revocation.ErrRevoked) {
		t.Fatalf("replica started afterwards: Check = %v; want ErrRevoked", err)
	}
}

// TestReview_ReplayFreshReplicaAfterLoss: after Redis loses its data, the
// replicas that knew the old epoch refuse proofs for 2×window+10 s, but a
// replica that starts meanwhile (a pod rescheduled with the Redis pod, a
// rolling deploy after a Redis failover) has no old epoch to compare and
// accepts at once, so a proof accepted just before the loss passes again
// there. The package documents it; it is cheap to close (e.g. the epoch
// records when Redis got it, from Redis's TIME, and every replica refuses
// proofs until that time plus the loss window).
func TestReview_ReplayFreshReplicaAfterLoss(t *testing.T) {
	checkLeaks(t)
	srv := redistest.Start(t)
	a := newReplica(t, srv.Addr(), time.Now)
	proof := newProof(t)
	if err := a.check(t, proof); err != nil {
		t.Fatal(err)
	}
	srv.Kill()
	srv.RestartEmpty()
	c := newReplica(t, srv.Addr(), time.Now)
	if err := c.check(t, proof); !errors.Is(err, dpop.ErrReplayed) && !errors.Is(err, dpop.ErrReplayUnavailable) {
		t.Fatalf("a proof accepted before Redis lost its data, replayed to a replica started after: %v; want refused", err)
	}
}
