package profile

import (
	"log/slog"
	"time"

	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/revocation"
	"github.com/jwtguard/jwtguard/verify"
)

// Settings are the settings shared by the profiles that verify tokens with
// the issuer's keys (Keycloak, Erply, Ansira). The zero value is a sound
// production configuration.
type Settings struct {
	// Fetch configures the remote key source: HTTP client, timeouts,
	// refresh interval and on-demand refresh cooldown, staleness, logger,
	// hooks, clock, and InsecureAllowHTTP. The zero value is
	// keysource's production default: https only (http to loopback hosts
	// is allowed), lazy first fetch, logs to slog.Default().
	Fetch keysource.FetchConfig

	// Leeway is the clock skew tolerated on exp, nbf and iat. If zero,
	// verify.DefaultLeeway (60 s); a negative value means none.
	Leeway time.Duration

	// Now is the verifier's clock. If nil, time.Now.
	Now func() time.Time

	// CacheSize is how many verified tokens the verifier remembers. If
	// zero, verify.DefaultCacheSize; a negative value turns the cache off.
	CacheSize int

	// Revocation, if set, is asked whether a verified token was revoked
	// (see verify.Config.Revocation): a revocation.Store such as
	// revocation.NewMemory or a Redis store. A Keycloak profile's
	// BackchannelLogout writes its revocations there, so that the
	// profile's verifier refuses the tokens of a logged-out session. If
	// nil, nothing is revoked.
	Revocation revocation.Checker

	// Observer, if set, is the verifier's verify.Config.Observer: it is
	// told about every verification, for metrics and traces (the adapters
	// in package metrics give one). If nil, nothing is observed.
	Observer verify.Observer
}

// warnInsecure logs, at Warn on Fetch.Logger (or slog.Default()), that the
// Insecure... field of a profile's Config turns a check off, and what that
// lets in. Each profile calls it once, when it is built, so that a choice
// made in code shows in the service's start-up logs.
func (s Settings) warnInsecure(profileName, field, consequence string) {
	log := s.Fetch.Logger
	if log == nil {
		log = slog.Default()
	}
	log.Warn("INSECURE: "+profileName+" profile: "+consequence, "field", field)
}
