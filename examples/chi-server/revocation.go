package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/jwtguard/jwtguard/backchannel"
	"github.com/jwtguard/jwtguard/internal/cliflag"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/readiness"
	"github.com/jwtguard/jwtguard/redisstore"
	"github.com/jwtguard/jwtguard/revocation"
)

// backchannelPath is where the API receives OpenID Connect back-channel
// logout tokens (with -logout-aud, and always in demo mode).
const backchannelPath = "/backchannel-logout"

// revocationFlags are the flags of revocations and logout, and -redis,
// which the DPoP replay store shares.
type revocationFlags struct {
	redisURL  string         // -redis
	redisOpts *redis.Options // parsed -redis
	logoutAud string         // -logout-aud
	maxLag    time.Duration  // -revocation-max-lag
}

// revocationsName names the revocation store in /readyz and /metrics.
const revocationsName = "revocations"

// redisClient returns a new client of -redis (the caller closes it), nil
// when -redis is not given.
func (r *revocationFlags) redisClient() (*redis.Client, error) {
	if r.redisOpts == nil {
		return nil, nil
	}
	opts := *r.redisOpts
	// Deadlines of the request path must bound each call.
	opts.ContextTimeoutEnabled = true
	return redis.NewClient(&opts), nil
}

const revocationUsage = `
Revocations (logouts) are kept in memory, or shared by every instance that
uses the same Redis (-redis redis://HOST:PORT/DB). With -logout-aud CLIENT_ID
the API receives OpenID Connect back-channel logout tokens for that client
at POST ` + backchannelPath + ` (in demo mode always, for the demo issuer's
client "` + demoAudience + `"; the demo issuer's POST /logout sends them).
`

// addRevocationFlags defines the revocation flags on fs.
func (r *revocationFlags) addRevocationFlags(fs *flag.FlagSet) {
	fs.StringVar(&r.redisURL, "redis", "", "share state with the other replicas through the Redis at this `URL` (redis://[user:password@]host:port/db, rediss:// for TLS): revocations, and DPoP proofs used on one replica refused on all; default: in memory")
	fs.StringVar(&r.logoutAud, "logout-aud", "", "serve POST "+backchannelPath+" for the logout tokens of this `client_id` (default \""+demoAudience+"\" in demo mode)")
	fs.DurationVar(&r.maxLag, "revocation-max-lag", 0, "how long an instance may be out of sync with -redis before it answers 503 revocation_unavailable (default "+redisstore.DefaultMaxLag.String()+")")
}

// checkRevocation checks the revocation flags; c is the whole command line.
func (c *config) checkRevocation() error {
	switch {
	case c.maxLag < 0:
		return errors.New("-revocation-max-lag is negative")
	case c.maxLag > 0 && c.redisURL == "":
		return errors.New("-revocation-max-lag needs -redis: revocations kept in memory are always in sync")
	}
	if c.redisURL != "" {
		opts, err := redis.ParseURL(c.redisURL)
		if err != nil {
			// The error goes to stderr and the logs: never the password.
			return cliflag.URLError("redis", c.redisURL, err)
		}
		c.redisOpts = opts
	}
	if c.logoutAud == "" {
		return nil
	}
	switch {
	case c.profile != "" && c.profile != profileKeycloak:
		return fmt.Errorf("-logout-aud works with -profile %s only: the other issuers send no back-channel logout", profileKeycloak)
	case c.profile == "" && !c.demo() && (len(c.issuers) > 1 || len(c.issuers) == 0 && c.oidc == ""):
		return errors.New("-logout-aud needs one issuer (-oidc, or one -iss) whose logout tokens to accept")
	}
	return nil
}

// logoutClient is the client id of the logout tokens the API accepts: "" when
// it serves no back-channel logout.
func (c *config) logoutClient() string {
	if c.logoutAud == "" && c.demo() {
		return demoAudience
	}
	return c.logoutAud
}

// revocations is the store the verifier checks and the logout receiver
// writes to, and how to stop it.
type revocations struct {
	store  revocation.Store
	shared *redisstore.Revocation // nil when in memory
	desc   string                 // for the banner
	close  func() error
}

// newRevocations opens the store of the flags: Redis when -redis is given,
// else memory. It never waits for Redis: the store syncs in the background
// (watchRevocations) and the API answers 503 revocation_unavailable until
// it has.
//
// The store is in /readyz (ready while in sync) and /metrics (entries,
// lag, revocations stored) under revocationsName.
func newRevocations(c *config, o *ops, log *slog.Logger) (*revocations, error) {
	onRevoke, onFull := o.m.Revocations(revocationsName)
	r, err := openRevocations(c, onRevoke, onFull, log)
	if err != nil {
		return nil, err
	}
	o.checks = append(o.checks, readiness.Revocation(revocationsName, r.store))
	if err := o.m.WatchRevocation(revocationsName, r.store); err != nil {
		_ = r.close()
		return nil, err
	}
	return r, nil
}

func openRevocations(c *config, onRevoke, onFull func(revocation.Entry), log *slog.Logger) (*revocations, error) {
	if c.redisOpts == nil {
		m, err := revocation.NewMemory(revocation.MemoryConfig{OnRevoke: onRevoke, OnFull: onFull})
		if err != nil {
			return nil, err
		}
		return &revocations{store: m, desc: "in memory (this process only)", close: m.Close}, nil
	}
	client, err := c.redisClient()
	if err != nil {
		return nil, err
	}
	s, err := redisstore.NewRevocation(redisstore.RevocationConfig{
		Client: client,
		MaxLag: c.maxLag,
		Logger: log,
		Hooks:  redisstore.RevocationHooks{OnRevoke: onRevoke, OnFull: onFull},
	})
	if err != nil {
		_ = client.Close()
		return nil, err
	}
	lag := c.maxLag
	if lag == 0 {
		lag = redisstore.DefaultMaxLag
	}
	return &revocations{
		store:  s,
		shared: s,
		desc:   fmt.Sprintf("shared through Redis %s (503 revocation_unavailable when out of sync for over %s)", c.redisOpts.Addr, lag),
		close:  func() error { return errors.Join(s.Close(), client.Close()) },
	}, nil
}

// watchRevocations logs, at Warn, that a Redis store has not synced within
// readyTimeout (it keeps trying; the store itself logs when it syncs). The
// returned function stops the watch and waits for it.
func watchRevocations(s *redisstore.Revocation, log *slog.Logger) func() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		wctx, wcancel := context.WithTimeout(ctx, readyTimeout)
		defer wcancel()
		if err := s.WaitSynced(wctx); err != nil && ctx.Err() == nil {
			log.Warn("revocations not in sync with Redis yet; the API answers 503 revocation_unavailable until they are", "error", s.Status().LastError)
		}
	}()
	return func() { cancel(); <-done }
}

// logoutReceiver returns the back-channel logout receiver of the generic
// (not -profile) setup, or nil when the API serves none: it verifies logout
// tokens with the API's own key source and algorithms, for the API's
// issuer, and revokes in rev, which the API's verifier checks.
func (a *authn) logoutReceiver(c *config, src keysource.Source, issuers, algs []string, rev revocation.Store, log *slog.Logger) (http.Handler, error) {
	client := c.logoutClient()
	if client == "" {
		return nil, nil
	}
	leeway := c.leeway
	if leeway == 0 {
		leeway = -1
	}
	h, err := backchannel.New(backchannel.Config{
		Keys:       src,
		Issuer:     issuers[0],
		ClientID:   client,
		Algorithms: algs,
		Store:      rev,
		Leeway:     leeway,
		Logger:     log,
	})
	if err != nil {
		return nil, fmt.Errorf("-logout-aud: %w", err)
	}
	a.logout = client
	return h, nil
}
