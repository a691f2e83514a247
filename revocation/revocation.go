package revocation

import (
	"context"
	"errors"
	"time"
)

// Errors a Checker or a Store returns, wrapped with %w.
var (
	// ErrRevoked: the token matches an entry in force.
	ErrRevoked = errors.New("token revoked")
	// ErrUnavailable: the store has not been in sync with the shared state
	// for longer than it may serve from its local copy, so it cannot say
	// whether a token was revoked. HTTP services answer 503.
	ErrUnavailable = errors.New("revocation state unavailable")
	// ErrFull: the store holds its maximum number of entries; the entry was
	// not stored.
	ErrFull = errors.New("revocation store full")
	// ErrReplayed: a one-time identifier (a logout token's jti) was used
	// before.
	ErrReplayed = errors.New("identifier already used")
	// ErrInvalidEntry: an Entry lacks a field its Kind needs.
	ErrInvalidEntry = errors.New("invalid revocation entry")
)

// Token is what a revocation check looks at: facts taken from a token's
// verified claims. Empty strings and zero times stand for absent claims.
type Token struct {
	// Issuer is "iss". Every entry is scoped to one issuer.
	Issuer string
	// ID is "jti".
	ID string
	// Subject is "sub".
	Subject string
	// SessionID is "sid", or Keycloak's "session_state" when sid is absent.
	SessionID string
	// ClientID is "azp", or "client_id" when azp is absent.
	ClientID string
	// IssuedAt is "iat". A token without iat is issued at or before every
	// cut-off, so a cut-off (KindSubject, KindClient, KindIssuer) revokes it.
	IssuedAt time.Time
	// ExpiresAt is "exp".
	ExpiresAt time.Time
}

// Checker answers whether a verified token has been revoked. Check runs on
// the request path: it reads local memory only and never blocks on the
// network. It returns nil when the token stands, an error wrapping
// ErrRevoked when an entry in force matches it, or an error wrapping
// ErrUnavailable when the checker cannot know.
type Checker interface {
	Check(t *Token) error
}

// Kind says what an Entry revokes.
type Kind uint8

// The kinds of entry.
const (
	// KindToken revokes one token by its jti (Entry.Value), until
	// Entry.Expires (the token's exp plus leeway).
	KindToken Kind = iota + 1
	// KindSession revokes every token whose session (sid or session_state)
	// is Entry.Value.
	KindSession
	// KindSubject revokes the tokens of subject Entry.Value issued at or
	// before Entry.Before.
	KindSubject
	// KindClient revokes the tokens of client Entry.Value (azp or
	// client_id) issued at or before Entry.Before.
	KindClient
	// KindIssuer revokes every token of the issuer issued at or before
	// Entry.Before; Entry.Value is empty.
	KindIssuer
)

// Entry is one revocation in force.
type Entry struct {
	Kind Kind
	// Issuer scopes the entry: it matches tokens of this issuer only.
	// Required.
	Issuer string
	// Value is the jti, sid, sub or client id the entry matches; empty for
	// KindIssuer.
	Value string
	// Before is the cut-off of KindSubject, KindClient and KindIssuer: a
	// token issued at or before it is revoked. Zero means the time of the
	// revocation.
	Before time.Time
	// Expires is when the entry leaves by itself. Zero means the store's
	// default: for KindToken nothing (the caller must give the token's exp),
	// for the others the later of the revocation time and Before, plus the
	// store's maximum token lifetime (see Entry.Normalize).
	Expires time.Time
}

// Store holds revocations and checks tokens against them. The in-memory
// store serves one process; a shared store (package redisstore) makes every
// replica of a service apply every revocation.
type Store interface {
	Checker
	// Revoke stores e. A nil error means the entry is in force and will not
	// be lost; any failure returns an error and nothing is half-stored.
	Revoke(ctx context.Context, e Entry) error
	// Entries lists the entries in force.
	Entries(ctx context.Context) ([]Entry, error)
	// Use records a one-time identifier (the jti of a logout token, scoped
	// by issuer) until the given time. It returns an error wrapping
	// ErrReplayed when the identifier was used before.
	Use(ctx context.Context, issuer, id string, until time.Time) error
	// Release forgets an identifier recorded by Use, so that a retry of a
	// request whose effect could not be stored is not refused as a replay.
	Release(ctx context.Context, issuer, id string) error
	// Status reports the sync state.
	Status() Status
	// Close stops every goroutine the store started.
	Close() error
}

// Status describes a store's state, for health endpoints and metrics.
type Status struct {
	// InSync is true when the local copy follows the shared state (always
	// true for the in-memory store).
	InSync bool
	// Lag is how long the local copy has not been confirmed in sync with
	// the shared state (zero when in sync).
	Lag time.Duration
	// LastSync is when the local copy was last confirmed in sync.
	LastSync time.Time
	// Entries is the number of entries in force.
	Entries int
	// LastError is the last error talking to the shared state, if any.
	LastError error
}
