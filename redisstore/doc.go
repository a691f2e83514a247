// Package redisstore holds jwtguard's state shared across the replicas of a
// service in Redis (or Valkey), through github.com/redis/go-redis/v9. It
// takes a redis.UniversalClient, so a single server, Sentinel and Cluster
// all work. Only programs that use Redis import it: the core packages
// never do.
//
// # Revocations
//
// NewRevocation returns a revocation.Store. The request path never waits on
// Redis: Check reads a local copy (a revocation.Index, lock-free, 0
// allocations) that a goroutine keeps in step with Redis.
//
// Redis holds, under one {hash tag} so that a Cluster keeps them in one
// slot:
//
//   - {prefix}:entries, a hash from each entry (kind, issuer, value) to its
//     expiry and cut-off, and {prefix}:expiry, the same entries in a
//     sorted set by expiry, to drop the expired ones. Both keys also expire
//     with their latest entry, so nothing outlives the tokens it concerns
//     even when no replica runs. The number of entries is capped. One kind,
//     issuer and value is one entry: revoking it again keeps the later
//     cut-off and the later expiry (so does every write-back and every
//     replica's copy, whatever the order), so a subject logged out again
//     and again takes one entry.
//   - Two reserved fields of the entries hash: the epoch (random, made by
//     whoever finds the hash without one) and a sequence number. They live
//     in the same key as the entries so that nothing (a restart, a flush,
//     an eviction, an expiry) takes the entries and leaves the epoch.
//   - {prefix}:feed, a stream with one record per change, trimmed to about
//     FeedLength records and expiring with the latest entry.
//
// Revoke runs one Lua script that writes (or merges) the entry, bumps the
// sequence and appends the record to the feed, atomically (an entry
// already expired by Redis's clock is not written), and returns nil only when
// Redis has acknowledged it; an unreachable Redis gives an error. A replica
// loads the whole state on start (one MULTI reads the epoch, the sequence
// and the feed's last id, then HSCAN reads the entries in batches; an entry
// written in between is also in the feed after that id, so nothing falls
// between the load and the feed), then reads the feed from that id with a
// blocking XREAD.
//
// # Why a stream, not pub/sub
//
// Pub/sub drops every message sent while a subscriber is away, so a
// pub/sub design must reload the whole state on every reconnect, and must
// subscribe before loading and sort out the overlap. A stream is a key like
// the others: the script writes state and feed in one atomic step, the
// load notes the feed position in the same transaction as the state, and a
// replica reads on from an exact id. Each record carries the epoch and
// the next sequence number, so a replica knows when it missed something
// (records trimmed before it read them, Redis restarted) instead of
// trusting a silent gap. Streams work unchanged in a Cluster (a stream is
// one key in the slot), where pub/sub messages go to every node. Redis 5
// or newer has streams; the script uses PEXPIRETIME, so Redis 7.0 or
// Valkey 7.2 is the minimum.
//
// # Never lost
//
// Entries are only ever added or widened (they leave by expiry), so a
// replica's copy is the union of what it saw. After any error it
// reconnects and loads the whole state again, and on every load it writes
// back, without the cap, each entry in force that Redis lacks or holds
// with an earlier expiry or cut-off. So when Redis restarts empty, is
// flushed or evicts the entries hash (a new epoch appears), or restarts
// from an older save (the sequence went back), any replica that knew an
// entry puts it back,
// and through the feed every other replica, including one started
// afterwards, gets it. After a partition, the replica reloads when the link
// heals and applies what was revoked meanwhile. What no running replica
// knows lives only in Redis: a Redis without persistence that restarts
// empty while no replica runs loses those entries (run Redis with
// appendonly yes where that matters). The whole state is read
// (HSCAN, in batches) once per reconnect, not per change: at 100,000
// entries that is a few megabytes and one to two seconds.
//
// # Out of sync
//
// The follower confirms its copy every heartbeat (min(MaxLag/4, 1 s)). A
// replica whose copy has not been confirmed for longer than MaxLag (default
// DefaultMaxLag, 1 min), or was never loaded, makes Check return an error
// wrapping revocation.ErrUnavailable (the middleware answers 503), unless
// InsecureServeStale. A token found revoked is refused whatever the lag.
// Reconnect attempts back off from 50 ms to MaxBackoff (5 s at most), so a
// replica whose link heals is back in sync within about 5 s. Status reports
// InSync, Lag, LastSync, Entries and LastError; Hooks.OnSyncChange fires on
// each change.
//
// # One-time identifiers
//
// Use is SET NX with an expiry, Release is DEL: a logout token's jti used
// on one replica is refused on every other (revocation.ErrReplayed). They
// are not written back when Redis loses its data: a logout token replayed
// after that could only revoke again what it revoked.
//
// # Redis settings
//
// Redis's maxmemory policy must be noeviction; a Revocation store logs at
// Error on start when it is another (at Warn when CONFIG GET is refused, as
// on many managed services). Under another policy an eviction is not
// silent: losing the entries hash loses the epoch with it, and the replicas
// reload and write back (the revocations are back within a reconnect);
// losing the feed shows as a gap in the sequence, and a lost expiry set is
// put back at the next load. The DPoP replay memory is one hash without
// expiry that holds its epoch: volatile-* policies never evict it, and
// after allkeys-* evict it every replica refuses proofs for the loss
// window (see Replay).
//
// Close stops the store's goroutines; it does not close the client.
package redisstore
