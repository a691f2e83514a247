package backchannel

import (
	"errors"
	"log/slog"
	"time"

	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/revocation"
	"github.com/jwtguard/jwtguard/verify"
)

// Defaults applied by New to zero fields of Config.
const (
	// DefaultMaxAge is how old a logout token may be, by its "iat", before
	// it is refused (plus the leeway).
	DefaultMaxAge = 5 * time.Minute
	// DefaultMaxBodyBytes is the largest request body read, 64 KiB: a form
	// holding one logout token of at most verify.DefaultMaxTokenBytes.
	DefaultMaxBodyBytes = 64 << 10
	// DefaultStoreTimeout bounds the store calls of one logout.
	DefaultStoreTimeout = 10 * time.Second
)

// DefaultAlgorithms are the accepted signature algorithms when
// Config.Algorithms is nil: RS256, with which Keycloak (and most OpenID
// providers) sign logout tokens, as their ID tokens.
var DefaultAlgorithms = []string{"RS256"}

// Config configures a Handler. Keys, Issuer, ClientID and Store are
// required; the zero value of every other field is a sound production
// setting.
type Config struct {
	// Keys are the issuer's own signing keys, the ones its ID tokens are
	// checked with (for Keycloak, the realm's JWK Set). Required.
	Keys keysource.Source

	// Issuer is the issuer's identifier, compared exactly with the logout
	// token's "iss". Required.
	Issuer string

	// ClientID is this service's client id at the issuer: the logout
	// token's "aud" must contain it. Required.
	ClientID string

	// Algorithms lists the accepted signature algorithms. If nil,
	// DefaultAlgorithms ({"RS256"}). HMAC algorithms are accepted only when
	// listed here (with a key source holding the client secret), and never
	// together with asymmetric ones.
	Algorithms []string

	// Store records the revocations and, scoped by issuer, the "jti" of
	// every logout token accepted, so that a replay is refused by every
	// replica sharing the store. Required.
	Store revocation.Store

	// Leeway is the clock skew tolerated on iat, exp and nbf. If zero,
	// verify.DefaultLeeway (60 s); a negative value means none.
	Leeway time.Duration

	// MaxAge is how old a logout token may be by its "iat" (plus Leeway).
	// It also bounds how long its "jti" is remembered. If zero,
	// DefaultMaxAge (5 minutes); negative values are refused by New.
	MaxAge time.Duration

	// MaxBodyBytes is the largest request body read; a larger one is
	// refused with 400. If zero, DefaultMaxBodyBytes (64 KiB).
	MaxBodyBytes int64

	// StoreTimeout bounds the store calls (Revoke, then Use) of one
	// logout. They run detached from the request's cancellation: once a
	// logout token is verified, its revocation is stored even when the
	// issuer stops waiting for the answer. If zero, DefaultStoreTimeout
	// (10 s); negative values are refused by New.
	StoreTimeout time.Duration

	// InsecureAllowUntypedLogoutTokens also accepts logout tokens whose
	// "typ" header is absent or "JWT", as Keycloak sends them before
	// version 25. Such tokens are told apart from ID and access tokens by
	// their claims alone ("events", no "nonce"), which OpenID Connect
	// Back-Channel Logout 1.0 section 4.1 calls weaker than explicit
	// typing. If false, "typ" must be "logout+jwt".
	InsecureAllowUntypedLogoutTokens bool

	// Now returns the current time. If nil, time.Now.
	Now func() time.Time

	// Logger receives one record per request: Info for a logout done,
	// Warn for a token refused, Error when the revocation could not be
	// stored. Records never hold the token, nor the subject; the session
	// and token ids appear as short SHA-256 fingerprints. If nil,
	// slog.Default().
	Logger *slog.Logger
}

// settings is Config after defaults and validation.
type settings struct {
	store   revocation.Store
	leeway  time.Duration // effective, >= 0
	maxAge  time.Duration
	maxBody int64
	timeout time.Duration
	now     func() time.Time
	log     *slog.Logger
}

func (c *Config) settings() (*settings, error) {
	switch {
	case c.Keys == nil:
		return nil, errors.New("backchannel: Config.Keys is required: the issuer's signing keys")
	case c.Issuer == "":
		return nil, errors.New("backchannel: Config.Issuer is required")
	case c.ClientID == "":
		return nil, errors.New("backchannel: Config.ClientID is required: the aud of the logout tokens")
	case c.Store == nil:
		return nil, errors.New("backchannel: Config.Store is required")
	case c.MaxAge < 0:
		return nil, errors.New("backchannel: Config.MaxAge is negative")
	case c.MaxBodyBytes < 0:
		return nil, errors.New("backchannel: Config.MaxBodyBytes is negative")
	case c.StoreTimeout < 0:
		return nil, errors.New("backchannel: Config.StoreTimeout is negative")
	}
	s := &settings{
		store:   c.Store,
		leeway:  c.Leeway,
		maxAge:  c.MaxAge,
		maxBody: c.MaxBodyBytes,
		timeout: c.StoreTimeout,
		now:     c.Now,
		log:     c.Logger,
	}
	switch {
	case s.leeway == 0:
		s.leeway = verify.DefaultLeeway
	case s.leeway < 0:
		s.leeway = 0
	}
	if s.maxAge == 0 {
		s.maxAge = DefaultMaxAge
	}
	if s.maxBody == 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	if s.timeout == 0 {
		s.timeout = DefaultStoreTimeout
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s, nil
}
