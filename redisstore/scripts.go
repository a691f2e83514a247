package redisstore

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/jwtguard/jwtguard/revocation"
)

// The keys of one store, all under one hash tag so that a Cluster keeps
// them in one slot (MULTI and scripts need it).
type keys struct {
	meta    string // hash: epoch (random, made when Redis has none), seq (count of feed records)
	entries string // hash: field (encodeField) → expiry, unix ms
	expiry  string // sorted set: field scored by expiry, to drop expired entries
	feed    string // stream: one record per change (ep, seq, f, e)
	used    string // prefix of one-time identifiers (SET NX PX)
}

func newKeys(prefix string) keys {
	if !strings.Contains(prefix, "{") || !strings.Contains(prefix, "}") {
		prefix = "{" + prefix + "}"
	}
	return keys{
		meta:    prefix + ":meta",
		entries: prefix + ":entries",
		expiry:  prefix + ":expiry",
		feed:    prefix + ":feed",
		used:    prefix + ":used:",
	}
}

func (k keys) script() []string { return []string{k.meta, k.entries, k.expiry, k.feed} }

// revokeScript stores one entry and appends it to the feed in one atomic
// step. It creates the epoch when Redis has none (it restarted empty, or
// never held one), keeps the later expiry of an entry it already holds
// (and then appends nothing), enforces the cap (ARGV[4], 0: none) after
// dropping expired entries, and makes the hash, the set and the feed
// expire with their latest entry (not before). Reply: {status, epoch, seq}; status is
// "ok", "dup" or "full".
//
// KEYS: meta, entries, expiry, feed. ARGV: field, expiry ms, now ms, cap,
// feed length, epoch to create.
var revokeScript = redis.NewScript(revokeSrc)

const revokeSrc = `
local ep = redis.call('HGET', KEYS[1], 'epoch')
if not ep then
  redis.call('HSET', KEYS[1], 'epoch', ARGV[6])
  ep = ARGV[6]
end
local exp = tonumber(ARGV[2])
local old = redis.call('HGET', KEYS[2], ARGV[1])
if old and tonumber(old) >= exp then
  return {'dup', ep, 0}
end
local max = tonumber(ARGV[4])
if not old and max > 0 and redis.call('HLEN', KEYS[2]) >= max then
  local gone = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[3], 'LIMIT', 0, 5000)
  if #gone > 0 then
    redis.call('HDEL', KEYS[2], unpack(gone))
    redis.call('ZREM', KEYS[3], unpack(gone))
  end
  if redis.call('HLEN', KEYS[2]) >= max then
    return {'full', ep, 0}
  end
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[3], exp, ARGV[1])
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[5], '*', 'ep', ep, 'seq', seq, 'f', ARGV[1], 'e', ARGV[2])
for _, k in ipairs({KEYS[2], KEYS[3], KEYS[4]}) do
  local t = redis.call('PEXPIRETIME', k)
  if t == -1 or t < exp then
    redis.call('PEXPIREAT', k, exp)
  end
end
return {'ok', ep, seq}
`

// pruneScript drops up to 5000 expired entries. KEYS: meta, entries,
// expiry, feed (only the middle two are used). ARGV: now ms.
var pruneScript = redis.NewScript(`
local gone = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[1], 'LIMIT', 0, 5000)
if #gone > 0 then
  redis.call('HDEL', KEYS[2], unpack(gone))
  redis.call('ZREM', KEYS[3], unpack(gone))
end
return #gone
`)

// newEpoch returns a fresh random epoch: a Redis that comes back empty gets
// a new one, which tells every replica to reload and write back.
func newEpoch() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

var errBadField = errors.New("redisstore: malformed entry in Redis")

// encodeField writes what identifies an entry (all but its expiry):
// kind|before ms|issuer length|issuer value. The length makes the
// issuer/value boundary unambiguous.
func encodeField(e revocation.Entry) string {
	var before int64
	if !e.Before.IsZero() {
		before = e.Before.UnixMilli()
	}
	return strconv.Itoa(int(e.Kind)) + "|" + strconv.FormatInt(before, 10) + "|" +
		strconv.Itoa(len(e.Issuer)) + "|" + e.Issuer + e.Value
}

// decodeEntry is the inverse of encodeField, with the expiry (unix ms)
// stored beside it. It validates the result.
func decodeEntry(field, expires string) (revocation.Entry, error) {
	parts := strings.SplitN(field, "|", 4)
	if len(parts) != 4 {
		return revocation.Entry{}, errBadField
	}
	kind, err1 := strconv.Atoi(parts[0])
	before, err2 := strconv.ParseInt(parts[1], 10, 64)
	n, err3 := strconv.Atoi(parts[2])
	exp, err4 := strconv.ParseInt(expires, 10, 64)
	if err := errors.Join(err1, err2, err3, err4); err != nil || n < 0 || n > len(parts[3]) || kind < 0 || kind > 255 {
		return revocation.Entry{}, errBadField
	}
	e := revocation.Entry{
		Kind:    revocation.Kind(kind),
		Issuer:  parts[3][:n],
		Value:   strings.Clone(parts[3][n:]), // not keeping the whole field alive
		Expires: time.UnixMilli(exp),
	}
	if before != 0 {
		e.Before = time.UnixMilli(before)
	}
	if err := e.Validate(); err != nil {
		return revocation.Entry{}, errBadField
	}
	return e, nil
}
