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
