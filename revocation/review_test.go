package revocation_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jwtguard/jwtguard/revocation"
)

// TestReview_RepeatedCutoffsFillStore: every back-channel logout without a
// sid revokes the subject's tokens issued at or before the logout token's
// iat (and every re-generated Ansira assertion a client's): one more
// KindSubject/KindClient entry for the same subject or client, each with
// its own cut-off. With the default expiry, a later cut-off revokes every
// token an earlier one does and lives at least as long, yet each is kept:
// in one hash chain (one value, one hash), so a check of that subject
// walks all of them, and each counts against MaxEntries. A user who logs
// in and out once a second holds 86,400 entries a day; a dozen such users
// fill the default cap, and then every revocation of every user fails
// with ErrFull (a back-channel logout answers 503, the token stays good).
// A cut-off superseded by a later one of the same (issuer, kind, value)
// should not take room.
func TestReview_RepeatedCutoffsFillStore(t *testing.T) {
	checkLeaks(t)
	for _, kind := range []revocation.Kind{revocation.KindSubject, revocation.KindClient} {
		t.Run(kind.String(), func(t *testing.T) {
			c := newClock()
			m := newMemory(t, revocation.MemoryConfig{Now: c.Now, MaxEntries: 10})
			ctx := context.Background()
			for i := range 50 {
				e := revocation.Entry{Kind: kind, Issuer: iss, Value: "mallory", Before: c.Now()}
				if err := m.Revoke(ctx, e); err != nil {
					t.Fatalf("cut-off %d of one %s: %v; want nil (it supersedes the earlier ones)", i, kind, err)
				}
				c.Advance(time.Second)
			}
			// The room is still there for everyone else.
			if err := m.Revoke(ctx, revocation.SessionEntry(iss, "victim-session")); errors.Is(err, revocation.ErrFull) {
				t.Fatalf("another user's logout: %v", err)
			}
			if n := m.Status().Entries; n > 2 {
				t.Fatalf("Entries = %d after repeated cut-offs of one %s; want the latest only (plus the session)", n, kind)
			}
		})
	}
}

// TestReview_FarFutureTimes: Index keeps times as int64 nanoseconds
// (time.Time.UnixNano, undefined after 2262). A token whose exp says
// "never" in the usual way (9999-12-31T23:59:59Z) and that an operator
// revokes as leaked: Revoke returns nil, and the entry is dropped on the
// spot as already expired, because its expiry wrapped around to a time in
// the past. The same happens to a cut-off far ahead, and to a token's iat
// far ahead or far back.
func TestReview_FarFutureTimes(t *testing.T) {
	checkLeaks(t)
	never := time.Unix(253402300799, 0) // 9999-12-31T23:59:59Z
	c := newClock()
	m := newMemory(t, revocation.MemoryConfig{Now: c.Now})
	ctx := context.Background()
	if err := m.Revoke(ctx, revocation.TokenEntry(iss, "leaked", never)); err != nil {
		t.Fatal(err)
	}
	if err := m.Check(&revocation.Token{Issuer: iss, ID: "leaked", ExpiresAt: never}); !errors.Is(err, revocation.ErrRevoked) {
		t.Fatalf("a revoked token whose exp is %s: Check = %v; want ErrRevoked", never.UTC(), err)
	}
	if err := m.Revoke(ctx, revocation.SubjectEntry(iss, "alice", never)); err != nil {
		t.Fatal(err)
	}
	if err := m.Check(&revocation.Token{Issuer: iss, Subject: "alice", IssuedAt: c.Now()}); !errors.Is(err, revocation.ErrRevoked) {
		t.Fatalf("a token issued now, cut-off at %s: Check = %v; want ErrRevoked", never.UTC(), err)
	}
	if err := m.Check(&revocation.Token{Issuer: iss, Subject: "alice", IssuedAt: time.Unix(-1<<40, 0)}); !errors.Is(err, revocation.ErrRevoked) {
		t.Fatalf("a token issued long ago: Check = %v; want ErrRevoked", err)
	}
}
