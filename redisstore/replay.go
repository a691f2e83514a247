package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/jwtguard/jwtguard/dpop"
)

// Defaults of ReplayConfig.
const (
	// DefaultReplayPrefix is put before every replay key. The braces are a
	// Redis Cluster hash tag: every key of the replay memory lives in one
	// slot, beside the others, so that it can be inspected, flushed and
	// sized as one.
	DefaultReplayPrefix = "{jwtguard:dpop}:"
	// DefaultReplayTimeout bounds the one Redis round trip of a proof check.
	DefaultReplayTimeout = 100 * time.Millisecond
)

// ReplayConfig configures a Replay.
type ReplayConfig struct {
	// Client is the Redis connection, shared with the rest of the service
	// (a *redis.Client, *redis.ClusterClient or *redis.Ring). Required. Its
	// server must be Redis 7.0 or newer (SET with both NX and GET). Its
	// options must set ContextTimeoutEnabled: without it go-redis ignores
	// context deadlines, so Timeout could not bound the call, and NewReplay
	// refuses it. Replay never closes it.
	Client redis.UniversalClient
	// Prefix is put before every key. If empty, DefaultReplayPrefix.
	Prefix string
	// Timeout bounds each Redis call, on top of the caller's context. If
	// zero, DefaultReplayTimeout (100 ms). Negative is an error.
	Timeout time.Duration
	// Local is asked first, so that a proof replayed to the same replica is
	// refused without a network call. If nil, a dpop.MemoryReplay with its
	// defaults (and Now).
	Local dpop.ReplayStore
	// Now returns the current time, to turn a proof's expiry into a Redis
	// TTL. If nil, time.Now.
	Now func() time.Time
	// Window is the IATWindow of the dpop.Checker using the store. If zero,
	// dpop.DefaultIATWindow. After Redis comes back without its data, Use
	// refuses every proof for twice the window plus a margin (see Replay).
	Window time.Duration
}

// Replay is a dpop.ReplayStore shared by every replica through Redis, so that
// a proof replayed to another replica is refused.
//
// This is the one place where jwtguard's request path waits on Redis. The
// rule elsewhere is that requests read a local copy fed by a change feed,
// but that cannot serve here: a replica learns of another replica's proof
// only after the feed delivers it, and a replay sent to two replicas at
// once (or within the feed's delay) would pass both. Refusing a replay
// across replicas needs one atomic check-and-set at a single authority,
// done before the request is admitted. So Use makes one SET key NX PX call,
// bounded by Timeout, after the local store (a same-replica replay costs no
// network call), and fails closed: when Redis does not answer in time, the
// proof is refused with an error wrapping dpop.ErrReplayUnavailable, which
// the middleware answers with 503. A client then retries with a new proof.
//
// Redis losing its data (a restart without persistence, a failover to an
// empty replica) would forget the proofs of the last minutes, and a proof
// accepted before the loss could be replayed after it. So Redis holds an
// epoch key, without expiry, read in the same round trip as every SET
// (pipelined; the default prefix's hash tag keeps both keys on one cluster
// node). A replica that finds the epoch gone or changed refuses every proof
// (dpop.ErrReplayUnavailable) for twice Window plus a margin, the longest a
// proof accepted before the loss can still pass its iat check, and then
// resumes. A replica that starts during such a loss has never seen the old
// epoch and cannot tell: it resumes at once.
//
// Each call writes a random value and reads the old one in the same
// command (SET ... NX GET), so that a command the client library retried
// after a lost reply finds its own value and is not taken for a replay.
// Keys expire by themselves (PX): the proof's iat plus the window plus a
// margin, a couple of minutes with the defaults. Their number is bounded by
// the rate of accepted proofs times that lifetime. Redis's maxmemory
// policy must be noeviction, so that Redis refuses writes (and proofs are
// refused, 503) rather than drop live entries: every volatile-* policy,
// volatile-ttl included, evicts exactly these keys (they carry an expiry)
// and keeps the epoch (it has none), so the loss goes unnoticed and an
// evicted proof passes again; the allkeys-* policies may evict either.
type Replay struct {
	client  redis.UniversalClient
	prefix  string
	timeout time.Duration
	local   dpop.ReplayStore
	now     func() time.Time
	lost    time.Duration // how long a detected loss refuses proofs

	mu       sync.Mutex
	epoch    string    // "" until first seen
	refusing time.Time // refuse proofs until then, after a loss
}

// epochKey is the key, after the prefix, whose value changes when Redis
// loses its data.
const epochKey = "epoch"

// lossMargin is added to twice the window after a detected loss.
const lossMargin = 10 * time.Second

// NewReplay returns a Replay. It does not contact Redis.
func NewReplay(cfg ReplayConfig) (*Replay, error) {
	if cfg.Client == nil {
		return nil, errors.New("redisstore: ReplayConfig.Client is nil")
	}
	if !contextTimeouts(cfg.Client) {
		return nil, errors.New("redisstore: the Redis client's options must set ContextTimeoutEnabled, so that ReplayConfig.Timeout bounds each proof's Redis call")
	}
	if cfg.Timeout < 0 {
		return nil, errors.New("redisstore: negative ReplayConfig.Timeout")
	}
	r := &Replay{client: cfg.Client, prefix: cfg.Prefix, timeout: cfg.Timeout, local: cfg.Local, now: cfg.Now}
	if r.prefix == "" {
		r.prefix = DefaultReplayPrefix
	}
	if r.timeout == 0 {
		r.timeout = DefaultReplayTimeout
	}
	if r.now == nil {
		r.now = time.Now
	}
	if cfg.Window < 0 {
		return nil, errors.New("redisstore: negative ReplayConfig.Window")
	}
	if cfg.Window == 0 {
		cfg.Window = dpop.DefaultIATWindow
	}
	r.lost = 2*cfg.Window + lossMargin
	if r.local == nil {
		m, err := dpop.NewMemoryReplay(dpop.MemoryReplayConfig{Now: r.now})
		if err != nil {
			return nil, err
		}
		r.local = m
	}
	return r, nil
}

// Use implements dpop.ReplayStore: nil when key is new to every replica, an
// error wrapping dpop.ErrReplayed when a replica used it before, and one
// wrapping dpop.ErrReplayUnavailable when Redis did not answer within the
// timeout or failed.
func (r *Replay) Use(ctx context.Context, key string, until time.Time) error {
	switch err := r.local.Use(ctx, key, until); {
	case err == nil:
	case errors.Is(err, dpop.ErrReplayed):
		return err
	case ctx.Err() != nil:
		return fmt.Errorf("%w: %w", dpop.ErrReplayUnavailable, ctx.Err())
	default:
		// The local store is a shortcut only (full, say): Redis decides.
	}
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return fmt.Errorf("%w: %w", dpop.ErrReplayUnavailable, err)
	}
	now := r.now()
	ttl := until.Sub(now)
	if ttl < time.Millisecond {
		ttl = time.Millisecond
	}
	fresh, epoch, err := r.setNX(ctx, key, base64.RawURLEncoding.EncodeToString(raw[:]), ttl)
	if err != nil {
		return fmt.Errorf("%w: redis: %w", dpop.ErrReplayUnavailable, err)
	}
	if err := r.checkEpoch(epoch, now); err != nil {
		return err
	}
	if !fresh {
		return fmt.Errorf("%w (seen by another replica)", dpop.ErrReplayed)
	}
	return nil
}

// checkEpoch compares the epoch Redis holds with the one last seen, and
// refuses proofs while a loss of Redis's data may let replays through.
func (r *Replay) checkEpoch(epoch string, now time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.epoch != "" && epoch != r.epoch {
		r.refusing = now.Add(r.lost)
	}
	r.epoch = epoch
	if now.Before(r.refusing) {
		return fmt.Errorf("%w: Redis lost the replay memory; refusing proofs until %s", dpop.ErrReplayUnavailable, r.refusing.UTC().Format(time.RFC3339))
	}
	return nil
}

// setNX sets prefix+key to value for ttl unless it exists, reports whether
// the key is now this call's (it was absent, or it already holds value: a
// retried command that had succeeded), and returns the epoch Redis holds,
// creating it when it is missing. All in one round trip, but when the
// epoch has to be created.
func (r *Replay) setNX(ctx context.Context, key, value string, ttl time.Duration) (bool, string, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	ms := strconv.FormatInt(int64((ttl+time.Millisecond-1)/time.Millisecond), 10)
	var set *redis.Cmd
	var get *redis.StringCmd
	_, err := r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		set = p.Do(ctx, "SET", r.prefix+key, value, "PX", ms, "NX", "GET")
		get = p.Get(ctx, r.prefix+epochKey)
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return false, "", err
	}
	var fresh bool
	switch old, err := set.Text(); {
	case errors.Is(err, redis.Nil):
		fresh = true
	case err != nil:
		return false, "", err
	default:
		fresh = old == value
	}
	epoch, err := get.Result()
	if errors.Is(err, redis.Nil) {
		epoch, err = r.newEpoch(ctx)
	}
	if err != nil {
		return false, "", err
	}
	return fresh, epoch, nil
}

// newEpoch creates the epoch key unless another replica just did, and
// returns its value.
func (r *Replay) newEpoch(ctx context.Context) (string, error) {
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	mine := base64.RawURLEncoding.EncodeToString(raw[:])
	old, err := r.client.Do(ctx, "SET", r.prefix+epochKey, mine, "NX", "GET").Text()
	switch {
	case errors.Is(err, redis.Nil):
		return mine, nil
	case err != nil:
		return "", err
	}
	return old, nil
}

// contextTimeouts reports whether the client honours context deadlines. A
// client type it does not know is taken on trust.
func contextTimeouts(c redis.UniversalClient) bool {
	switch c := c.(type) {
	case *redis.Client:
		return c.Options().ContextTimeoutEnabled
	case *redis.ClusterClient:
		return c.Options().ContextTimeoutEnabled
	case *redis.Ring:
		return c.Options().ContextTimeoutEnabled
	}
	return true
}
