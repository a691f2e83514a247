package profile

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"

	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/verify"
)

// Profile is a verifier for one issuer's tokens together with the
// middleware settings that fit that issuer's clients. Keycloak, Erply,
// Ansira, EPR and Multi build one; hand MiddlewareConfig to middleware.New,
// and Close the profile when the service stops.
//
// The exported fields may be changed before MiddlewareConfig is called.
type Profile[C any] struct {
	// Verifier checks the tokens: a *verify.Verifier, a *verify.Router or
	// a remote checker.
	Verifier verify.TokenVerifier[C]

	// Extractors are the places the issuer's clients put their tokens,
	// for middleware.Config.Extractors.
	Extractors []middleware.Extractor

	// StatusByReason overrides HTTP statuses where the issuer documents
	// other ones than RFC 6750 (see AnsiraConfig.DocumentedStatuses), for
	// middleware.Config.StatusByReason. nil means RFC 6750's statuses.
	StatusByReason map[string]int

	// HasScope tells middleware.RequireScopes whether the claims grant a
	// scope, when the claims type cannot say it itself (Erply's
	// permissions). nil when the claims type implements
	// middleware.ScopeChecker or is claims.Map.
	HasScope func(c *C, scope string) bool

	issuer string   // the exact iss the verifier requires, "" if none
	places []string // where Extractors read, for Multi

	// logout is set by the profiles whose issuer sends logout tokens.
	logout *logoutSource

	ready     []func(context.Context) error
	sources   []keysource.Source // remote key sources, for KeySources
	closers   []func() error
	closeOnce sync.Once
	closeErr  error
}

// MiddlewareConfig returns a middleware configuration with the profile's
// Verifier, Extractors, StatusByReason and HasScope. Set the rest (Realm,
// Logger, OnOutcome, ...) before passing it to middleware.New.
func (p *Profile[C]) MiddlewareConfig() middleware.Config[C] {
	return middleware.Config[C]{
		Verifier:       p.Verifier,
		Extractors:     slices.Clone(p.Extractors),
		StatusByReason: maps.Clone(p.StatusByReason),
		HasScope:       p.HasScope,
	}
}

// Issuer returns the "iss" the profile's tokens must carry, compared
// exactly, or "" when the profile does not check it (an Erply profile
// with ErplyConfig.InsecureSkipIssuerCheck, an EPR profile).
func (p *Profile[C]) Issuer() string { return p.issuer }

// Ready waits until the profile's remote key sources have their first
// keys, starting their first fetch, or until ctx ends; the error then
// matches keysource.ErrUnavailable. Tokens can be verified without it (the
// first one waits for the keys), but a service that calls Ready at startup
// learns of a wrong URL at once. A profile without key source (EPR) is
// always ready.
func (p *Profile[C]) Ready(ctx context.Context) error {
	var errs []error
	for _, r := range p.ready {
		errs = append(errs, r(ctx))
	}
	return errors.Join(errs...)
}

// KeySources returns the remote key sources the profile fetches keys from
// (one for Keycloak, Erply and Ansira, none for EPR, every member's for
// Multi), for readiness checks (readiness.KeySource) and metrics gauges.
// The profile owns them: Close the profile, not them.
func (p *Profile[C]) KeySources() []keysource.Source { return slices.Clone(p.sources) }

// Close stops the goroutines of the profile's key sources (and of every
// member of a Multi profile). It is idempotent; tokens verified afterwards
// are checked against the last keys fetched, until they are too old.
func (p *Profile[C]) Close() error {
	p.closeOnce.Do(func() {
		var errs []error
		for _, c := range p.closers {
			errs = append(errs, c())
		}
		p.closeErr = errors.Join(errs...)
	})
	return p.closeErr
}
