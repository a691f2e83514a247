package redisstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/jwtguard/jwtguard/revocation"
)

// errResync asks the follower to load the whole state again: the epoch
// changed (Redis came back empty), the sequence went back (Redis came back
// from an older save) or skipped (records left the feed before this
// replica read them).
var errResync = errors.New("redisstore: feed out of step")

// follow keeps the local copy in step with Redis until Close: it loads the
// state, then reads the feed; on an error it waits (backing off to
// MaxBackoff) and starts again.
func (s *Revocation) follow() {
	defer s.wg.Done()
	checkPolicy(s.ctx, s.client, s.log)
	wait := s.minWait
	for s.ctx.Err() == nil {
		progressed, err := s.followOnce()
		if s.ctx.Err() != nil {
			return
		}
		s.lostSync(err)
		if progressed {
			wait = s.minWait
		}
		// Full jitter between half and all of the wait.
		d := wait/2 + rand.N(wait/2+1)
		select {
		case <-s.ctx.Done():
			return
		case <-time.After(d):
		}
		wait = min(2*wait, s.cfg.MaxBackoff)
	}
}

// followOnce loads the state and then follows the feed until an error. It
// reports whether it got in sync at least once.
func (s *Revocation) followOnce() (progressed bool, err error) {
	ctx := s.ctx
	if err := s.load(ctx); err != nil {
		return false, err
	}
	for {
		sent := s.cfg.Now()
		meta, err := s.client.HMGet(ctx, s.keys.entries, epochField, seqField).Result()
		if err != nil {
			return progressed, err
		}
		epoch, _ := meta[0].(string)
		seq, _ := strconv.ParseInt(str(meta[1]), 10, 64)
		if epoch != s.epoch || seq < s.lastSeq {
			if err := s.resync(ctx, "Redis lost its state (restarted empty or from an older save, flushed, or evicted the entries)"); err != nil {
				return progressed, err
			}
			continue
		}
		res, err := s.client.XRead(ctx, &redis.XReadArgs{
			Streams: []string{s.keys.feed, s.lastID},
			Count:   1000,
			Block:   s.heartbeat,
		}).Result()
		if errors.Is(err, redis.Nil) {
			if s.lastSeq < seq {
				// Records this replica never read left the feed.
				if err := s.resync(ctx, "the feed lost records before this replica read them"); err != nil {
					return progressed, err
				}
				continue
			}
			s.synced(sent)
			progressed = true
			continue
		}
		if err != nil {
			return progressed, err
		}
		if err := s.apply(res); errors.Is(err, errResync) {
			if err := s.resync(ctx, "the feed is out of step"); err != nil {
				return progressed, err
			}
			continue
		} else if err != nil {
			return progressed, err
		}
		s.synced(sent)
		progressed = true
	}
}

func (s *Revocation) resync(ctx context.Context, why string) error {
	s.log.Warn("reloading the revocation state", "reason", why)
	return s.load(ctx)
}

// apply puts feed records into the local copy, checking that each follows
// the last one.
func (s *Revocation) apply(res []redis.XStream) error {
	var batch []revocation.Entry
	defer func() { s.index.Add(batch...) }()
	for _, st := range res {
		for _, m := range st.Messages {
			seq, _ := strconv.ParseInt(str(m.Values["seq"]), 10, 64)
			if str(m.Values["ep"]) != s.epoch || seq != s.lastSeq+1 {
				return errResync
			}
			e, err := decodeEntry(str(m.Values["f"]), str(m.Values["v"]))
			if err != nil {
				s.log.Warn("skipping a malformed feed record", "id", m.ID)
			} else {
				batch = append(batch, e)
			}
			s.lastID, s.lastSeq = m.ID, seq
		}
	}
	return nil
}

// load reads the whole state, adds it to the local copy, and writes back the
// local entries Redis lacks: those a Redis that restarted empty, or from an
// older save, lost. Entries are only ever added, so the union is right.
//
// One transaction reads the epoch, the sequence and the feed's last id;
// HSCAN then reads the entries in batches (a single HGETALL of a million
// entries could outlast a read timeout). Nothing is missed: SCAN returns
// every entry present for the whole scan, and an entry added after the
// transaction is also in the feed after the id the follower resumes from.
func (s *Revocation) load(ctx context.Context) error {
	var (
		epoch  string
		seq    int64
		lastID string
	)
	for attempt := 0; ; attempt++ {
		var meta *redis.SliceCmd
		var last *redis.XMessageSliceCmd
		_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
			meta = p.HMGet(ctx, s.keys.entries, epochField, seqField)
			last = p.XRevRangeN(ctx, s.keys.feed, "+", "-", 1)
			return nil
		})
		if err != nil {
			return fmt.Errorf("load: %w", err)
		}
		epoch, _ = meta.Val()[0].(string)
		seq, _ = strconv.ParseInt(str(meta.Val()[1]), 10, 64)
		lastID = "0-0"
		if msgs := last.Val(); len(msgs) > 0 {
			lastID = msgs[0].ID
		}
		if epoch != "" {
			break
		}
		if attempt > 0 {
			return errors.New("load: Redis keeps no epoch")
		}
		// An empty Redis (or one that never held this store): give it an
		// epoch, then read again.
		if err := s.client.HSetNX(ctx, s.keys.entries, epochField, newEpoch()).Err(); err != nil {
			return fmt.Errorf("load: %w", err)
		}
	}
	entries, err := s.scan(ctx)
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	remote := make([]revocation.Entry, 0, len(entries))
	for f, v := range entries {
		e, err := decodeEntry(f, v)
		if err != nil {
			s.log.Warn("skipping a malformed entry", "key", s.keys.entries)
			continue
		}
		remote = append(remote, e)
	}
	s.index.Add(remote...)
	if err := s.repairExpiry(ctx, remote); err != nil {
		return fmt.Errorf("load: %w", err)
	}
	if s.epoch != "" && s.epoch != epoch {
		s.log.Warn("Redis has a new epoch: it lost its state; writing back the entries in force")
	}
	s.epoch, s.lastSeq, s.lastID = epoch, seq, lastID
	return s.writeBack(ctx, entries)
}

// repairExpiry puts back into the expiry set the entries it lacks (an
// eviction can take the set and leave the hash), so that the sweep and the
// cap's pruning find them, and makes the set expire with its latest entry.
func (s *Revocation) repairExpiry(ctx context.Context, entries []revocation.Entry) error {
	n, err := s.client.ZCard(ctx, s.keys.expiry).Result()
	if err != nil || n >= int64(len(entries)) {
		return err
	}
	s.log.Warn("the expiry set lost entries (evicted?); putting them back", "entries", len(entries), "held", n)
	var last int64
	for rest := entries; len(rest) > 0; {
		k := min(len(rest), 1000)
		_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, e := range rest[:k] {
				ms := e.Expires.UnixMilli()
				last = max(last, ms)
				p.ZAddGT(ctx, s.keys.expiry, redis.Z{Score: float64(ms), Member: encodeField(e)})
			}
			return nil
		})
		if err != nil {
			return err
		}
		rest = rest[k:]
	}
	return s.client.PExpireAt(ctx, s.keys.expiry, time.UnixMilli(last)).Err()
}

// scan reads the entries hash in batches: field → value, without the
// reserved fields.
func (s *Revocation) scan(ctx context.Context) (map[string]string, error) {
	entries := map[string]string{}
	for cursor := uint64(0); ; {
		kv, next, err := s.client.HScan(ctx, s.keys.entries, cursor, "", 5000).Result()
		if err != nil {
			return nil, err
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if !strings.HasPrefix(kv[i], "#") {
				entries[kv[i]] = kv[i+1]
			}
		}
		if cursor = next; cursor == 0 {
			return entries, nil
		}
	}
}

// writeBack stores, without the cap, every local entry in force that
// Redis lacks or holds with an earlier expiry or cut-off (the script keeps
// the later of each, so a write-back never moves Redis's back).
func (s *Revocation) writeBack(ctx context.Context, remote map[string]string) error {
	var missing []revocation.Entry
	for _, e := range s.index.Entries() {
		f := encodeField(e)
		if v, ok := remote[f]; ok {
			r, err := decodeEntry(f, v)
			if err == nil && !r.Expires.Before(e.Expires) && !r.Before.Before(e.Before) {
				continue
			}
		}
		missing = append(missing, e)
	}
	if len(missing) == 0 {
		return nil
	}
	// Pipelines of EVALSHA, 500 at a time, after loading the script: a
	// Redis that restarted has none. If it restarts again meanwhile, the
	// NOSCRIPT errors fail this load and the follower tries again.
	if err := revokeScript.Load(ctx, s.client).Err(); err != nil {
		return fmt.Errorf("write back: %w", err)
	}
	for rest := missing; len(rest) > 0; {
		n := min(len(rest), 500)
		_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, e := range rest[:n] {
				p.EvalSha(ctx, revokeScript.Hash(), s.keys.script(), s.revokeArgs(e, 0)...)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("write back: %w", err)
		}
		rest = rest[n:]
	}
	s.log.Warn("wrote back revocations that Redis had lost", "entries", len(missing))
	if s.cfg.Hooks.OnWriteBack != nil {
		s.cfg.Hooks.OnWriteBack(len(missing))
	}
	return nil
}

// synced records that the local copy was confirmed in step with Redis as
// of sent.
func (s *Revocation) synced(sent time.Time) {
	s.lastSync.Store(sent.UnixNano())
	s.lastErr.Store(nil)
	s.stale.Store(false)
	if !s.inSync.Swap(true) {
		s.once.Do(func() { close(s.syncedCh) })
		s.log.Info("revocation state in sync with Redis")
		if s.cfg.Hooks.OnSyncChange != nil {
			s.cfg.Hooks.OnSyncChange(s.Status())
		}
	}
}

func (s *Revocation) lostSync(err error) {
	if err == nil {
		return
	}
	s.lastErr.Store(&err)
	if s.inSync.Swap(false) {
		s.log.Warn("revocation state lost sync with Redis", "err", err)
		if s.cfg.Hooks.OnSyncChange != nil {
			s.cfg.Hooks.OnSyncChange(s.Status())
		}
	}
}

// watch marks the copy stale once it has gone unconfirmed for MaxLag, and
// drops expired entries every SweepInterval.
func (s *Revocation) watch() {
	defer s.wg.Done()
	tick := time.NewTicker(min(max(s.cfg.MaxLag/10, 5*time.Millisecond), time.Second))
	defer tick.Stop()
	lastSweep := time.Now()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-tick.C:
		}
		last := s.lastSync.Load()
		if last == 0 || s.cfg.Now().UnixNano()-last > int64(s.cfg.MaxLag) {
			s.stale.Store(true)
		}
		if time.Since(lastSweep) >= s.cfg.SweepInterval {
			lastSweep = time.Now()
			s.index.Prune()
			ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
			err := pruneScript.Run(ctx, s.client, s.keys.script(), s.cfg.Now().UnixMilli()).Err()
			cancel()
			if err != nil && s.ctx.Err() == nil {
				s.log.Debug("pruning expired entries in Redis failed", "err", err)
			}
		}
	}
}

func str(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}
