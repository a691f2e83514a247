package redisstore_test

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/internal/redistest"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/redisstore"
)

// checkLeaks verifies, after every other cleanup of the test (clients
// closed, servers and proxies stopped), that no goroutine the test started
// is left.
func checkLeaks(t *testing.T) {
	t.Helper()
	opt := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, opt) })
}

// replayClient returns a go-redis client for addr, closed at the end of the
// test, with few retries so that failure tests stay short.
func replayClient(t *testing.T, addr string) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true, MaxRetries: 1})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// dpopReplica is one service replica: its own Redis client, replay store and
// proof checker.
type dpopReplica struct {
	store   *redisstore.Replay
	checker *dpop.Checker
}

// seedReplayEpoch gives srv the replay memory's epoch as if it had held it
// for long: a replica would otherwise refuse proofs for the loss window
// after the epoch's creation (a new Redis cannot be told from one that
// lost its data).
func seedReplayEpoch(t *testing.T, srv *redistest.Server) {
	t.Helper()
	if r, err := srv.Do("HSET", redisstore.DefaultReplayPrefix+"replay", "#epoch", "seeded:0"); err != nil || strings.HasPrefix(r, "-") {
		t.Fatalf("seeding the epoch: %q, %v", r, err)
	}
}

func newReplica(t *testing.T, addr string, now func() time.Time) dpopReplica {
	t.Helper()
	s, err := redisstore.NewReplay(redisstore.ReplayConfig{Client: replayClient(t, addr), Now: now, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	c, err := dpop.New(dpop.Config{Replay: s, Now: now, ExternalBaseURL: "https://api.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	return dpopReplica{s, c}
}

func (r dpopReplica) check(t *testing.T, proof string) error {
	t.Helper()
	_, err := r.checker.Check(context.Background(), dpop.Request{
		Method: "GET", URL: &url.URL{Path: "/resource"}, ProofHeaders: []string{proof},
	})
	return err
}

func newProof(t *testing.T) string {
	t.Helper()
	p, err := dpop.NewProof(testkeys.P256(t), "GET", "https://api.example.com/resource", "", "")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestReplayAcrossReplicas is the attack the shared store exists for: a
// proof accepted by one replica and replayed to another.
func TestReplayAcrossReplicas(t *testing.T) {
	checkLeaks(t)
	srv := redistest.Start(t)
	seedReplayEpoch(t, srv)
	a := newReplica(t, srv.Addr(), time.Now)
	b := newReplica(t, srv.Addr(), time.Now)

	proof := newProof(t)
	if err := a.check(t, proof); err != nil {
		t.Fatalf("replica A: %v", err)
	}
	if err := b.check(t, proof); !errors.Is(err, dpop.ErrReplayed) || dpop.Reason(err) != dpop.ReasonReplayed {
		t.Fatalf("replica B: %v; want ErrReplayed", err)
	}
	if err := a.check(t, proof); !errors.Is(err, dpop.ErrReplayed) {
		t.Fatalf("replica A again: %v; want ErrReplayed", err)
	}
	if err := b.check(t, newProof(t)); err != nil {
		t.Fatalf("fresh proof at B: %v", err)
	}
	// One hash under the default hash-tagged prefix, holding two proofs.
	keys, err := replayClient(t, srv.Addr()).Keys(context.Background(), "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] != redisstore.DefaultReplayPrefix+"replay" {
		t.Errorf("keys = %q; want the replay hash", keys)
	}
	fields, err := replayClient(t, srv.Addr()).HKeys(context.Background(), redisstore.DefaultReplayPrefix+"replay").Result()
	if n := len(fields); err != nil || n != 4 { // two proofs, the epoch and the sweep's cursor
		t.Errorf("fields = %q, %v; want two proofs, the epoch and the cursor", fields, err)
	}
}

// TestReplayRace sends one proof to two replicas at once, many times over:
// exactly one request may pass.
func TestReplayRace(t *testing.T) {
	checkLeaks(t)
	srv := redistest.Start(t)
	seedReplayEpoch(t, srv)
	replicas := []dpopReplica{newReplica(t, srv.Addr(), time.Now), newReplica(t, srv.Addr(), time.Now)}
	for round := range 20 {
		proof := newProof(t)
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			accepted int
		)
		for i := range 8 {
			wg.Add(1)
			go func(r dpopReplica) {
				defer wg.Done()
				err := r.check(t, proof)
				if err != nil && !errors.Is(err, dpop.ErrReplayed) {
					t.Errorf("round %d: %v", round, err)
				}
				mu.Lock()
				if err == nil {
					accepted++
				}
				mu.Unlock()
			}(replicas[i%2])
		}
		wg.Wait()
		if accepted != 1 {
			t.Fatalf("round %d: %d requests accepted one proof", round, accepted)
		}
	}
}

// TestReplayLocalFirst cuts a replica off Redis: a replay to it is still
// refused (from its local memory, without a network call), and a fresh
// proof is refused for want of Redis (fail closed) until the link heals.
func TestReplayLocalFirst(t *testing.T) {
	checkLeaks(t)
	srv := redistest.Start(t)
	seedReplayEpoch(t, srv)
	proxy := redistest.NewProxy(t, srv.Addr())
	a := newReplica(t, proxy.Addr(), time.Now)

	proof := newProof(t)
	if err := a.check(t, proof); err != nil {
		t.Fatal(err)
	}
	proxy.Cut()
	if err := a.check(t, proof); !errors.Is(err, dpop.ErrReplayed) {
		t.Fatalf("replay while cut off: %v; want ErrReplayed", err)
	}
	err := a.check(t, newProof(t))
	if !errors.Is(err, dpop.ErrReplayUnavailable) || dpop.Reason(err) != dpop.ReasonStoreUnavailable {
		t.Fatalf("fresh proof while cut off: %v; want ErrReplayUnavailable", err)
	}
	proxy.Heal()
	if err := a.check(t, newProof(t)); err != nil {
		t.Fatalf("after healing: %v", err)
	}
}

// TestReplayTimeout points a store at a server that accepts connections
// and never answers: Use gives up after the timeout, refusing the proof.
func TestReplayTimeout(t *testing.T) {
	checkLeaks(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	var mu sync.Mutex
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	client := redis.NewClient(&redis.Options{Addr: l.Addr().String(), ContextTimeoutEnabled: true, MaxRetries: -1})
	s, err := redisstore.NewReplay(redisstore.ReplayConfig{Client: client, Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Use(context.Background(), "k", time.Now().Add(time.Minute))
	if !errors.Is(err, dpop.ErrReplayUnavailable) {
		t.Errorf("Use = %v; want ErrReplayUnavailable after the deadline", err)
	}
	_ = client.Close()
	_ = l.Close()
	<-done
	mu.Lock()
	for _, c := range conns {
		_ = c.Close()
	}
	mu.Unlock()
}

// TestReplayRedisLosesData restarts Redis empty: every replica refuses
// proofs for the lost memory's lifetime, so that a proof accepted before the
// loss cannot be replayed after it, then resumes.
func TestReplayRedisLosesData(t *testing.T) {
	checkLeaks(t)
	srv := redistest.Start(t)
	seedReplayEpoch(t, srv)
	now := time.Now()
	clock := func() time.Time { return now }
	a := newReplica(t, srv.Addr(), clock)
	b := newReplica(t, srv.Addr(), clock)

	proof := newProof(t)
	if err := a.check(t, proof); err != nil {
		t.Fatal(err)
	}
	if err := b.check(t, newProof(t)); err != nil { // B learns the epoch too
		t.Fatal(err)
	}
	srv.Kill()
	if err := a.check(t, newProof(t)); !errors.Is(err, dpop.ErrReplayUnavailable) {
		t.Fatalf("Redis down: %v; want ErrReplayUnavailable", err)
	}
	srv.RestartEmpty()
	if err := b.check(t, proof); !errors.Is(err, dpop.ErrReplayUnavailable) {
		t.Fatalf("replay after the loss: %v; want ErrReplayUnavailable", err)
	}
	if err := a.check(t, newProof(t)); !errors.Is(err, dpop.ErrReplayUnavailable) {
		t.Fatalf("fresh proof during the loss window: %v; want ErrReplayUnavailable", err)
	}
	// Past the longest life of a proof accepted before the loss (the
	// proofs below are made with the real clock, so they are fresh then).
	// The loss window runs from the new epoch's creation, after the
	// restart: count from the real time now.
	now = time.Now().Add(2*dpop.DefaultIATWindow + 11*time.Second)
	if err := b.check(t, proof); !errors.Is(err, dpop.ErrIAT) {
		t.Fatalf("old proof later: %v; want ErrIAT", err)
	}
	for name, r := range map[string]dpopReplica{"A": a, "B": b} {
		if err := r.check(t, proofAt(t, now, "after-"+name)); err != nil {
			t.Fatalf("replica %s after the loss window: %v; want accepted", name, err)
		}
	}
}

// proofAt makes a proof for GET /resource with iat at and jti jti.
func proofAt(t *testing.T, at time.Time, jti string) string {
	t.Helper()
	key := testkeys.P256(t)
	return testkeys.SignClaims(t, "ES256", key,
		map[string]any{"typ": "dpop+jwt", "jwk": testkeys.JWK(t, "", "", key)},
		map[string]any{"jti": jti, "htm": "GET", "htu": "https://api.example.com/resource", "iat": at.Unix()})
}

// TestReplayKeyTTL checks that a key lives until the proof's expiry and no
// longer, under a custom prefix wrapped in a hash tag.
func TestReplayKeyTTL(t *testing.T) {
	checkLeaks(t)
	srv := redistest.Start(t)
	if _, err := srv.Do("HSET", "{p:}replay", "#epoch", "seeded:0"); err != nil {
		t.Fatal(err)
	}
	client := replayClient(t, srv.Addr())
	now := time.Now()
	s, err := redisstore.NewReplay(redisstore.ReplayConfig{Client: client, Prefix: "p:", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Use(context.Background(), "key", now.Add(90*time.Second)); err != nil {
		t.Fatal(err)
	}
	v, err := client.HGet(context.Background(), "{p:}replay", "k:key").Result()
	exp, _, _ := strings.Cut(v, ":")
	ms, perr := strconv.ParseInt(exp, 10, 64)
	if ttl := time.Until(time.UnixMilli(ms)); err != nil || perr != nil || ttl <= 85*time.Second || ttl > 90*time.Second {
		t.Fatalf("HGET = %q, %v; want an expiry about 90 s away", v, err)
	}
	if err := s.Use(context.Background(), "key", now.Add(90*time.Second)); !errors.Is(err, dpop.ErrReplayed) {
		t.Fatalf("second Use = %v", err)
	}
}

func TestNewReplay(t *testing.T) {
	ok := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", ContextTimeoutEnabled: true})
	defer ok.Close()
	noCtx := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer noCtx.Close()
	tests := []struct {
		name string
		cfg  redisstore.ReplayConfig
		ok   bool
	}{
		{"defaults", redisstore.ReplayConfig{Client: ok}, true},
		{"no client", redisstore.ReplayConfig{}, false},
		{"client ignoring context deadlines", redisstore.ReplayConfig{Client: noCtx}, false},
		{"negative timeout", redisstore.ReplayConfig{Client: ok, Timeout: -1}, false},
		{"negative window", redisstore.ReplayConfig{Client: ok, Window: -1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := redisstore.NewReplay(tt.cfg); (err == nil) != tt.ok {
				t.Fatalf("NewReplay = %v; want ok %v", err, tt.ok)
			}
		})
	}
}
