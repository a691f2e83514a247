package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/jwtguard/jwtguard/revocation"
)

// Defaults of RevocationConfig.
const (
	// DefaultPrefix prefixes every key; it becomes the hash tag
	// {jwtguard:revocation}.
	DefaultPrefix = "jwtguard:revocation"
	// DefaultMaxLag is how long a replica may serve from its local copy
	// without confirming it follows Redis.
	DefaultMaxLag = time.Minute
	// DefaultFeedLength is about how many changes the feed stream keeps; a
	// replica that falls further behind reloads the whole state.
	DefaultFeedLength = 10_000
	// MaxBackoff is the longest wait between two reconnect attempts.
	MaxBackoff = 5 * time.Second
)

// RevocationConfig configures a Revocation store. Only Client is required.
type RevocationConfig struct {
	// Client reaches Redis (or Valkey): a *redis.Client, a Sentinel
	// failover client or a *redis.ClusterClient. Required. The store does
	// not close it.
	Client redis.UniversalClient
	// Prefix starts every key. If it holds no {hash tag}, it is wrapped in
	// one, so that every key lands in one Cluster slot. If empty,
	// DefaultPrefix. Services that must not see each other's revocations
	// use different prefixes.
	Prefix string
	// MaxLag is how long the local copy may go unconfirmed (Redis
	// unreachable, the feed not followed) before Check returns
	// revocation.ErrUnavailable. If zero, DefaultMaxLag (1 min).
	MaxLag time.Duration
	// InsecureServeStale keeps Check answering from the last copy however
	// old it is: a revocation made meanwhile is not seen.
	InsecureServeStale bool
	// MaxEntries caps the entries in Redis, and so the local copies; Revoke
	// of a new entry beyond it returns revocation.ErrFull (after expired
	// entries are dropped). Entries written back after Redis lost them are
	// not refused. If zero, revocation.DefaultMaxEntries.
	MaxEntries int
	// MaxTokenLifetime is how long an entry without Expires stays in force
	// after its cut-off, and the longest a one-time identifier is kept. If
	// zero, revocation.DefaultMaxTokenLifetime (24 h).
	MaxTokenLifetime time.Duration
	// FeedLength is about how many changes the feed stream keeps. If zero,
	// DefaultFeedLength.
	FeedLength int
	// MaxBackoff is the longest wait between reconnect attempts; at most
	// (and if zero) MaxBackoff, 5 s.
	MaxBackoff time.Duration
	// SweepInterval is how often expired entries are dropped, locally and
	// in Redis. If zero, one minute.
	SweepInterval time.Duration
	// Logger receives losses and recoveries of sync at Warn and Info, and
	// write-backs after Redis lost data at Warn. If nil, slog.Default().
	Logger *slog.Logger
	// Hooks are called on events, for metrics.
	Hooks RevocationHooks
	// Now is the clock for entry times and the lag. If nil, time.Now.
	Now func() time.Time
}

// RevocationHooks are called synchronously; keep them short. Nil hooks are
// skipped.
type RevocationHooks struct {
	// OnFull receives the entry Revoke refused because the store is full.
	OnFull func(revocation.Entry)
	// OnRevoke receives each entry Revoke got Redis to accept (a new one,
	// one that extends an entry held, or one that repeats an entry held),
	// for metrics: count revocations by Kind. Entries that reach this
	// replica from the others are not reported (the store's Status counts
	// every entry in force). Never use an entry's Value or Issuer as a
	// metric label.
	OnRevoke func(revocation.Entry)
	// OnSyncChange is called when the store enters or leaves sync.
	OnSyncChange func(revocation.Status)
	// OnWriteBack is called with the number of entries written back to a
	// Redis that had lost them.
	OnWriteBack func(n int)
}

// Revocation is a revocation.Store shared by the replicas of a service
// through Redis. Check reads a local lock-free copy; a goroutine follows
// Redis. See the package documentation for the design.
type Revocation struct {
	cfg       RevocationConfig
	client    redis.UniversalClient
	keys      keys
	log       *slog.Logger
	heartbeat time.Duration
	minWait   time.Duration

	index    *revocation.Index
	stale    atomic.Bool  // Check refuses when set (and not InsecureServeStale)
	inSync   atomic.Bool  // the follower confirmed the copy within its last round
	lastSync atomic.Int64 // unix ns of the last confirmation; 0: never
	lastErr  atomic.Pointer[error]
	started  time.Time

	// The follower's position, owned by its goroutine.
	epoch   string
	lastID  string
	lastSeq int64

	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	syncedCh chan struct{} // closed at the first sync
	once     sync.Once
}

var _ revocation.Store = (*Revocation)(nil)

var errStale = fmt.Errorf("%w: not in sync with Redis", revocation.ErrUnavailable)

// NewRevocation checks cfg and starts following Redis in the background.
// Until the first load of the state from Redis completes, Check returns
// revocation.ErrUnavailable (unless InsecureServeStale); WaitSynced waits
// for it. Call Close when done.
func NewRevocation(cfg RevocationConfig) (*Revocation, error) {
	switch {
	case cfg.Client == nil:
		return nil, errors.New("redisstore: Client is required")
	case cfg.MaxLag < 0, cfg.MaxEntries < 0, cfg.MaxTokenLifetime < 0, cfg.FeedLength < 0,
		cfg.MaxBackoff < 0, cfg.SweepInterval < 0:
		return nil, errors.New("redisstore: a duration or size in RevocationConfig is negative")
	case cfg.MaxBackoff > MaxBackoff:
		return nil, fmt.Errorf("redisstore: MaxBackoff above %s", MaxBackoff)
	}
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if cfg.MaxLag == 0 {
		cfg.MaxLag = DefaultMaxLag
	}
	if cfg.MaxEntries == 0 {
		cfg.MaxEntries = revocation.DefaultMaxEntries
	}
	if cfg.MaxTokenLifetime == 0 {
		cfg.MaxTokenLifetime = revocation.DefaultMaxTokenLifetime
	}
	if cfg.FeedLength == 0 {
		cfg.FeedLength = DefaultFeedLength
	}
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = MaxBackoff
	}
	if cfg.SweepInterval == 0 {
		cfg.SweepInterval = time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	s := &Revocation{
		cfg:       cfg,
		client:    cfg.Client,
		keys:      newKeys(cfg.Prefix),
		log:       log.With("component", "jwtguard/redisstore"),
		heartbeat: min(max(cfg.MaxLag/4, 10*time.Millisecond), time.Second),
		minWait:   min(50*time.Millisecond, cfg.MaxBackoff),
		index:     revocation.NewIndex(cfg.Now),
		started:   cfg.Now(),
		syncedCh:  make(chan struct{}),
	}
	s.stale.Store(true)
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.wg.Add(2)
	go s.follow()
	go s.watch()
	return s, nil
}

// Check returns an error wrapping revocation.ErrRevoked when an entry in
// the local copy matches t, revocation.ErrUnavailable when the copy has not
// been confirmed for longer than MaxLag (unless InsecureServeStale), else
// nil. It never touches the network, takes no lock and does not allocate.
func (s *Revocation) Check(t *revocation.Token) error {
	if err := s.index.Check(t); err != nil {
		return err
	}
	if s.stale.Load() && !s.cfg.InsecureServeStale {
		return errStale
	}
	return nil
}

// Revoke stores e in Redis and appends it to the feed in one atomic script,
// then in the local copy. It returns nil only once Redis has acknowledged
// the write; an unreachable Redis returns an error, a full store an error
// wrapping revocation.ErrFull (after Hooks.OnFull). An entry already
// expired (by the store's clock or Redis's) is not stored and Revoke
// returns nil. Revoking an entry of the kind, issuer and value of one held
// keeps the later cut-off and the later expiry of the two.
func (s *Revocation) Revoke(ctx context.Context, e revocation.Entry) error {
	now := s.cfg.Now()
	e, err := e.Normalize(now, s.cfg.MaxTokenLifetime)
	if err != nil {
		return err
	}
	if !e.Expires.After(now) {
		return nil
	}
	status, err := s.store(ctx, s.client, e, s.cfg.MaxEntries)
	if err != nil {
		return fmt.Errorf("redisstore: revoke: %w", err)
	}
	if status == "full" {
		if s.cfg.Hooks.OnFull != nil {
			s.cfg.Hooks.OnFull(e)
		}
		return fmt.Errorf("redisstore: %w: %d entries in force", revocation.ErrFull, s.cfg.MaxEntries)
	}
	if status == "expired" { // by Redis's clock: it could revoke nothing
		return nil
	}
	s.index.Add(e)
	if s.cfg.Hooks.OnRevoke != nil {
		s.cfg.Hooks.OnRevoke(e)
	}
	return nil
}

// revokeArgs are revokeScript's arguments for e; limit 0 means no cap
// (write-back).
func (s *Revocation) revokeArgs(e revocation.Entry, limit int) []any {
	return []any{encodeField(e), e.Expires.UnixMilli(), beforeMilli(e), limit, s.cfg.FeedLength, newEpoch()}
}

// store runs revokeScript for e.
func (s *Revocation) store(ctx context.Context, c redis.Scripter, e revocation.Entry, limit int) (string, error) {
	res, err := revokeScript.Run(ctx, c, s.keys.script(), s.revokeArgs(e, limit)...).Slice()
	if err != nil {
		return "", err
	}
	if len(res) != 3 {
		return "", fmt.Errorf("unexpected reply %v", res)
	}
	status, _ := res[0].(string)
	return status, nil
}

// Entries lists the entries in force as Redis holds them.
func (s *Revocation) Entries(ctx context.Context) ([]revocation.Entry, error) {
	all, err := s.scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("redisstore: entries: %w", err)
	}
	now := s.cfg.Now()
	out := make([]revocation.Entry, 0, len(all))
	for f, v := range all {
		e, err := decodeEntry(f, v)
		if err != nil {
			s.log.Warn("skipping a malformed entry", "key", s.keys.entries)
			continue
		}
		if e.Expires.After(now) {
			out = append(out, e)
		}
	}
	return out, nil
}

// Use records the one-time identifier id of issuer in Redis (SET NX with
// an expiry at until, at most MaxTokenLifetime away), so that every replica
// refuses it afterwards: an error wrapping revocation.ErrReplayed when it
// was recorded before, another error when Redis did not answer.
func (s *Revocation) Use(ctx context.Context, issuer, id string, until time.Time) error {
	now := s.cfg.Now()
	until, err := revocation.UseUntil(issuer, id, until, now, s.cfg.MaxTokenLifetime)
	if err != nil {
		return err
	}
	ttl := max(until.Sub(now).Round(time.Millisecond), time.Millisecond)
	ok, err := s.client.SetNX(ctx, s.keys.used+revocation.UsedKey(issuer, id), "1", ttl).Result()
	if err != nil {
		return fmt.Errorf("redisstore: use: %w", err)
	}
	if !ok {
		return revocation.ErrReplayed
	}
	return nil
}

// Release forgets an identifier recorded by Use.
func (s *Revocation) Release(ctx context.Context, issuer, id string) error {
	if err := s.client.Del(ctx, s.keys.used+revocation.UsedKey(issuer, id)).Err(); err != nil {
		return fmt.Errorf("redisstore: release: %w", err)
	}
	return nil
}

// Status reports whether the local copy follows Redis, how long it has
// not, the entries held locally and the last error.
func (s *Revocation) Status() revocation.Status {
	st := revocation.Status{InSync: s.inSync.Load() && !s.stale.Load(), Entries: s.index.Len()}
	if ns := s.lastSync.Load(); ns != 0 {
		st.LastSync = time.Unix(0, ns)
	}
	if !st.InSync {
		from := st.LastSync
		if from.IsZero() {
			from = s.started
		}
		st.Lag = s.cfg.Now().Sub(from)
	}
	if p := s.lastErr.Load(); p != nil {
		st.LastError = *p
	}
	return st
}

// WaitSynced waits until the store has loaded the state from Redis once,
// or ctx ends.
func (s *Revocation) WaitSynced(ctx context.Context) error {
	select {
	case <-s.syncedCh:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("redisstore: not synced: %w", ctx.Err())
	}
}

// Close stops the store's goroutines (waiting at most about one heartbeat,
// min(MaxLag/4, 1 s), for a blocked read). It does not close the client.
// It is safe to call more than once.
func (s *Revocation) Close() error {
	s.cancel()
	s.wg.Wait()
	return nil
}
