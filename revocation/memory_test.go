package revocation_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/jwtguard/jwtguard/revocation"
)

const iss = "https://idp.example/realms/r"

// clock is a settable clock for tests.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *clock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// checkLeaks verifies, after every other cleanup of t, that no goroutine
// was left running.
func checkLeaks(t *testing.T) {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t) })
}

func newMemory(t *testing.T, cfg revocation.MemoryConfig) *revocation.Memory {
	t.Helper()
	m, err := revocation.NewMemory(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}

func TestMemoryCheck(t *testing.T) {
	checkLeaks(t)
	c := newClock()
	now := c.Now()
	m := newMemory(t, revocation.MemoryConfig{Now: c.Now})
	ctx := context.Background()
	for _, e := range []revocation.Entry{
		revocation.TokenEntry(iss, "jti-1", now.Add(time.Hour)),
		revocation.SessionEntry(iss, "sid-1"),
		revocation.SubjectEntry(iss, "alice", now),
		revocation.ClientEntry(iss, "ansira-client", now),
		revocation.IssuerEntry("https://other.example", now),
	} {
		if err := m.Revoke(ctx, e); err != nil {
			t.Fatalf("Revoke(%v): %v", e, err)
		}
	}
	before, after := now.Add(-time.Minute), now.Add(time.Second)
	tests := []struct {
		name string
		tok  revocation.Token
		want error
	}{
		{"jti revoked", revocation.Token{Issuer: iss, ID: "jti-1", IssuedAt: after}, revocation.ErrRevoked},
		{"jti of another issuer", revocation.Token{Issuer: "https://x", ID: "jti-1"}, nil},
		{"other jti", revocation.Token{Issuer: iss, ID: "jti-2", IssuedAt: before}, nil},
		{"session revoked", revocation.Token{Issuer: iss, SessionID: "sid-1", IssuedAt: after}, revocation.ErrRevoked},
		{"subject issued before cut-off", revocation.Token{Issuer: iss, Subject: "alice", IssuedAt: before}, revocation.ErrRevoked},
		{"subject issued at cut-off", revocation.Token{Issuer: iss, Subject: "alice", IssuedAt: now}, revocation.ErrRevoked},
		{"subject issued after cut-off", revocation.Token{Issuer: iss, Subject: "alice", IssuedAt: after}, nil},
		{"subject without iat", revocation.Token{Issuer: iss, Subject: "alice"}, revocation.ErrRevoked},
		{"other subject", revocation.Token{Issuer: iss, Subject: "bob", IssuedAt: before}, nil},
		{"client before cut-off", revocation.Token{Issuer: iss, ClientID: "ansira-client", IssuedAt: before}, revocation.ErrRevoked},
		{"client after cut-off", revocation.Token{Issuer: iss, ClientID: "ansira-client", IssuedAt: after}, nil},
		{"issuer cut-off", revocation.Token{Issuer: "https://other.example", Subject: "x", IssuedAt: before}, revocation.ErrRevoked},
		{"issuer cut-off, issued after", revocation.Token{Issuer: "https://other.example", IssuedAt: after}, nil},
		{"empty token", revocation.Token{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := m.Check(&tt.tok)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("Check = %v; want %v", err, tt.want)
			}
		})
	}
}

func TestMemoryRevokeInvalid(t *testing.T) {
	checkLeaks(t)
	m := newMemory(t, revocation.MemoryConfig{})
	exp := time.Now().Add(time.Hour)
	tests := []struct {
		name string
		e    revocation.Entry
	}{
		{"no kind", revocation.Entry{Issuer: iss, Value: "x"}},
		{"unknown kind", revocation.Entry{Kind: 9, Issuer: iss, Value: "x"}},
		{"no issuer", revocation.TokenEntry("", "jti", exp)},
		{"token without jti", revocation.TokenEntry(iss, "", exp)},
		{"token without expiry", revocation.TokenEntry(iss, "jti", time.Time{})},
		{"session without sid", revocation.SessionEntry(iss, "")},
		{"subject without sub", revocation.SubjectEntry(iss, "", time.Time{})},
		{"client without id", revocation.ClientEntry(iss, "", time.Time{})},
		{"issuer cut-off with a value", revocation.Entry{Kind: revocation.KindIssuer, Issuer: iss, Value: "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := m.Revoke(context.Background(), tt.e); !errors.Is(err, revocation.ErrInvalidEntry) {
				t.Fatalf("Revoke = %v; want ErrInvalidEntry", err)
			}
		})
	}
	if n := m.Status().Entries; n != 0 {
		t.Fatalf("%d entries stored after invalid revocations", n)
	}
}

func TestMemoryExpiry(t *testing.T) {
	checkLeaks(t)
	c := newClock()
	m := newMemory(t, revocation.MemoryConfig{Now: c.Now, MaxTokenLifetime: time.Hour})
	ctx := context.Background()
	now := c.Now()
	if err := m.Revoke(ctx, revocation.TokenEntry(iss, "jti", now.Add(10*time.Minute))); err != nil {
		t.Fatal(err)
	}
	if err := m.Revoke(ctx, revocation.SessionEntry(iss, "sid")); err != nil {
		t.Fatal(err)
	}
	if err := m.Revoke(ctx, revocation.TokenEntry(iss, "old", now.Add(-time.Second))); err != nil {
		t.Fatalf("an expired token's revocation: %v; want nil (nothing to revoke)", err)
	}
	tok := revocation.Token{Issuer: iss, ID: "jti", SessionID: "sid"}
	sess := revocation.Token{Issuer: iss, SessionID: "sid"}
	if err := m.Check(&tok); !errors.Is(err, revocation.ErrRevoked) {
		t.Fatalf("Check = %v; want ErrRevoked", err)
	}
	c.Advance(10 * time.Minute)
	if err := m.Check(&revocation.Token{Issuer: iss, ID: "jti"}); err != nil {
		t.Fatalf("at the token's exp the jti entry is out of force: Check = %v", err)
	}
	if err := m.Check(&sess); !errors.Is(err, revocation.ErrRevoked) {
		t.Fatalf("session within MaxTokenLifetime: Check = %v; want ErrRevoked", err)
	}
	c.Advance(50 * time.Minute)
	if err := m.Check(&sess); err != nil {
		t.Fatalf("session after MaxTokenLifetime: Check = %v; want nil", err)
	}
	if got, _ := m.Entries(ctx); len(got) != 0 {
		t.Fatalf("Entries = %v; want none in force", got)
	}
}

func TestMemoryFull(t *testing.T) {
	checkLeaks(t)
	c := newClock()
	var refused, stored []revocation.Entry
	var mu sync.Mutex
	m := newMemory(t, revocation.MemoryConfig{Now: c.Now, MaxEntries: 3, OnFull: func(e revocation.Entry) {
		mu.Lock()
		refused = append(refused, e)
		mu.Unlock()
	}, OnRevoke: func(e revocation.Entry) {
		mu.Lock()
		stored = append(stored, e)
		mu.Unlock()
	}})
	ctx := context.Background()
	exp := c.Now().Add(time.Minute)
	for i := range 3 {
		if err := m.Revoke(ctx, revocation.TokenEntry(iss, strconv.Itoa(i), exp)); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Revoke(ctx, revocation.TokenEntry(iss, "0", exp.Add(time.Minute))); err != nil {
		t.Fatalf("extending an entry held: %v; want nil", err)
	}
	err := m.Revoke(ctx, revocation.TokenEntry(iss, "3", exp))
	if !errors.Is(err, revocation.ErrFull) {
		t.Fatalf("Revoke beyond MaxEntries = %v; want ErrFull", err)
	}
	if len(refused) != 1 || refused[0].Value != "3" {
		t.Fatalf("OnFull got %v; want the refused entry", refused)
	}
	if len(stored) != 4 || stored[3].Value != "0" || stored[0].Kind != revocation.KindToken {
		t.Fatalf("OnRevoke got %v; want the three entries and the extension, not the refused one", stored)
	}
	if err := m.Revoke(ctx, revocation.TokenEntry(iss, "past", c.Now().Add(-time.Second))); err != nil || len(stored) != 4 {
		t.Fatalf("an entry already expired: Revoke = %v, OnRevoke calls %d; want nil and no call", err, len(stored))
	}
	c.Advance(time.Minute) // entries 1 and 2 expire
	if err := m.Revoke(ctx, revocation.TokenEntry(iss, "3", exp.Add(time.Hour))); err != nil {
		t.Fatalf("Revoke after entries expired: %v; want nil", err)
	}
	if n := m.Status().Entries; n != 2 {
		t.Fatalf("Entries = %d; want 2", n)
	}
}

func TestMemoryUse(t *testing.T) {
	checkLeaks(t)
	c := newClock()
	m := newMemory(t, revocation.MemoryConfig{Now: c.Now, MaxUsed: 3, MaxTokenLifetime: time.Hour})
	ctx := context.Background()
	until := c.Now().Add(5 * time.Minute)
	steps := []struct {
		name string
		do   func() error
		want error
	}{
		{"first use", func() error { return m.Use(ctx, iss, "a", until) }, nil},
		{"replay", func() error { return m.Use(ctx, iss, "a", until) }, revocation.ErrReplayed},
		{"same id, other issuer", func() error { return m.Use(ctx, iss+"x", "a", until) }, nil},
		{"issuer/id boundary is unambiguous", func() error { return m.Use(ctx, iss, "xa", until) }, nil},
		{"full", func() error { return m.Use(ctx, iss, "b", until) }, revocation.ErrFull},
		{"release", func() error { return m.Release(ctx, iss, "a") }, nil},
		{"use after release", func() error { return m.Use(ctx, iss, "a", until) }, nil},
		{"until in the past", func() error { return m.Use(ctx, iss, "c", c.Now().Add(-time.Second)) }, revocation.ErrInvalidEntry},
		{"no issuer", func() error { return m.Use(ctx, "", "c", until) }, revocation.ErrInvalidEntry},
		{"expired ids leave", func() error { c.Advance(5 * time.Minute); return m.Use(ctx, iss, "b", c.Now().Add(time.Minute)) }, nil},
		{"after expiry the id is new", func() error { return m.Use(ctx, iss, "a", c.Now().Add(time.Minute)) }, nil},
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

func TestMemorySweep(t *testing.T) {
	checkLeaks(t)
	c := newClock()
	m := newMemory(t, revocation.MemoryConfig{Now: c.Now, SweepInterval: time.Millisecond})
	if err := m.Revoke(context.Background(), revocation.TokenEntry(iss, "j", c.Now().Add(time.Second))); err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Second)
	deadline := time.Now().Add(5 * time.Second)
	for m.Status().Entries != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the sweep did not drop the expired entry")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestNewMemoryConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  revocation.MemoryConfig
	}{
		{"negative lifetime", revocation.MemoryConfig{MaxTokenLifetime: -1}},
		{"negative entries", revocation.MemoryConfig{MaxEntries: -1}},
		{"negative used", revocation.MemoryConfig{MaxUsed: -1}},
		{"negative sweep", revocation.MemoryConfig{SweepInterval: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if m, err := revocation.NewMemory(tt.cfg); err == nil {
				_ = m.Close()
				t.Fatal("NewMemory accepted it")
			}
		})
	}
}

// TestMemoryIssuerCutoffSupersedes: a later issuer cut-off replaces an
// earlier one (one entry), and an earlier one added afterwards (a
// write-back, a late feed record) does not move the cut-off back.
func TestMemoryIssuerCutoffSupersedes(t *testing.T) {
	checkLeaks(t)
	c := newClock()
	m := newMemory(t, revocation.MemoryConfig{Now: c.Now, MaxEntries: 1})
	ctx := context.Background()
	t0 := c.Now()
	for _, before := range []time.Time{t0, t0.Add(time.Minute), t0.Add(-time.Minute)} {
		if err := m.Revoke(ctx, revocation.IssuerEntry(iss, before)); err != nil {
			t.Fatalf("cut-off at %v: %v", before, err)
		}
	}
	if n := m.Status().Entries; n != 1 {
		t.Fatalf("Entries = %d; want 1", n)
	}
	if err := m.Check(&revocation.Token{Issuer: iss, IssuedAt: t0.Add(30 * time.Second)}); !errors.Is(err, revocation.ErrRevoked) {
		t.Fatalf("a token issued before the latest cut-off: Check = %v; want ErrRevoked", err)
	}
}
