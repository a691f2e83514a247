// Package keysource supplies the keys a verifier checks token signatures
// with.
//
// # Sources
//
// A Source hands out an immutable Set of keys (Keys) and, when a token names
// a kid the set lacks or its signature fails against the keys without kid,
// may be asked for a newer one (Refresh). Static serves a fixed set, built
// by NewStatic, StaticFromJWKS, StaticFromPEM, StaticFromSecret or
// StaticFromPublicKeys. The remote sources NewJWKS, NewOIDC and NewPEM
// fetch their keys over HTTP and share one engine: lock-free reads, a
// background refresh paced by the server's caching headers, conditional
// requests, a rate-limited refresh on an unknown kid (or, for keys without
// kid, a failed signature), the last good keys served through an outage up
// to MaxStale, then ErrUnavailable. Close stops their goroutines.
//
// On-demand refreshes are rate-limited, never queued without bound: while
// one is in flight, callers for unknown kids wait for it (bounded by their
// context and Timeout); during the RefreshCooldown after it they get the
// current set back at once. A kid a fetch did not find is remembered for
// that cooldown only, so a token that names the issuer's next key before
// the rotation never keeps the key out longer. A server's Retry-After is
// honoured up to 5 minutes and holds on-demand refreshes back for a
// cooldown at most.
//
// # Keys
//
// Every key goes through NewKey, which converts it once and refuses what a
// verifier must not trust: RSA keys under 2048 bits or over 8192 (rule
// "rsa-max-bits"), with an exponent below 3 or even, or with the ROCA
// fingerprint; EC keys off P-256, P-384 and P-521
// or whose point is not on the curve; Ed25519 keys of small order; HMAC
// secrets shorter than the hash;
// and a key whose own "alg" does not fit it or is not supported ("Ed448" says
// why: Go has no Ed448). A key whose "alg" is "Ed25519" (RFC 9864) or
// "EdDSA" verifies tokens of either name (Key.Fits). A refused key is reported as a
// *KeyError that names the key and the rule (errors.Is(err, ErrInvalidKey)).
// A Set never mixes HMAC secrets with public keys (ErrMixedKeys) and never
// holds two keys with one kid (ErrDuplicateKID). A token without kid is
// tried against the set's keys without kid, or its only key: never against
// every key of a set (see Set.Candidates).
//
// ParseJWKS reads a JWK Set leniently: a key that is unusable (malformed,
// private, for encryption, of an unsupported type, or refused by NewKey) is
// skipped and reported, and the others serve. The Static constructors are
// strict instead: any refused key is an error. ParsePEM reads public keys and
// certificates from PEM, strictly; a remote PEM source skips an unusable
// block and serves the others, as it does for a JWK Set. A JWK Set of more
// than 1000 keys, or a PEM document of more than MaxPEMBlocks blocks, is
// refused as a whole.
package keysource
