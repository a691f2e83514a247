package revocation

import (
	"errors"
	"testing"
	"time"
)

// TestIndexHashCollision puts an entry where another value's hash leads: a
// token with that other value finds it and must not be revoked by it.
func TestIndexHashCollision(t *testing.T) {
	x := NewIndex(nil)
	e, err := SessionEntry("iss", "victim-session").Normalize(time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	n := nodeOf(e)
	n.hash = hashOf(KindSession, "innocent-session") // as if the two collided
	x.mu.Lock()
	x.addLocked(n)
	x.n++
	x.mu.Unlock()
	if err := x.Check(&Token{Issuer: "iss", SessionID: "innocent-session"}); err != nil {
		t.Fatalf("a hash collision revoked another session: %v", err)
	}
	// The same chain also holds the real entry for the colliding value.
	real, _ := SessionEntry("iss", "innocent-session").Normalize(time.Now(), time.Hour)
	x.Add(real)
	if err := x.Check(&Token{Issuer: "iss", SessionID: "innocent-session"}); !errors.Is(err, ErrRevoked) {
		t.Fatalf("behind a colliding node: Check = %v; want ErrRevoked", err)
	}
	if err := x.Check(&Token{Issuer: "other", SessionID: "innocent-session"}); err != nil {
		t.Fatalf("same value, other issuer: Check = %v; want nil", err)
	}
}
