// Package revocation kills tokens before they expire: on logout, on a new
// client assertion, on an operator's order. It holds revocation entries,
// each scoped to one issuer, and checks verified tokens against them on
// the request path.
//
// # What can be revoked
//
//   - KindToken: one token, by its jti, until the token's exp (plus your
//     leeway), which the entry must carry.
//   - KindSession: every token of a session, by sid (Keycloak's
//     session_state when sid is absent).
//   - KindSubject: a subject's tokens issued at or before a cut-off.
//   - KindClient: a client's tokens (azp, else client_id) issued at or
//     before a cut-off, as when Ansira re-generates a client's assertion.
//   - KindIssuer: every token of the issuer issued at or before a cut-off
//     (a realm-wide logout, a key compromise).
//
// A token without iat counts as issued before every cut-off: a cut-off
// revokes it. Nothing is keyed on the token string: ECDSA signatures are
// malleable, so one set of signed claims has several valid strings; entries
// match the issuer plus jti, sid, sub or client id.
//
// # Expiry and limits
//
// Every entry leaves by itself. A KindToken entry expires with its token.
// The others expire, unless the caller gives Expires, MaxTokenLifetime
// (default DefaultMaxTokenLifetime, 24 h) after the later of their cut-off
// and the revocation: by then every token they could match has expired.
// A cut-off left zero means the time of the revocation. Entry.Normalize
// applies these rules and keeps milliseconds, as Redis does. Expired entries
// stop matching at once; a sweep gives their memory back.
//
// A store holds one entry per kind, issuer and value: revoking it again
// keeps the later cut-off and the later expiry of the two, in whatever
// order they arrive, so that a subject logged out again and again, or a
// client re-keyed daily, takes one entry, not one per cut-off.
//
// The number of entries is capped (MaxEntries, default DefaultMaxEntries,
// 1,000,000): Revoke of a new entry beyond it returns ErrFull and calls the
// OnFull hook, after dropping expired entries. One-time identifiers (Use,
// for a logout token's jti) are capped apart (MaxUsed, default
// DefaultMaxUsed) and kept at most MaxTokenLifetime. Release forgets one,
// so that a logout whose revocation could not be stored can be retried.
//
// # Stores
//
// Store is the interface; NewMemory is the store of one process.
// Package redisstore shares revocations between the replicas of a service
// through Redis; the core packages never import it.
//
// # The check on the request path
//
// Check reads memory only, takes no lock and does not allocate. Index,
// which both stores use, keeps entries in a hash table whose buckets are
// atomic pointers to immutable chains: a reader walks a chain, a writer
// swaps in a copied chain (a few nodes) and, when the table is full,
// a doubled table. The hash (hash/maphash, one seed per kind) only finds
// candidates; kind, value and issuer are compared in full. A check costs
// one lookup per claim present (jti, sid, sub, client id) plus the issuer's
// cut-offs: about 35 ns of CPU and 0 allocations for a token no entry
// matches at 100,000 entries, and about 10 MiB per 100,000 entries
// (BenchmarkCheck, BenchmarkMemoryPer100k; figures in bench/README.md).
package revocation
