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
	// DefaultReplayPrefix is put before the key of the replay hash. The
	// braces are a Redis Cluster hash tag, as for every key of jwtguard.
	DefaultReplayPrefix = "{jwtguard:dpop}:"
	// DefaultReplayTimeout bounds the one Redis round trip of a proof check.
	DefaultReplayTimeout = 100 * time.Millisecond
)

// ReplayConfig configures a Replay.
type ReplayConfig struct {
	// Client is the Redis connection, shared with the rest of the service
	// (a *redis.Client, *redis.ClusterClient or *redis.Ring). Required. Its
	// server must be Redis 7.0 or newer (or Valkey 7.2). Its
	// options must set ContextTimeoutEnabled: without it go-redis ignores
	// context deadlines, so Timeout could not bound the call, and NewReplay
	// refuses it. Replay never closes it.
	Client redis.UniversalClient
	// Prefix is put before the key of the replay hash. If it holds no
	// {hash tag}, it is wrapped in one. If empty, DefaultReplayPrefix.
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
	// dpop.DefaultIATWindow. After Redis comes back without its data (or on
	// a Redis that never held it), Use refuses every proof for twice the
	// window plus a margin (see Replay).
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
// done before the request is admitted. So Use makes one atomic call (a
// script, below), bounded by Timeout, after the local store (a same-replica replay costs no
// network call), and fails closed: when Redis does not answer in time, the
// proof is refused with an error wrapping dpop.ErrReplayUnavailable, which
// the middleware answers with 503. A client then retries with a new proof.
//
// Redis holds the replay memory in one hash (prefix + "replay"): a field
// per proof, whose value is its expiry by Redis's clock and a random value,
// and a field with the epoch: a random value and the time Redis made it.
// One script records a proof and returns the epoch, in one round trip. A
// call writes a random value and the script compares the old one, so that
// a call the client library retried after a lost reply finds its own value
// and is not taken for a replay. Each call also drops a few expired fields
// (it scans on from a cursor kept in the hash), so the hash holds about the
// proofs still alive: the rate of accepted proofs times their lifetime (the
// proof's iat plus the window plus a margin, a couple of minutes with the
// defaults).
//
// Redis losing its data (a restart without persistence, a failover to an
// empty replica, a flush, an eviction) would forget the proofs of the last
// minutes, and a proof accepted before the loss could be replayed after
// it. The epoch lives in the same key as the proofs, so no loss takes the
// proofs and leaves the epoch; the hash itself has no expiry, so a
// volatile-* maxmemory policy never evicts it, and the allkeys-* policies
// evict it whole. A lost hash gets a new epoch at the next call, stamped
// with Redis's time, and every replica, including one started after the
// loss, refuses every proof (dpop.ErrReplayUnavailable) until twice Window
// plus a margin (10 s, which also absorbs differences between the
// replicas' clocks and Redis's) after that time: the longest a proof
// accepted before the loss can still pass its iat check. A replica that
// sees the epoch change also refuses for that long from when it saw it. A
// Redis that never held the replay memory cannot be told from one that
// lost it: a new deployment refuses proofs for that long too.
//
// Redis's maxmemory policy should still be noeviction, so that Redis
// refuses writes (and proofs are refused, 503) rather than drop the replay
// memory (and refuse every proof for the loss window).
type Replay struct {
	client  redis.UniversalClient
	hash    string // the key of the replay hash
	timeout time.Duration
	local   dpop.ReplayStore
	now     func() time.Time
	lost    time.Duration // how long a detected loss refuses proofs

	mu       sync.Mutex
	epoch    string    // "" until first seen
	refusing time.Time // refuse proofs until then, after a loss
}

// replayHash is the key, after the prefix, of the hash that holds the
// replay memory: keyField before each proof's key, and the epoch.
const (
	replayHash = "replay"
	keyField   = "k:"
)

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
	r := &Replay{client: cfg.Client, timeout: cfg.Timeout, local: cfg.Local, now: cfg.Now}
	prefix := cfg.Prefix
	if prefix == "" {
		prefix = DefaultReplayPrefix
	}
	r.hash = hashTagged(prefix) + replayHash
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
// timeout or failed, or while a loss of the replay memory may let a replay
// through.
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
	res, err := r.setNX(ctx, key, base64.RawURLEncoding.EncodeToString(raw[:]), ttl)
	if err != nil {
		return fmt.Errorf("%w: redis: %w", dpop.ErrReplayUnavailable, err)
	}
	if err := r.checkEpoch(res, now); err != nil {
		return err
	}
	if !res.fresh {
		return fmt.Errorf("%w (seen by another replica)", dpop.ErrReplayed)
	}
	return nil
}

// checkEpoch refuses proofs while a loss of Redis's replay memory may let
// replays through: for r.lost after the epoch Redis holds was made (every
// replica, including one started after the loss, sees when), and for
// r.lost after this replica saw the epoch change.
func (r *Replay) checkEpoch(res setReply, now time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.epoch != "" && res.epoch != r.epoch {
		r.refusing = now.Add(r.lost)
	}
	r.epoch = res.epoch
	until := r.refusing
	if u := res.created.Add(r.lost); u.After(until) {
		until = u
	}
	if now.Before(until) {
		return fmt.Errorf("%w: Redis lost the replay memory (or started empty); refusing proofs until %s", dpop.ErrReplayUnavailable, until.UTC().Format(time.RFC3339))
	}
	return nil
}

// setReply is what useScript tells about one key.
type setReply struct {
	fresh   bool      // the key is this call's: it was absent, or holds this call's value
	epoch   string    // the epoch Redis holds (made by this call if it had none)
	created time.Time // when Redis made that epoch, by its clock
}

// useScript records one key in the replay hash unless a live one is there,
// and sweeps a few expired keys. The hash has no expiry: a volatile-*
// maxmemory policy never evicts it, and any other loss (allkeys-*, a
// restart, a flush) takes the epoch with the keys. A key's value is its
// expiry (Redis's clock, ms) and a random value: a call the client library
// retried after a lost reply finds its own value and is not taken for a
// replay. Each call scans a few fields on from a cursor kept in the hash
// and drops the expired ones, so the hash holds about the live keys.
// Reply: {fresh 0/1, epoch, epoch's creation ms}.
//
// KEYS: the hash. ARGV: field, value, ttl ms, epoch to create, fields to
// sweep.
var useScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ep = redis.call('HGET', KEYS[1], '#epoch')
if not ep then
  ep = ARGV[4] .. ':' .. string.format('%.0f', now)
  redis.call('HSET', KEYS[1], '#epoch', ep)
end
local fresh = 1
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
  local exp, val = string.match(old, '^(%d+):(.*)$')
  if exp and tonumber(exp) > now and val ~= ARGV[2] then
    fresh = 0
  end
end
if fresh == 1 then
  redis.call('HSET', KEYS[1], ARGV[1], string.format('%.0f', now + tonumber(ARGV[3])) .. ':' .. ARGV[2])
end
local r = redis.call('HSCAN', KEYS[1], redis.call('HGET', KEYS[1], '#cursor') or '0', 'COUNT', ARGV[5])
for i = 1, #r[2], 2 do
  local exp = string.match(r[2][i + 1], '^(%d+):')
  if string.sub(r[2][i], 1, 1) ~= '#' and exp and tonumber(exp) <= now then
    redis.call('HDEL', KEYS[1], r[2][i])
  end
end
redis.call('HSET', KEYS[1], '#cursor', r[1])
local e, c = string.match(ep, '^(.*):(%d+)$')
return {fresh, ep, c or '0'}
`)

// sweepCount is how many fields each call asks HSCAN for: more than one
// per key added, so that the sweep keeps up.
const sweepCount = 20

// setNX records key with value for ttl in the replay hash unless a live
// one is there, in one round trip (one script), and reports whether the
// key is now this call's and the epoch Redis holds.
func (r *Replay) setNX(ctx context.Context, key, value string, ttl time.Duration) (setReply, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return setReply{}, err
	}
	ms := int64((ttl + time.Millisecond - 1) / time.Millisecond)
	res, err := useScript.Run(ctx, r.client, []string{r.hash}, keyField+key, value, ms,
		base64.RawURLEncoding.EncodeToString(raw[:]), sweepCount).Slice()
	if err != nil {
		return setReply{}, err
	}
	if len(res) != 3 {
		return setReply{}, fmt.Errorf("unexpected reply %v", res)
	}
	fresh, _ := res[0].(int64)
	epoch, _ := res[1].(string)
	created, err := strconv.ParseInt(str(res[2]), 10, 64)
	if epoch == "" || err != nil {
		return setReply{}, fmt.Errorf("unexpected reply %v", res)
	}
	return setReply{fresh: fresh == 1, epoch: epoch, created: time.UnixMilli(created)}, nil
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
