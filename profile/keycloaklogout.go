package profile

import (
	"fmt"
	"log/slog"
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

	// Store records the revocations and the logout tokens' jti; give it
	// to the verifier too, so that revoked tokens are refused. Required.
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
	if cfg.Store == nil {
		return nil, fmt.Errorf("%w: BackchannelConfig.Store is required", ErrConfig)
	}
	h, err := backchannel.New(backchannel.Config{
		Keys:                             p.logout.keys,
		Issuer:                           p.logout.issuer,
		ClientID:                         cfg.ClientID,
		Algorithms:                       slices.Clone(p.logout.algorithms),
		Store:                            cfg.Store,
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
