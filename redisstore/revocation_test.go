package redisstore_test

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/jwtguard/jwtguard/internal/redistest"
	"github.com/jwtguard/jwtguard/redisstore"
	"github.com/jwtguard/jwtguard/revocation"
)

const iss = "https://idp.example/realms/r"

// Short settings, so that the whole package runs in seconds: a replica is
// out of sync after 400 ms and retries every 50 ms at most.
const (
	testMaxLag  = 400 * time.Millisecond
	testBackoff = 50 * time.Millisecond
	waitFor     = 10 * time.Second // the bound on healing the issue sets
)

func newClient(t testing.TB, addr string) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{
		Addr:        addr,
		DialTimeout: 500 * time.Millisecond,
		MaxRetries:  1,
	})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// replica starts a store on a client of its own, as a replica of a service
// would, and waits until it has loaded the state (unless the config says
// not to wait by setting mod's return to false).
func replica(t testing.TB, addr string, mod func(*redisstore.RevocationConfig)) *redisstore.Revocation {
	t.Helper()
	cfg := redisstore.RevocationConfig{
		Client:        newClient(t, addr),
		Prefix:        "test",
		MaxLag:        testMaxLag,
		MaxBackoff:    testBackoff,
		SweepInterval: 50 * time.Millisecond,
		Logger:        slog.New(slog.DiscardHandler),
	}
	if mod != nil {
		mod(&cfg)
	}
	s, err := redisstore.NewRevocation(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func synced(t testing.TB, stores ...*redisstore.Revocation) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	for _, s := range stores {
		if err := s.WaitSynced(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, within time.Duration, what string, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s: %v", what, within, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// refuses returns a condition: s refuses tok with want.
func refuses(s revocation.Checker, tok revocation.Token, want error) func() error {
	return func() error {
		if err := s.Check(&tok); !errors.Is(err, want) {
			return errors.New("Check = " + errString(err) + "; want " + want.Error())
		}
		return nil
	}
}

func accepts(s revocation.Checker, tok revocation.Token) func() error {
	return func() error {
		if err := s.Check(&tok); err != nil {
			return errors.New("Check = " + err.Error() + "; want nil")
		}
		return nil
	}
}

func errString(err error) string {
	if err == nil {
		return "nil"
	}
	return err.Error()
}

func mustRevoke(t testing.TB, s revocation.Store, e revocation.Entry) {
	t.Helper()
	if err := s.Revoke(context.Background(), e); err != nil {
		t.Fatalf("Revoke(%v %q): %v", e.Kind, e.Value, err)
	}
}

func TestReplicasShareRevocations(t *testing.T) {
	checkLeaks(t)
	srv := redistest.Start(t)
	a, b, c := replica(t, srv.Addr(), nil), replica(t, srv.Addr(), nil), replica(t, srv.Addr(), nil)
	synced(t, a, b, c)
	now := time.Now()
	old := now.Add(-time.Minute)
	tests := []struct {
		name  string
		on    *redisstore.Revocation
		entry revocation.Entry
		tok   revocation.Token
	}{
		{"token", a, revocation.TokenEntry(iss, "jti-1", now.Add(time.Hour)), revocation.Token{Issuer: iss, ID: "jti-1"}},
		{"session", b, revocation.SessionEntry(iss, "sid-1"), revocation.Token{Issuer: iss, SessionID: "sid-1"}},
		{"subject", c, revocation.SubjectEntry(iss, "alice", time.Time{}), revocation.Token{Issuer: iss, Subject: "alice", IssuedAt: old}},
		{"client", a, revocation.ClientEntry(iss, "ansira", time.Time{}), revocation.Token{Issuer: iss, ClientID: "ansira", IssuedAt: old}},
		{"issuer", b, revocation.IssuerEntry(iss, time.Time{}), revocation.Token{Issuer: iss, ID: "any", IssuedAt: old}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustRevoke(t, tt.on, tt.entry)
			if err := tt.on.Check(&tt.tok); !errors.Is(err, revocation.ErrRevoked) {
				t.Fatalf("on the replica that revoked: Check = %v; want ErrRevoked at once", err)
			}
			for i, r := range []*redisstore.Revocation{a, b, c} {
				eventually(t, waitFor, "replica "+strconv.Itoa(i), refuses(r, tt.tok, revocation.ErrRevoked))
			}
		})
	}
	fresh := revocation.Token{Issuer: iss, ID: "jti-2", Subject: "bob", IssuedAt: now.Add(time.Minute)}
	for _, r := range []*redisstore.Revocation{a, b, c} {
		if err := r.Check(&fresh); err != nil {
			t.Fatalf("a token no entry matches: Check = %v", err)
		}
	}
	// A replica started now loads every entry before it answers.
	d := replica(t, srv.Addr(), nil)
	synced(t, d)
	for _, tt := range tests {
		if err := d.Check(&tt.tok); !errors.Is(err, revocation.ErrRevoked) {
			t.Fatalf("new replica, %s: Check = %v; want ErrRevoked", tt.name, err)
		}
	}
	if st := d.Status(); !st.InSync || st.Entries != len(tests) || st.LastError != nil || st.Lag != 0 {
		t.Fatalf("Status = %+v; want in sync with %d entries", st, len(tests))
	}
	list, err := a.Entries(context.Background())
	if err != nil || len(list) != len(tests) {
		t.Fatalf("Entries = %d entries, %v; want %d", len(list), err, len(tests))
	}
}

func TestRedisRestartsEmpty(t *testing.T) {
	checkLeaks(t)
	srv := redistest.Start(t)
	var written atomic.Int64 // by either replica: the first to notice writes back
	hook := func(c *redisstore.RevocationConfig) {
		c.Hooks.OnWriteBack = func(n int) { written.Add(int64(n)) }
	}
	a, b := replica(t, srv.Addr(), hook), replica(t, srv.Addr(), hook)
	synced(t, a, b)
	tok := revocation.Token{Issuer: iss, SessionID: "sid-1"}
	mustRevoke(t, a, revocation.SessionEntry(iss, "sid-1"))
	eventually(t, waitFor, "b sees the revocation", refuses(b, tok, revocation.ErrRevoked))

	srv.Kill()
	srv.RestartEmpty()
	// The replicas notice the new, empty Redis and write back what they
	// know: a replica started afterwards sees the entry.
	eventually(t, waitFor, "entry written back", func() error {
		r, err := srv.Do("HLEN", "{test}:entries")
		if err != nil || r != ":3" { // the entry, the epoch and the sequence
			return errors.New("HLEN = " + r)
		}
		return nil
	})
	c := replica(t, srv.Addr(), nil)
	synced(t, c)
	if err := c.Check(&tok); !errors.Is(err, revocation.ErrRevoked) {
		t.Fatalf("replica started after the empty restart: Check = %v; want ErrRevoked", err)
	}
	if written.Load() == 0 {
		t.Fatal("OnWriteBack not called")
	}
	// And the fleet goes on sharing revocations.
	mustRevoke(t, c, revocation.SessionEntry(iss, "sid-2"))
	eventually(t, waitFor, "a sees a revocation made after the restart",
		refuses(a, revocation.Token{Issuer: iss, SessionID: "sid-2"}, revocation.ErrRevoked))
	eventually(t, waitFor, "a back in sync", func() error {
		if st := a.Status(); !st.InSync {
			return errors.New("not in sync")
		}
		return nil
	})
}

func TestRedisRestartsWithData(t *testing.T) {
	checkLeaks(t)
	srv := redistest.Start(t)
	a, b := replica(t, srv.Addr(), nil), replica(t, srv.Addr(), nil)
	synced(t, a, b)
	saved := revocation.Token{Issuer: iss, SessionID: "saved"}
	unsaved := revocation.Token{Issuer: iss, SessionID: "unsaved"}
	mustRevoke(t, a, revocation.SessionEntry(iss, "saved"))
	srv.Stop(true)
	srv.Restart()
	eventually(t, waitFor, "a revokes again after the restart", func() error {
		return a.Revoke(context.Background(), revocation.SessionEntry(iss, "unsaved"))
	})
	eventually(t, waitFor, "b sees the revocation made after the restart", refuses(b, unsaved, revocation.ErrRevoked))
	// Redis dies before saving again: it comes back with the older save,
	// without "unsaved". The replicas notice it went back and write it back.
	srv.Kill()
	srv.Restart()
	c := replica(t, srv.Addr(), nil)
	synced(t, c)
	eventually(t, waitFor, "a replica started afterwards sees both", func() error {
		if err := refuses(c, saved, revocation.ErrRevoked)(); err != nil {
			return err
		}
		return refuses(c, unsaved, revocation.ErrRevoked)()
	})
}

func TestPartitionHeals(t *testing.T) {
	checkLeaks(t)
	srv := redistest.Start(t)
	proxy := redistest.NewProxy(t, srv.Addr())
	a := replica(t, proxy.Addr(), nil)
	b := replica(t, srv.Addr(), nil)
	synced(t, a, b)
	proxy.Cut()
	if err := a.Revoke(context.Background(), revocation.SessionEntry(iss, "from-a")); err == nil {
		t.Fatal("Revoke through a cut link returned nil")
	}
	var toks []revocation.Token
	for i := range 5 {
		sid := "during-" + strconv.Itoa(i)
		mustRevoke(t, b, revocation.SessionEntry(iss, sid))
		toks = append(toks, revocation.Token{Issuer: iss, SessionID: sid})
	}
	healed := time.Now()
	proxy.Heal()
	for _, tok := range toks {
		eventually(t, waitFor-time.Since(healed), "a catches up with "+tok.SessionID, refuses(a, tok, revocation.ErrRevoked))
	}
	t.Logf("caught up %s after the link healed", time.Since(healed).Round(time.Millisecond))
	if err := b.Check(&revocation.Token{Issuer: iss, SessionID: "from-a"}); err != nil {
		t.Fatalf("a revocation that returned an error reached b: %v", err)
	}
}

func TestMaxLag(t *testing.T) {
	checkLeaks(t)
	srv := redistest.Start(t)
	proxy := redistest.NewProxy(t, srv.Addr())
	strict := replica(t, proxy.Addr(), nil)
	stale := replica(t, proxy.Addr(), func(c *redisstore.RevocationConfig) { c.InsecureServeStale = true })
	synced(t, strict, stale)
	tok := revocation.Token{Issuer: iss, ID: "j", SessionID: "s"}
	if err := strict.Check(&tok); err != nil {
		t.Fatalf("in sync: Check = %v", err)
	}
	proxy.Cut()
	eventually(t, waitFor, "out of sync after MaxLag", refuses(strict, tok, revocation.ErrUnavailable))
	st := strict.Status()
	if st.InSync || st.Lag < testMaxLag || st.LastError == nil {
		t.Fatalf("Status = %+v; want out of sync, lag ≥ %s, an error", st, testMaxLag)
	}
	if err := stale.Check(&tok); err != nil {
		t.Fatalf("InsecureServeStale: Check = %v; want nil", err)
	}
	// A revoked token is refused even out of sync: the copy only lags.
	proxy.Heal()
	eventually(t, waitFor, "back in sync", accepts(strict, tok))
	if st := strict.Status(); !st.InSync || st.Lag != 0 || st.LastError != nil {
		t.Fatalf("Status = %+v; want in sync", st)
	}
}

func TestRevokeWithoutRedis(t *testing.T) {
	checkLeaks(t)
	srv := redistest.Start(t)
	a := replica(t, srv.Addr(), nil)
	synced(t, a)
	srv.Kill()
	err := a.Revoke(context.Background(), revocation.SessionEntry(iss, "s"))
	if err == nil || errors.Is(err, revocation.ErrFull) {
		t.Fatalf("Revoke with Redis down = %v; want a connection error", err)
	}
	if err := a.Check(&revocation.Token{Issuer: iss, SessionID: "s"}); err != nil && !errors.Is(err, revocation.ErrUnavailable) {
		t.Fatalf("a failed revocation must not be applied locally: Check = %v", err)
	}
	if err := a.Use(context.Background(), iss, "jti", time.Now().Add(time.Minute)); err == nil || errors.Is(err, revocation.ErrReplayed) {
		t.Fatalf("Use with Redis down = %v; want a connection error", err)
	}
}

func TestNotSyncedYet(t *testing.T) {
	checkLeaks(t)
	srv := redistest.Start(t)
	addr := srv.Addr()
	srv.Kill()
	strict := replica(t, addr, nil)
	insecure := replica(t, addr, func(c *redisstore.RevocationConfig) { c.InsecureServeStale = true })
	tok := revocation.Token{Issuer: iss, ID: "j"}
	if err := strict.Check(&tok); !errors.Is(err, revocation.ErrUnavailable) {
		t.Fatalf("before the first load: Check = %v; want ErrUnavailable", err)
	}
	if err := insecure.Check(&tok); err != nil {
		t.Fatalf("InsecureServeStale before the first load: Check = %v; want nil", err)
	}
	eventually(t, waitFor, "an error in Status", func() error {
		if st := strict.Status(); st.InSync || st.LastError == nil {
			return errors.New("no error reported")
		}
		return nil
	})
	srv.Restart()
	synced(t, strict)
	eventually(t, waitFor, "serving", accepts(strict, tok))
}

func TestUseOnAnotherReplica(t *testing.T) {
	checkLeaks(t)
	srv := redistest.Start(t)
	a, b := replica(t, srv.Addr(), nil), replica(t, srv.Addr(), nil)
	ctx := context.Background()
	until := time.Now().Add(5 * time.Minute)
	steps := []struct {
		name string
		do   func() error
		want error
	}{
		{"first use on a", func() error { return a.Use(ctx, iss, "logout-jti", until) }, nil},
		{"replayed on b", func() error { return b.Use(ctx, iss, "logout-jti", until) }, revocation.ErrReplayed},
		{"replayed on a", func() error { return a.Use(ctx, iss, "logout-jti", until) }, revocation.ErrReplayed},
		{"other issuer", func() error { return b.Use(ctx, iss+"/other", "logout-jti", until) }, nil},
		{"released on a", func() error { return a.Release(ctx, iss, "logout-jti") }, nil},
		{"retry on b after release", func() error { return b.Use(ctx, iss, "logout-jti", until) }, nil},
		{"until in the past", func() error { return b.Use(ctx, iss, "x", time.Now().Add(-time.Second)) }, revocation.ErrInvalidEntry},
		{"short-lived", func() error { return a.Use(ctx, iss, "short", time.Now().Add(50*time.Millisecond)) }, nil},
		{"forgotten after until", func() error {
			time.Sleep(100 * time.Millisecond) // Redis's own expiry: no clock to inject
			return b.Use(ctx, iss, "short", until)
		}, nil},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			err := s.do()
			if s.want == nil && err != nil || s.want != nil && !errors.Is(err, s.want) {
				t.Fatalf("got %v; want %v", err, s.want)
			}
		})
	}
}

func TestFull(t *testing.T) {
	checkLeaks(t)
	srv := redistest.Start(t)
	var refused, stored atomic.Int64
	a := replica(t, srv.Addr(), func(c *redisstore.RevocationConfig) {
		c.MaxEntries = 2
		c.Hooks.OnFull = func(revocation.Entry) { refused.Add(1) }
		c.Hooks.OnRevoke = func(revocation.Entry) { stored.Add(1) }
	})
	synced(t, a)
	ctx := context.Background()
	exp := time.Now().Add(300 * time.Millisecond)
	mustRevoke(t, a, revocation.TokenEntry(iss, "1", exp))
	mustRevoke(t, a, revocation.TokenEntry(iss, "2", exp))
	mustRevoke(t, a, revocation.TokenEntry(iss, "2", exp.Add(time.Hour))) // extends, not new
	err := a.Revoke(ctx, revocation.TokenEntry(iss, "3", exp))
	if !errors.Is(err, revocation.ErrFull) {
		t.Fatalf("beyond MaxEntries: Revoke = %v; want ErrFull", err)
	}
	if refused.Load() != 1 {
		t.Fatalf("OnFull called %d times; want 1", refused.Load())
	}
	if stored.Load() != 3 {
		t.Fatalf("OnRevoke called %d times; want 3 (two entries, one extension)", stored.Load())
	}
	if err := a.Check(&revocation.Token{Issuer: iss, ID: "3"}); err != nil {
		t.Fatalf("a refused entry is in force: %v", err)
	}
	// Once an entry expires, there is room again.
	eventually(t, waitFor, "room after expiry", func() error {
		return a.Revoke(ctx, revocation.TokenEntry(iss, "3", time.Now().Add(time.Hour)))
	})
}

func TestExpiry(t *testing.T) {
	checkLeaks(t)
	srv := redistest.Start(t)
	a, b := replica(t, srv.Addr(), nil), replica(t, srv.Addr(), nil)
	synced(t, a, b)
	tok := revocation.Token{Issuer: iss, ID: "short"}
	mustRevoke(t, a, revocation.TokenEntry(iss, "short", time.Now().Add(time.Second)))
	eventually(t, waitFor, "b refuses", refuses(b, tok, revocation.ErrRevoked))
	eventually(t, waitFor, "b accepts once the token would have expired", accepts(b, tok))
	// Redis drops it too: the sweep removes it, and the keys expire with
	// their last entry. (The replicas then find the epoch gone with the
	// entries hash and make a new one: the hash may come back holding only
	// that.)
	eventually(t, waitFor, "Redis drops the entry", func() error {
		if r, err := srv.Do("EXISTS", "{test}:expiry", "{test}:feed"); err != nil || r != ":0" {
			return errors.New("EXISTS = " + r)
		}
		if r, err := srv.Do("HEXISTS", "{test}:entries", "1|"+strconv.Itoa(len(iss))+"|"+iss+"short"); err != nil || r != ":0" {
			return errors.New("HEXISTS = " + r)
		}
		if r, err := srv.Do("HLEN", "{test}:entries"); err != nil || (r != ":0" && r != ":1") {
			return errors.New("HLEN = " + r)
		}
		return nil
	})
	list, err := b.Entries(context.Background())
	if err != nil || len(list) != 0 {
		t.Fatalf("Entries = %v, %v; want none", list, err)
	}
}

func TestNewRevocationConfig(t *testing.T) {
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer c.Close()
	tests := []struct {
		name string
		cfg  redisstore.RevocationConfig
	}{
		{"no client", redisstore.RevocationConfig{}},
		{"negative lag", redisstore.RevocationConfig{Client: c, MaxLag: -1}},
		{"negative entries", redisstore.RevocationConfig{Client: c, MaxEntries: -1}},
		{"backoff above 5 s", redisstore.RevocationConfig{Client: c, MaxBackoff: 6 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if s, err := redisstore.NewRevocation(tt.cfg); err == nil {
				_ = s.Close()
				t.Fatal("NewRevocation accepted it")
			}
		})
	}
}

// TestRedisFlushed: Redis emptied while running (FLUSHALL, no restart, no
// broken connection): the replicas notice the missing epoch on their next
// heartbeat and write back.
func TestRedisFlushed(t *testing.T) {
	checkLeaks(t)
	srv := redistest.Start(t)
	a := replica(t, srv.Addr(), nil)
	synced(t, a)
	mustRevoke(t, a, revocation.SubjectEntry(iss, "alice", time.Time{}))
	if r, err := srv.Do("FLUSHALL"); err != nil || r != "+OK" {
		t.Fatalf("FLUSHALL: %q %v", r, err)
	}
	eventually(t, waitFor, "entry written back", func() error {
		if r, err := srv.Do("HLEN", "{test}:entries"); err != nil || r != ":3" { // the entry, the epoch and the sequence
			return errors.New("HLEN = " + r)
		}
		return nil
	})
	b := replica(t, srv.Addr(), nil)
	synced(t, b)
	if err := b.Check(&revocation.Token{Issuer: iss, Subject: "alice", IssuedAt: time.Now().Add(-time.Hour)}); !errors.Is(err, revocation.ErrRevoked) {
		t.Fatalf("after the flush: Check = %v; want ErrRevoked", err)
	}
}

// TestFeedGap: a change whose feed record a replica never read (trimmed
// from the stream first) is caught by the sequence numbers, and the
// replica reloads the state. The test writes such a change by hand: the
// entry and the sequence, no record.
func TestFeedGap(t *testing.T) {
	checkLeaks(t)
	srv := redistest.Start(t)
	a, b := replica(t, srv.Addr(), nil), replica(t, srv.Addr(), nil)
	synced(t, a, b)
	exp := strconv.FormatInt(time.Now().Add(time.Hour).UnixMilli(), 10)
	lostChange := func(sid string) {
		t.Helper()
		field := "2|" + strconv.Itoa(len(iss)) + "|" + iss + sid
		for _, cmd := range [][]string{
			{"HSET", "{test}:entries", field, exp + "|0"},
			{"ZADD", "{test}:expiry", exp, field},
			{"HINCRBY", "{test}:entries", "#seq", "1"},
		} {
			if _, err := srv.Do(cmd...); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name string
		then func(sid string)
	}{
		{"a later record skips a number", func(sid string) { mustRevoke(t, b, revocation.SessionEntry(iss, sid+"-next")) }},
		{"no record follows", func(string) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sid := "lost-" + strconv.Itoa(len(tt.name))
			lostChange(sid)
			tt.then(sid)
			eventually(t, waitFor, "a reloads", refuses(a, revocation.Token{Issuer: iss, SessionID: sid}, revocation.ErrRevoked))
		})
	}
}

// TestCutoffSupersedes: repeated cut-offs of one subject take one entry in
// Redis, which keeps the latest cut-off even when an earlier one is revoked
// (or written back) afterwards; every replica sees that one.
func TestCutoffSupersedes(t *testing.T) {
	checkLeaks(t)
	srv := redistest.Start(t)
	a := replica(t, srv.Addr(), func(c *redisstore.RevocationConfig) { c.MaxEntries = 1 })
	synced(t, a)
	t0 := time.Now().Truncate(time.Millisecond)
	for _, before := range []time.Time{t0.Add(-time.Minute), t0, t0.Add(-2 * time.Minute)} {
		mustRevoke(t, a, revocation.SubjectEntry(iss, "alice", before))
	}
	b := replica(t, srv.Addr(), nil)
	synced(t, b)
	for _, s := range []*redisstore.Revocation{a, b} {
		list, err := s.Entries(context.Background())
		if err != nil || len(list) != 1 || !list[0].Before.Equal(t0) {
			t.Fatalf("Entries = %+v, %v; want one cut-off at %v", list, err, t0)
		}
		if n := s.Status().Entries; n != 1 {
			t.Fatalf("local entries = %d; want 1", n)
		}
		eventually(t, waitFor, "the latest cut-off applies", refuses(s, revocation.Token{Issuer: iss, Subject: "alice", IssuedAt: t0.Add(-time.Second)}, revocation.ErrRevoked))
	}
}

// TestExpirySetRepaired: an expiry set lost on its own (evicted) is put
// back by the next load, so that the sweep and the cap find the entries.
func TestExpirySetRepaired(t *testing.T) {
	checkLeaks(t)
	srv := redistest.Start(t)
	a := replica(t, srv.Addr(), nil)
	synced(t, a)
	mustRevoke(t, a, revocation.SessionEntry(iss, "s1"))
	mustRevoke(t, a, revocation.SessionEntry(iss, "s2"))
	if r, err := srv.Do("DEL", "{test}:expiry"); err != nil || r != ":1" {
		t.Fatalf("DEL = %q, %v", r, err)
	}
	b := replica(t, srv.Addr(), nil)
	synced(t, b)
	if r, err := srv.Do("ZCARD", "{test}:expiry"); err != nil || r != ":2" {
		t.Fatalf("ZCARD = %q, %v; want 2", r, err)
	}
	if r, err := srv.Do("PTTL", "{test}:expiry"); err != nil || !strings.HasPrefix(r, ":") || r == ":-1" {
		t.Fatalf("PTTL = %q, %v; want an expiry", r, err)
	}
}
