package backchannel_test

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jwtguard/jwtguard/revocation"
)

// memStore is a small revocation.Store for the tests that inject
// failures or read what was recorded (realstores_test.go runs the handler
// on revocation.NewMemory and on redisstore): a map under a mutex, faithful to the
// contract where the handler relies on it (Use refuses a replay until its
// time, Release forgets, Revoke stores nothing when it fails), with
// failures injected on Revoke and Use.
type memStore struct {
	now func() time.Time

	mu         sync.Mutex
	entries    []revocation.Entry
	used       map[[2]string]time.Time // {issuer, id} -> until
	failRevoke error                   // returned by Revoke when set
	failUse    error                   // returned by Use when set
	revokes    int                     // Revoke calls that stored
	uses       int                     // Use calls that recorded
}

func newMemStore(now func() time.Time) *memStore {
	if now == nil {
		now = time.Now
	}
	return &memStore{now: now, used: make(map[[2]string]time.Time)}
}

func (m *memStore) setFail(revoke, use error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.failRevoke, m.failUse = revoke, use
}

func (m *memStore) Revoke(_ context.Context, e revocation.Entry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failRevoke != nil {
		return m.failRevoke
	}
	if e.Issuer == "" || (e.Kind != revocation.KindIssuer && e.Value == "") {
		return fmt.Errorf("%w: %+v", revocation.ErrInvalidEntry, e)
	}
	if e.Before.IsZero() && e.Kind >= revocation.KindSubject {
		e.Before = m.now()
	}
	// The same revocation twice is one entry (a later cut-off wins).
	for i, old := range m.entries {
		if old.Kind == e.Kind && old.Issuer == e.Issuer && old.Value == e.Value {
			if e.Before.After(old.Before) {
				m.entries[i].Before = e.Before
			}
			m.revokes++
			return nil
		}
	}
	m.entries = append(m.entries, e)
	m.revokes++
	return nil
}

func (m *memStore) Check(t *revocation.Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, e := range m.entries {
		if e.Issuer != t.Issuer {
			continue
		}
		hit := false
		switch e.Kind {
		case revocation.KindToken:
			hit = t.ID != "" && t.ID == e.Value
		case revocation.KindSession:
			hit = t.SessionID != "" && t.SessionID == e.Value
		case revocation.KindSubject:
			hit = t.Subject == e.Value && !t.IssuedAt.After(e.Before)
		case revocation.KindClient:
			hit = t.ClientID == e.Value && !t.IssuedAt.After(e.Before)
		case revocation.KindIssuer:
			hit = !t.IssuedAt.After(e.Before)
		}
		if hit {
			return revocation.ErrRevoked
		}
	}
	return nil
}

func (m *memStore) Entries(context.Context) ([]revocation.Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]revocation.Entry(nil), m.entries...), nil
}

func (m *memStore) Use(_ context.Context, issuer, id string, until time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failUse != nil {
		return m.failUse
	}
	k := [2]string{issuer, id}
	if old, ok := m.used[k]; ok && m.now().Before(old) {
		return fmt.Errorf("%w: %q", revocation.ErrReplayed, id)
	}
	m.used[k] = until
	m.uses++
	return nil
}

func (m *memStore) Release(_ context.Context, issuer, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.used, [2]string{issuer, id})
	return nil
}

// usedUntil returns when the store forgets id, and whether it holds it.
func (m *memStore) usedUntil(issuer, id string) (time.Time, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.used[[2]string{issuer, id}]
	return t, ok
}

func (m *memStore) Status() revocation.Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	return revocation.Status{InSync: true, Entries: len(m.entries)}
}

func (m *memStore) Close() error { return nil }

var _ revocation.Store = (*memStore)(nil)
