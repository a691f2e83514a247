package revocation

import (
	"fmt"
	"math"
	"time"
)

// Defaults shared by every store.
const (
	// DefaultMaxTokenLifetime is how long an entry without Expires stays in
	// force after its cut-off (Before, or the revocation time): the longest
	// a token of the issuer may live. Keycloak access tokens live minutes,
	// EPR tokens 12 h; 24 h covers them with room.
	DefaultMaxTokenLifetime = 24 * time.Hour
	// DefaultMaxEntries caps the entries a store holds (about 40 MB in
	// memory for the Memory store; see the package doc).
	DefaultMaxEntries = 1_000_000
	// DefaultMaxUsed caps the one-time identifiers (Use) a Memory store
	// remembers at once.
	DefaultMaxUsed = 100_000
)

// String names the kind: token, session, subject, client or issuer.
func (k Kind) String() string {
	switch k {
	case KindToken:
		return "token"
	case KindSession:
		return "session"
	case KindSubject:
		return "subject"
	case KindClient:
		return "client"
	case KindIssuer:
		return "issuer"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// ParseKind is the inverse of Kind.String.
func ParseKind(s string) (Kind, error) {
	for k := KindToken; k <= KindIssuer; k++ {
		if k.String() == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("%w: unknown kind %q", ErrInvalidEntry, s)
}

// TokenEntry revokes the token of issuer whose jti is id; exp is the
// token's expiry (add your verifier's leeway).
func TokenEntry(issuer, id string, exp time.Time) Entry {
	return Entry{Kind: KindToken, Issuer: issuer, Value: id, Expires: exp}
}

// SessionEntry revokes every token of issuer's session sid.
func SessionEntry(issuer, sid string) Entry {
	return Entry{Kind: KindSession, Issuer: issuer, Value: sid}
}

// SubjectEntry revokes subject sub's tokens issued at or before before (zero:
// the time of the revocation).
func SubjectEntry(issuer, sub string, before time.Time) Entry {
	return Entry{Kind: KindSubject, Issuer: issuer, Value: sub, Before: before}
}

// ClientEntry revokes client's tokens (azp or client_id) issued at or before
// before (zero: the time of the revocation).
func ClientEntry(issuer, client string, before time.Time) Entry {
	return Entry{Kind: KindClient, Issuer: issuer, Value: client, Before: before}
}

// IssuerEntry revokes every token of issuer issued at or before before
// (zero: the time of the revocation).
func IssuerEntry(issuer string, before time.Time) Entry {
	return Entry{Kind: KindIssuer, Issuer: issuer, Before: before}
}

// Validate reports, wrapping ErrInvalidEntry, a field that e's Kind needs
// and lacks: every entry needs Issuer; every kind but KindIssuer needs
// Value (and KindIssuer must have none); KindToken needs Expires.
func (e Entry) Validate() error {
	switch {
	case e.Kind < KindToken || e.Kind > KindIssuer:
		return fmt.Errorf("%w: unknown kind %d", ErrInvalidEntry, e.Kind)
	case e.Issuer == "":
		return fmt.Errorf("%w: issuer required", ErrInvalidEntry)
	case e.Kind == KindIssuer && e.Value != "":
		return fmt.Errorf("%w: an issuer cut-off has no value", ErrInvalidEntry)
	case e.Kind != KindIssuer && e.Value == "":
		return fmt.Errorf("%w: %s value required", ErrInvalidEntry, e.Kind)
	case e.Kind == KindToken && e.Expires.IsZero():
		return fmt.Errorf("%w: a token entry needs the token's expiry", ErrInvalidEntry)
	}
	return nil
}

// clampMilli keeps a Unix time in milliseconds within what Index can hold
// in nanoseconds.
func clampMilli(ms int64) int64 {
	return min(max(ms, math.MinInt64/int64(time.Millisecond)), math.MaxInt64/int64(time.Millisecond))
}

// Normalize validates e and fills in the defaults a store applies at time
// now: a cut-off's zero Before becomes now; a zero Expires becomes the later
// of now and Before plus maxLifetime (a token issued at or before the
// cut-off is dead by then). Before is cut to the millisecond below and
// Expires raised to the millisecond above, so every store (and Redis, which
// keeps milliseconds) holds the same entry; both are kept within the years
// 1678 to 2262, which Index holds in int64 nanoseconds (an exp of
// 9999-12-31 becomes the latest time it can hold, still in force).
// KindToken and KindSession have no cut-off: their Before is cleared.
func (e Entry) Normalize(now time.Time, maxLifetime time.Duration) (Entry, error) {
	if err := e.Validate(); err != nil {
		return Entry{}, err
	}
	if e.Kind == KindToken || e.Kind == KindSession {
		e.Before = time.Time{}
	} else if e.Before.IsZero() {
		e.Before = now
	}
	if e.Expires.IsZero() {
		from := now
		if e.Before.After(from) {
			from = e.Before
		}
		e.Expires = from.Add(maxLifetime)
	}
	if !e.Before.IsZero() {
		e.Before = time.UnixMilli(clampMilli(e.Before.UnixMilli()))
	}
	exp := time.UnixMilli(clampMilli(e.Expires.UnixMilli()))
	if exp.Before(e.Expires) {
		exp = exp.Add(time.Millisecond)
	}
	e.Expires = exp
	return e, nil
}
