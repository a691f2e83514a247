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
	entries string // hash: field (encodeField) → encodeValue; plus the reserved fields epochField and seqField
	expiry  string // sorted set: field scored by expiry, to drop expired entries
	feed    string // stream: one record per change (ep, seq, f, v)
	used    string // prefix of one-time identifiers (SET NX PX)
}

// The reserved fields of the entries hash. The epoch lives in the same key
// as the entries, so that nothing (an eviction, a flush, an expiry) can
// take the entries and leave the epoch: losing the hash is seen as a new
// epoch, and the replicas reload and write back. An entry's field starts
// with a digit, so these never clash with one.
const (
	epochField = "#epoch" // random, made by whoever finds the hash without one
	seqField   = "#seq"   // count of feed records
	reserved   = 2        // fields of the hash that are not entries
)

// hashTagged wraps prefix in braces unless it holds a {hash tag} already,
// so that every key made from it lands in one Cluster slot.
func hashTagged(prefix string) string {
	if !strings.Contains(prefix, "{") || !strings.Contains(prefix, "}") {
		return "{" + prefix + "}"
	}
	return prefix
}

func newKeys(prefix string) keys {
	prefix = hashTagged(prefix)
	return keys{
		entries: prefix + ":entries",
		expiry:  prefix + ":expiry",
		feed:    prefix + ":feed",
		used:    prefix + ":used:",
	}
}

func (k keys) script() []string { return []string{k.entries, k.expiry, k.feed} }

// revokeScript stores one entry and appends it to the feed in one atomic
// step. It refuses an entry already expired by Redis's clock (making a key
// expire in the past would delete it, epoch included), creates the epoch
// when the hash has none (Redis restarted empty, evicted or flushed it, or
// never held one), and merges the entry into the one of the same field it
// holds: the later cut-off and the later expiry; when that changes nothing
// it appends nothing. It enforces the cap (ARGV[4], 0: none) on new entries
// after dropping expired ones, and makes the hash, the set and the feed
// expire with their latest entry (not before). Reply: {status, epoch,
// seq}; status is "ok", "dup", "full" or "expired".
//
// KEYS: entries, expiry, feed. ARGV: field, expiry ms, before ms (0: none),
// cap, feed length, epoch to create.
var revokeScript = redis.NewScript(revokeSrc)

const revokeSrc = `
local t = redis.call('TIME')
local exp = tonumber(ARGV[2])
if exp <= tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) then
  return {'expired', '', 0}
end
local ep = redis.call('HGET', KEYS[1], '#epoch')
if not ep then
  redis.call('HSET', KEYS[1], '#epoch', ARGV[6])
  ep = ARGV[6]
end
redis.call('HSETNX', KEYS[1], '#seq', 0)
local before = tonumber(ARGV[3])
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
  local oe, ob = string.match(old, '^(%-?%d+)|(%-?%d+)$')
  oe, ob = tonumber(oe), tonumber(ob)
  if oe and ob then
    if oe >= exp and ob >= before then
      return {'dup', ep, 0}
    end
    exp, before = math.max(exp, oe), math.max(before, ob)
  end
end
local max = tonumber(ARGV[4])
if not old and max > 0 and redis.call('HLEN', KEYS[1]) - 2 >= max then
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 5000)
  if #gone > 0 then
    redis.call('HDEL', KEYS[1], unpack(gone))
    redis.call('ZREM', KEYS[2], unpack(gone))
  end
  if redis.call('HLEN', KEYS[1]) - 2 >= max then
    return {'full', ep, 0}
  end
end
local v = string.format('%.0f|%.0f', exp, before)
redis.call('HSET', KEYS[1], ARGV[1], v)
redis.call('ZADD', KEYS[2], exp, ARGV[1])
local seq = redis.call('HINCRBY', KEYS[1], '#seq', 1)
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], '*', 'ep', ep, 'seq', seq, 'f', ARGV[1], 'v', v)
for _, k in ipairs(KEYS) do
  local t = redis.call('PEXPIRETIME', k)
  if t == -1 or t < exp then
    redis.call('PEXPIREAT', k, exp)
  end
end
return {'ok', ep, seq}
`

// pruneScript drops up to 5000 expired entries. KEYS: entries, expiry,
// feed (the feed is not used). ARGV: now ms.
var pruneScript = redis.NewScript(`
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, 5000)
if #gone > 0 then
  redis.call('HDEL', KEYS[1], unpack(gone))
  redis.call('ZREM', KEYS[2], unpack(gone))
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

// encodeField writes what identifies an entry: kind|issuer length|issuer
// value. The length makes the issuer/value boundary unambiguous. The
// cut-off is not part of it: a later cut-off supersedes an earlier one.
func encodeField(e revocation.Entry) string {
	return strconv.Itoa(int(e.Kind)) + "|" + strconv.Itoa(len(e.Issuer)) + "|" + e.Issuer + e.Value
}

// encodeValue writes what the hash holds for an entry: expiry ms|cut-off ms
// (0: none).
func encodeValue(e revocation.Entry) string {
	return strconv.FormatInt(e.Expires.UnixMilli(), 10) + "|" + strconv.FormatInt(beforeMilli(e), 10)
}

func beforeMilli(e revocation.Entry) int64 {
	if e.Before.IsZero() {
		return 0
	}
	return e.Before.UnixMilli()
}

// decodeEntry is the inverse of encodeField and encodeValue. It validates
// the result.
func decodeEntry(field, value string) (revocation.Entry, error) {
	parts := strings.SplitN(field, "|", 3)
	vals := strings.Split(value, "|")
	if len(parts) != 3 || len(vals) != 2 {
		return revocation.Entry{}, errBadField
	}
	kind, err1 := strconv.Atoi(parts[0])
	n, err2 := strconv.Atoi(parts[1])
	exp, err3 := strconv.ParseInt(vals[0], 10, 64)
	before, err4 := strconv.ParseInt(vals[1], 10, 64)
	if err := errors.Join(err1, err2, err3, err4); err != nil || n < 0 || n > len(parts[2]) || kind < 0 || kind > 255 {
		return revocation.Entry{}, errBadField
	}
	e := revocation.Entry{
		Kind:    revocation.Kind(kind),
		Issuer:  parts[2][:n],
		Value:   strings.Clone(parts[2][n:]), // not keeping the whole field alive
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
