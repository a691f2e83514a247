package dpop

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"
)

// ReplayStore remembers the proofs a Checker accepted, so that each is
// accepted once.
//
// Use records key until the time until and returns nil when key was not
// recorded before (or its record has expired), an error wrapping ErrReplayed
// when it was, or an error wrapping ErrReplayUnavailable when the store
// cannot tell (full, timed out, unreachable, ctx done). The check and the
// record must be one atomic step: two concurrent calls with one key must
// not both return nil. A Checker passes keys of at most 64 bytes that
// derive from the proof's jti and its key's thumbprint.
type ReplayStore interface {
	Use(ctx context.Context, key string, until time.Time) error
}

// Defaults of MemoryReplayConfig.
const (
	// DefaultMaxEntries bounds a MemoryReplay: about 50 MB at most, and room
	// for some 8,700 proofs a second with the default 60 s window.
	DefaultMaxEntries = 1 << 20
	// DefaultSweepInterval is how often each shard of a MemoryReplay drops
	// its expired entries, at the latest.
	DefaultSweepInterval = 30 * time.Second
)

// replayShards is the number of independently locked parts of a
// MemoryReplay, so that concurrent requests rarely wait on one another.
const replayShards = 32

// MemoryReplayConfig configures a MemoryReplay.
type MemoryReplayConfig struct {
	// MaxEntries bounds the number of proofs remembered. When it is reached
	// and no entry has expired, Use fails with ErrReplayUnavailable rather
	// than forget a proof that could still be replayed. If zero,
	// DefaultMaxEntries. Negative is an error.
	MaxEntries int
	// SweepInterval is how often, at the latest, expired entries are
	// dropped (also whenever a shard is full). If zero,
	// DefaultSweepInterval. Negative is an error.
	SweepInterval time.Duration
	// Now returns the current time. If nil, time.Now.
	Now func() time.Time
}

// MemoryReplay is a ReplayStore in one process's memory: bounded, its
// entries expiring by themselves, split into shards each behind its own
// mutex. It starts no goroutine: expired entries are swept by the calls to
// Use. It refuses a proof replayed to the same process only; replicas need a
// shared store (redisstore.NewReplay).
type MemoryReplay struct {
	now      func() time.Time
	perShard int
	sweep    int64 // nanoseconds
	shards   [replayShards]replayShard
}

type replayShard struct {
	mu        sync.Mutex
	entries   map[[16]byte]int64 // key digest → expiry, Unix nanoseconds
	nextSweep int64
	lastSweep int64
	_         [32]byte // keep shards on their own cache lines
}

// NewMemoryReplay returns an empty MemoryReplay.
func NewMemoryReplay(cfg MemoryReplayConfig) (*MemoryReplay, error) {
	if cfg.MaxEntries < 0 {
		return nil, errors.New("dpop: negative MemoryReplayConfig.MaxEntries")
	}
	if cfg.SweepInterval < 0 {
		return nil, errors.New("dpop: negative MemoryReplayConfig.SweepInterval")
	}
	if cfg.MaxEntries == 0 {
		cfg.MaxEntries = DefaultMaxEntries
	}
	if cfg.SweepInterval == 0 {
		cfg.SweepInterval = DefaultSweepInterval
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	m := &MemoryReplay{
		now:      cfg.Now,
		perShard: max(1, (cfg.MaxEntries+replayShards-1)/replayShards),
		sweep:    int64(cfg.SweepInterval),
	}
	for i := range m.shards {
		m.shards[i].entries = make(map[[16]byte]int64)
	}
	return m, nil
}

// Use implements ReplayStore.
func (m *MemoryReplay) Use(ctx context.Context, key string, until time.Time) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrReplayUnavailable, err)
	}
	// A digest, not the key itself: fixed-size entries, and a shard chosen
	// by bits no client controls.
	sum := sha256.Sum256([]byte(key))
	var d [16]byte
	copy(d[:], sum[:])
	s := &m.shards[binary.LittleEndian.Uint32(sum[16:])%replayShards]
	now := m.now().UnixNano()
	exp := until.UnixNano()

	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.entries[d]; ok && e > now {
		return ErrReplayed
	}
	// A full shard is swept at most once a second, so that a full store
	// does not make every call walk the whole shard.
	if now >= s.nextSweep || len(s.entries) >= m.perShard && now-s.lastSweep >= int64(time.Second) {
		for k, e := range s.entries {
			if e <= now {
				delete(s.entries, k)
			}
		}
		s.nextSweep = now + m.sweep
		s.lastSweep = now
	}
	if len(s.entries) >= m.perShard {
		return fmt.Errorf("%w: in-memory replay store full (%d entries)", ErrReplayUnavailable, m.perShard*replayShards)
	}
	s.entries[d] = exp
	return nil
}

// Len returns the number of entries held, expired ones not yet swept
// included.
func (m *MemoryReplay) Len() int {
	n := 0
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		n += len(s.entries)
		s.mu.Unlock()
	}
	return n
}
