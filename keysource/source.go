package keysource

import "context"

// Source supplies verification keys to a verifier. Static keys and remote
// sources (JWKS, OIDC discovery, PEM URL) implement it; so can a caller's own.
// Implementations must be safe for concurrent use.
type Source interface {
	// Keys returns the current key set. It never returns a nil Set with a nil
	// error. A remote source may block for its first fetch, bounded by ctx;
	// afterwards it answers from memory. When no usable keys can be had the
	// error wraps ErrUnavailable.
	Keys(ctx context.Context) (*Set, error)

	// Refresh asks for keys newer than the set the verifier holds, because
	// the token's kid was not in it or its signature failed against keys
	// without kid (see RefreshHint). It returns the set to retry with: the
	// same *Set when nothing newer can be had now (a static source, a
	// cooldown, a kid already known to be absent), which tells the verifier
	// not to retry. It must not block longer than an in-flight fetch and ctx
	// allow.
	Refresh(ctx context.Context, hint RefreshHint) (*Set, error)
}

// RefreshReason says why a verifier asks for a refresh.
type RefreshReason uint8

const (
	// RefreshUnknownKID: the token's kid is not in the set.
	RefreshUnknownKID RefreshReason = iota + 1
	// RefreshSignature: the signature failed against every key without kid,
	// which for a PEM source may mean the issuer rotated its key.
	RefreshSignature
)

// String returns "unknown_kid" or "signature".
func (r RefreshReason) String() string {
	switch r {
	case RefreshUnknownKID:
		return "unknown_kid"
	case RefreshSignature:
		return "signature"
	}
	return "unknown"
}

// RefreshHint tells a source why a refresh is asked for.
type RefreshHint struct {
	Reason RefreshReason
	// KID is the token's kid ("" when it has none).
	KID string
	// Current is the set the verifier looked in.
	Current *Set
}
