package verify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jwtguard/jwtguard/internal/jose"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/revocation"
)

// Defaults applied by New to zero fields of Config.
const (
	// DefaultLeeway is the clock skew tolerated on exp, nbf and iat.
	DefaultLeeway = 60 * time.Second
	// DefaultMaxTokenBytes is the longest token accepted, 16 KiB.
	DefaultMaxTokenBytes = 16 << 10
)

// DefaultTokenTypes are the "typ" header values accepted when
// Config.TokenTypes is nil: absent, "JWT", and the access-token type of
// RFC 9068 with or without its "application/" prefix.
var DefaultTokenTypes = []string{"", "JWT", "at+jwt", "application/at+jwt"}

// Config configures a Verifier. C is the claims type the payload decodes
// into; it is usually a struct that embeds claims.Registered (claims.Keycloak,
// or a caller's own), or claims.Map.
type Config[C any] struct {
	// Keys supplies the verification keys. Required.
	Keys keysource.Source

	// Algorithms is the allow-list of JWS algorithms, e.g. {"RS256"}.
	// Required and non-empty; "none" and unknown names are refused by New,
	// and so is "Ed448" (no Go implementation). A token's "alg" must be in
	// it, by name, and must also fit the key (type, curve, and the key's own
	// "alg" when it has one). "Ed25519" (RFC 9864) and "EdDSA" both verify
	// Ed25519 signatures; list only "Ed25519" to accept only the fully
	// specified name. A key whose own "alg" is either of the two verifies
	// tokens of both, since they name the same operation on an Ed25519 key.
	Algorithms []string

	// Issuers lists the accepted "iss" values, compared exactly. Required
	// unless InsecureSkipIssuerCheck is set.
	Issuers []string

	// Audiences lists the accepted audiences: the token is accepted when one
	// of its "aud" values is in the list. Required unless
	// InsecureSkipAudienceCheck is set.
	Audiences []string

	// Leeway is the clock skew tolerated on exp, nbf and iat. If zero,
	// DefaultLeeway (60 s). A negative value means no leeway at all.
	Leeway time.Duration

	// Now returns the current time. If nil, the system's wall clock, read
	// through its monotonic clock (cheaper than time.Now): a step of the
	// wall clock is seen within a millisecond.
	Now func() time.Time

	// TokenTypes lists the accepted "typ" header values; "" stands for an
	// absent typ. Comparison ignores case and an "application/" prefix, as
	// RFC 7515 section 4.1.9 recommends. If nil, DefaultTokenTypes.
	TokenTypes []string

	// MaxTokenBytes is the longest token accepted. If zero,
	// DefaultMaxTokenBytes (16 KiB).
	MaxTokenBytes int

	// MaxAge, when positive, refuses tokens whose "iat" is older than MaxAge
	// (plus Leeway), and requires "iat". If zero, iat age is not limited.
	MaxAge time.Duration

	// RequiredClaims names top-level claims that must be present (with any
	// value, null included) in addition to exp, iss and aud.
	RequiredClaims []string

	// Validators run, in order, after every other check has passed. An
	// error fails the token with ErrClaims (the validator's error stays in
	// the chain). A validator's error that wraps another sentinel of this
	// package (ErrTokenType, ErrIssuer, ErrAudience, ...) gives the failure
	// that sentinel's Reason instead of "claims". A claims type with a
	// method Validate(context.Context) error is validated the same way,
	// before these.
	Validators []func(ctx context.Context, claims *C) error

	// Revocation, if set, is asked whether a token was revoked before it
	// expired (a logged-out session, a revoked jti, a subject's or client's
	// tokens cut off): after every other check has passed, and again on
	// every cache hit, so a cached token that was revoked since is refused.
	// It reads local memory only (see package revocation). A revoked token
	// fails with ErrRevoked; a checker that cannot know fails it with
	// ErrRevocationUnavailable. If nil, nothing is revoked.
	Revocation revocation.Checker

	// Observer, if set, is told about every verification (outcome, reason,
	// algorithm, cache hit, duration), for metrics and traces. If nil,
	// nothing is observed and nothing is timed.
	Observer Observer

	// CacheSize is how many verified tokens the Verifier remembers, so that a
	// token that keeps coming back skips the signature check and the claims
	// decoding (see Verify for when a token is stored and what a hit still
	// checks). If zero, DefaultCacheSize; a negative value turns the cache
	// off.
	CacheSize int

	// InsecureSkipIssuerCheck accepts any "iss". Only for tokens whose
	// issuer is implied by the keys alone.
	InsecureSkipIssuerCheck bool

	// InsecureSkipAudienceCheck accepts any "aud", or none. Keycloak access
	// tokens often carry only "account" or no aud at all; prefer checking
	// "azp" then.
	InsecureSkipAudienceCheck bool

	// InsecureAllowMissingExpiry accepts tokens without "exp". Such tokens
	// never expire; do not set this for bearer tokens.
	InsecureAllowMissingExpiry bool
}

// settings is Config after defaults and validation, in the forms the hot
// path wants.
type settings[C any] struct {
	keys       keysource.Source
	algs       uint32 // bit jose.Alg set when allowed
	issuers    []string
	audiences  []string
	leeway     time.Duration
	now        func() time.Time
	types      []string // normalized
	maxBytes   int
	maxAge     time.Duration
	cacheSize  int
	clock      *wallClock // systemClock when Config.Now is nil (now is its now), else nil
	required   []string
	validators []func(context.Context, *C) error
	revocation revocation.Checker
	observer   Observer
	skipIss    bool
	skipAud    bool
	allowNoExp bool
}

func (c *Config[C]) settings() (*settings[C], error) {
	if c.Keys == nil {
		return nil, errors.New("verify: Config.Keys is required")
	}
	s := &settings[C]{
		keys:       c.Keys,
		issuers:    append([]string(nil), c.Issuers...),
		audiences:  append([]string(nil), c.Audiences...),
		leeway:     c.Leeway,
		now:        c.Now,
		maxBytes:   c.MaxTokenBytes,
		maxAge:     c.MaxAge,
		cacheSize:  c.CacheSize,
		required:   append([]string(nil), c.RequiredClaims...),
		validators: append([]func(context.Context, *C) error(nil), c.Validators...),
		revocation: c.Revocation,
		observer:   c.Observer,
		skipIss:    c.InsecureSkipIssuerCheck,
		skipAud:    c.InsecureSkipAudienceCheck,
		allowNoExp: c.InsecureAllowMissingExpiry,
	}
	if len(c.Algorithms) == 0 {
		return nil, errors.New("verify: Config.Algorithms must list at least one algorithm")
	}
	sym, asym := false, false
	for _, name := range c.Algorithms {
		a, ok := jose.ParseAlg(name)
		if !ok {
			if strings.EqualFold(name, "none") {
				return nil, errors.New(`verify: algorithm "none" is never accepted`)
			}
			if why := jose.UnsupportedReason(name); why != "" {
				return nil, fmt.Errorf("verify: unsupported algorithm %q: %s", name, why)
			}
			return nil, fmt.Errorf("verify: unsupported algorithm %q", name)
		}
		s.algs |= 1 << a
		if a.Symmetric() {
			sym = true
		} else {
			asym = true
		}
	}
	if sym && asym {
		// A key source never mixes the two, so a mixed list only widens what
		// an attacker may try (the RS256 → HS256 confusion).
		return nil, errors.New("verify: Config.Algorithms mixes HMAC and asymmetric algorithms")
	}
	for _, iss := range s.issuers {
		if iss == "" {
			return nil, errors.New("verify: Config.Issuers holds an empty issuer")
		}
	}
	if len(s.issuers) == 0 && !s.skipIss {
		return nil, errors.New("verify: Config.Issuers is required (or set InsecureSkipIssuerCheck)")
	}
	for _, aud := range s.audiences {
		if aud == "" {
			return nil, errors.New("verify: Config.Audiences holds an empty audience")
		}
	}
	if len(s.audiences) == 0 && !s.skipAud {
		return nil, errors.New("verify: Config.Audiences is required (or set InsecureSkipAudienceCheck)")
	}
	switch {
	case s.leeway == 0:
		s.leeway = DefaultLeeway
	case s.leeway < 0:
		s.leeway = 0
	}
	if s.now == nil {
		// The Verifier's one clock, on hits and fresh tokens alike (and
		// its Router's), so the two never judge a token by different
		// times.
		s.clock = systemClock
		s.now = systemClock.now
	}
	if s.maxBytes == 0 {
		s.maxBytes = DefaultMaxTokenBytes
	}
	if s.maxBytes < 0 {
		return nil, errors.New("verify: Config.MaxTokenBytes is negative")
	}
	if s.cacheSize == 0 {
		s.cacheSize = DefaultCacheSize
	}
	if s.maxAge < 0 {
		return nil, errors.New("verify: Config.MaxAge is negative")
	}
	types := c.TokenTypes
	if types == nil {
		types = DefaultTokenTypes
	}
	for _, t := range types {
		s.types = append(s.types, normalizeType(t))
	}
	for _, name := range s.required {
		if name == "" {
			return nil, errors.New("verify: Config.RequiredClaims holds an empty name")
		}
	}
	return s, nil
}

// normalizeType lower-cases a typ value and drops an "application/" prefix.
func normalizeType(t string) string {
	t = strings.ToLower(t)
	return strings.TrimPrefix(t, "application/")
}

func (s *settings[C]) typeAllowed(typ string) bool {
	const prefix = "application/"
	if len(typ) > len(prefix) && strings.EqualFold(typ[:len(prefix)], prefix) {
		typ = typ[len(prefix):]
	}
	for _, t := range s.types {
		if strings.EqualFold(t, typ) {
			return true
		}
	}
	return false
}
