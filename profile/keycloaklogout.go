package profile

import (
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"time"

	"github.com/jwtguard/jwtguard/backchannel"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/revocation"
)

// BackchannelConfig configures Profile.BackchannelLogout. ClientID and
// Store are required; the other zero values are backchannel.Config's
// defaults.
type BackchannelConfig struct {
	// ClientID is the client whose "Backchannel logout URL" points at the
	// handler: the logout tokens' "aud" must contain it (for
	// e-Attestations, EAttestationsClient). Required.
	ClientID string

	// Store records the revocations and the logout tokens' jti. If nil,
	// the profile's Settings.Revocation, which must then be a
	// revocation.Store. If set, it must be that same store: revocations
	// kept where the profile's verifier never looks would answer Keycloak
	// 200 and let the session's tokens in until they expire.
	Store revocation.Store

	// MaxAge is how old a logout token may be by its "iat". If zero,
	// backchannel.DefaultMaxAge (5 minutes).
	MaxAge time.Duration

	// MaxBodyBytes is the largest request body read. If zero,
	// backchannel.DefaultMaxBodyBytes.
	MaxBodyBytes int64

	// InsecureAllowUntypedLogoutTokens accepts the logout tokens of
	// Keycloak before version 25, whose "typ" header is "JWT" instead of
	// "logout+jwt" (see backchannel.Config). Keycloak 25 and later need
	// no such option.
	InsecureAllowUntypedLogoutTokens bool

	// Logger receives one record per request. If nil, slog.Default().
	Logger *slog.Logger
}

// logoutSource is what a profile whose issuer sends back-channel logout
// tokens (Keycloak) keeps to build a receiver for them.
type logoutSource struct {
	keys       keysource.Source
	issuer     string
	algorithms []string
	leeway     time.Duration
	now        func() time.Time
	// revocation is the profile's Settings.Revocation, which its verifier
	// checks.
	revocation revocation.Checker
}

// store returns the store logout revocations go to: the one the profile's
// verifier checks.
func (l *logoutSource) store(given revocation.Store) (revocation.Store, error) {
	if l.revocation == nil {
		return nil, fmt.Errorf("%w: the profile's verifier checks no revocations: set KeycloakConfig.Revocation to the store BackchannelLogout writes to", ErrConfig)
	}
	if given == nil {
		s, ok := l.revocation.(revocation.Store)
		if !ok {
			return nil, fmt.Errorf("%w: KeycloakConfig.Revocation is a %T, not a revocation.Store: pass BackchannelConfig.Store", ErrConfig, l.revocation)
		}
		return s, nil
	}
	if !sameValue(given, l.revocation) {
		return nil, fmt.Errorf("%w: BackchannelConfig.Store is not KeycloakConfig.Revocation: the profile's verifier would never see its revocations", ErrConfig)
	}
	return given, nil
}

// sameValue reports whether two interface values hold the same pointer;
// values of other kinds are never the same (comparing them could panic).
func sameValue(a, b any) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if va.Kind() != reflect.Pointer || vb.Kind() != reflect.Pointer || va.Type() != vb.Type() {
		return false
	}
	return va.Pointer() == vb.Pointer()
}

// BackchannelLogout returns the receiver of the OpenID Connect
// Back-Channel Logout requests of a Keycloak profile's realm (see package
// backchannel): it verifies logout tokens with the profile's key source,
// issuer, algorithms, leeway and clock, and revokes the sessions (or
// subjects) they name in cfg.Store. Serve it at the client's "Backchannel
// logout URL", for POST.
//
// The handler shares the profile's key source: after the profile's Close
// it checks logout tokens against the last keys fetched. Only a Keycloak
// profile has one; the others return an error wrapping ErrConfig.
func (p *Profile[C]) BackchannelLogout(cfg BackchannelConfig) (*backchannel.Handler, error) {
	if p.logout == nil {
		return nil, fmt.Errorf("%w: only a Keycloak profile receives back-channel logout tokens", ErrConfig)
	}
	if cfg.ClientID == "" {
		return nil, fmt.Errorf("%w: BackchannelConfig.ClientID is required: the client whose Backchannel logout URL this is, the aud of its logout tokens", ErrConfig)
	}
	store, err := p.logout.store(cfg.Store)
	if err != nil {
		return nil, err
	}
	h, err := backchannel.New(backchannel.Config{
		Keys:                             p.logout.keys,
		Issuer:                           p.logout.issuer,
		ClientID:                         cfg.ClientID,
		Algorithms:                       slices.Clone(p.logout.algorithms),
		Store:                            store,
		Leeway:                           p.logout.leeway,
		MaxAge:                           cfg.MaxAge,
		MaxBodyBytes:                     cfg.MaxBodyBytes,
		InsecureAllowUntypedLogoutTokens: cfg.InsecureAllowUntypedLogoutTokens,
		Now:                              p.logout.now,
		Logger:                           cfg.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return h, nil
}
