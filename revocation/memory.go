package revocation

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// MemoryConfig configures a Memory store. The zero value is usable.
type MemoryConfig struct {
	// MaxTokenLifetime is how long an entry without Expires stays in force
	// after its cut-off, and the longest a one-time identifier is kept. If
	// zero, DefaultMaxTokenLifetime (24 h).
	MaxTokenLifetime time.Duration
	// MaxEntries caps the entries held; Revoke of a new entry beyond it
	// returns ErrFull. If zero, DefaultMaxEntries (1,000,000).
	MaxEntries int
	// MaxUsed caps the one-time identifiers (Use) held; Use beyond it
	// returns ErrFull. If zero, DefaultMaxUsed (100,000).
	MaxUsed int
	// OnFull, if set, is called (synchronously, keep it short) with the
	// entry that Revoke refused because the store is full.
	OnFull func(Entry)
	// OnRevoke, if set, is called (synchronously, keep it short) with each
	// entry Revoke accepted (a new one, one that extends an entry held, or
	// one that repeats an entry held), for metrics: count revocations by
	// Kind. Never use its Value or Issuer as a metric label.
	OnRevoke func(Entry)
	// SweepInterval is how often expired entries and identifiers are
	// dropped (they stop counting at once; the sweep gives back their
	// memory). If zero, one minute.
	SweepInterval time.Duration
	// Now is the clock. If nil, time.Now.
	Now func() time.Time
}

// Memory is a Store for one process. Check reads a lock-free Index. Close
// stops its sweep goroutine.
type Memory struct {
	cfg   MemoryConfig
	index *Index
	used  *usedSet
	mu    sync.Mutex // serializes Revoke's cap check and add

	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
}

var _ Store = (*Memory)(nil)

// NewMemory returns a Memory store and starts its sweep goroutine; call
// Close when done.
func NewMemory(cfg MemoryConfig) (*Memory, error) {
	if err := cfg.fill(); err != nil {
		return nil, err
	}
	m := &Memory{
		cfg:   cfg,
		index: NewIndex(cfg.Now),
		used:  newUsedSet(cfg.MaxUsed),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	go m.sweep()
	return m, nil
}

func (c *MemoryConfig) fill() error {
	switch {
	case c.MaxTokenLifetime < 0:
		return errors.New("revocation: MaxTokenLifetime is negative")
	case c.MaxEntries < 0:
		return errors.New("revocation: MaxEntries is negative")
	case c.MaxUsed < 0:
		return errors.New("revocation: MaxUsed is negative")
	case c.SweepInterval < 0:
		return errors.New("revocation: SweepInterval is negative")
	}
	if c.MaxTokenLifetime == 0 {
		c.MaxTokenLifetime = DefaultMaxTokenLifetime
	}
	if c.MaxEntries == 0 {
		c.MaxEntries = DefaultMaxEntries
	}
	if c.MaxUsed == 0 {
		c.MaxUsed = DefaultMaxUsed
	}
	if c.SweepInterval == 0 {
		c.SweepInterval = time.Minute
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return nil
}

// Check returns an error wrapping ErrRevoked when an entry in force
// matches t, else nil. It takes no lock and does not allocate.
func (m *Memory) Check(t *Token) error { return m.index.Check(t) }

// Revoke stores e (see Entry.Normalize for the defaults). An entry that
// has already expired is not stored and Revoke returns nil: it could
// revoke nothing. A new entry beyond MaxEntries returns an error wrapping
// ErrFull after calling OnFull.
func (m *Memory) Revoke(_ context.Context, e Entry) error {
	now := m.cfg.Now()
	e, err := e.Normalize(now, m.cfg.MaxTokenLifetime)
	if err != nil {
		return err
	}
	if !e.Expires.After(now) {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.index.Len() >= m.cfg.MaxEntries && !m.index.Contains(e) {
		m.index.Prune()
		if m.index.Len() >= m.cfg.MaxEntries {
			if m.cfg.OnFull != nil {
				m.cfg.OnFull(e)
			}
			return fmt.Errorf("%w: %d entries in force", ErrFull, m.cfg.MaxEntries)
		}
	}
	m.index.Add(e)
	if m.cfg.OnRevoke != nil {
		m.cfg.OnRevoke(e)
	}
	return nil
}

// Entries lists the entries in force.
func (m *Memory) Entries(context.Context) ([]Entry, error) { return m.index.Entries(), nil }

// Use records the one-time identifier id of issuer until the given time
// (at most MaxTokenLifetime from now). It returns an error wrapping
// ErrReplayed when id is already recorded, ErrFull beyond MaxUsed, and
// ErrInvalidEntry when an argument is empty or until is not in the future.
func (m *Memory) Use(_ context.Context, issuer, id string, until time.Time) error {
	now := m.cfg.Now()
	until, err := UseUntil(issuer, id, until, now, m.cfg.MaxTokenLifetime)
	if err != nil {
		return err
	}
	return m.used.use(UsedKey(issuer, id), now.UnixNano(), until.UnixNano())
}

// Release forgets the identifier id of issuer recorded by Use.
func (m *Memory) Release(_ context.Context, issuer, id string) error {
	m.used.release(UsedKey(issuer, id))
	return nil
}

// Status reports the entries held (an expired entry counts until the next
// sweep); a Memory store is always in sync.
func (m *Memory) Status() Status {
	return Status{InSync: true, LastSync: m.cfg.Now(), Entries: m.index.Len()}
}

// Close stops the sweep goroutine. It is safe to call more than once.
func (m *Memory) Close() error {
	m.stopOnce.Do(func() { close(m.stop) })
	<-m.done
	return nil
}

func (m *Memory) sweep() {
	defer close(m.done)
	tick := time.NewTicker(m.cfg.SweepInterval)
	defer tick.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-tick.C:
			m.index.Prune()
			m.used.prune(m.cfg.Now().UnixNano())
		}
	}
}
