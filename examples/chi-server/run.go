package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// usageError is a command-line mistake: main exits 2 for it.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// shutdownTimeout bounds the graceful shutdown.
const shutdownTimeout = 5 * time.Second

// run parses args, starts the servers, prints how to try them on stdout,
// logs one line per request on stderr, and shuts down gracefully when ctx
// ends (main cancels it on SIGINT or SIGTERM).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	a, err := start(ctx, c, log)
	if err != nil {
		return err
	}
	if err := printBanner(stdout, a); err != nil {
		_ = a.shutdown(context.Background())
		return err
	}
	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case err = <-a.failed:
		log.Error("server failed", "error", err)
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if serr := a.shutdown(sctx); err == nil {
		err = serr
	}
	return err
}

// app is a running API, and in demo mode its demo issuer.
type app struct {
	cfg       *config
	apiURL    string
	issuerURL string  // the demo issuer's, or the -oidc issuer
	demo      *issuer // nil unless demo mode
	auth      *authn
	dpop      *dpopSetup
	servers   []*http.Server
	failed    chan error // a server stopped on its own
	unwatch   func()     // stops watchKeys and waits for it; nil when none runs
	rev       *revocations
	unsync    func() // stops watchRevocations and waits for it; nil when none runs
}

// start starts the demo issuer (in demo mode), builds the middleware, and
// starts the API. Everything listens before start returns, so the URLs in
// app work at once. start never waits for a real issuer: its keys are
// fetched in the background (watchKeys) while the API already answers,
// 503 keys_unavailable until they come.
func start(ctx context.Context, c *config, log *slog.Logger) (*app, error) {
	a := &app{cfg: c, failed: make(chan error, 2)}
	started := false
	defer func() {
		// Every error return says nil: stop whatever had started.
		if !started {
			_ = a.shutdown(context.Background())
		}
	}()
	o, err := newOps()
	if err != nil {
		return nil, err
	}
	rev, err := newRevocations(c, o, log)
	if err != nil {
		return nil, err
	}
	a.rev = rev
	var apiLn net.Listener
	defer func() {
		if !started && apiLn != nil {
			apiLn.Close()
		}
	}()
	if c.demo() {
		ln, err := net.Listen("tcp", c.demoAddr)
		if err != nil {
			return nil, fmt.Errorf("demo issuer: %w", err)
		}
		// The API listens before the issuer is made, so that the issuer
		// knows where to deliver logout tokens; it serves once built.
		if apiLn, err = net.Listen("tcp", c.addr); err != nil {
			ln.Close()
			return nil, fmt.Errorf("API: %w", err)
		}
		a.apiURL = "http://" + apiLn.Addr().String()
		a.issuerURL = "http://" + ln.Addr().String()
		if a.demo, err = newIssuer(a.issuerURL); err != nil {
			ln.Close()
			return nil, err
		}
		a.demo.logoutTo(a.apiURL+backchannelPath, c.logoutClient())
		a.serve(ln, a.demo)
	} else if c.oidc != "" {
		a.issuerURL = c.oidc
	}
	dp, err := newDPoP(c, o, log)
	if err != nil {
		return nil, err
	}
	a.dpop = dp
	auth, err := newAuthn(ctx, c, a.issuerURL, o, a.dpop.cfg, rev.store, log)
	if err != nil {
		return nil, err
	}
	a.auth = auth
	if apiLn == nil {
		if apiLn, err = net.Listen("tcp", c.addr); err != nil {
			return nil, fmt.Errorf("API: %w", err)
		}
		a.apiURL = "http://" + apiLn.Addr().String()
	}
	a.serve(apiLn, a.auth.api)
	if !c.demo() {
		a.watchKeys(a.auth.ready, log)
	}
	if rev.shared != nil {
		a.unsync = watchRevocations(rev.shared, log)
	}
	started = true
	return a, nil
}

// watchKeys starts the first key fetch in the background and logs its
// outcome: Info when the keys come, Warn when they have not come within
// readyTimeout (the source keeps retrying, and the API answers 503 until
// then). shutdown stops it.
func (a *app) watchKeys(ready func(context.Context) error, log *slog.Logger) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	a.unwatch = func() { cancel(); <-done }
	go func() {
		defer close(done)
		rctx, rcancel := context.WithTimeout(ctx, readyTimeout)
		defer rcancel()
		err := ready(rctx)
		switch {
		case err == nil:
			log.Info("keys ready", "keys", a.auth.keys)
		case ctx.Err() == nil:
			log.Warn("no keys yet; the API answers 503 until they come", "keys", a.auth.keys, "error", err)
		}
	}()
}

// serve runs an HTTP server on ln in the background.
func (a *app) serve(ln net.Listener, h http.Handler) {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	a.servers = append(a.servers, srv)
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			a.failed <- err
		}
	}()
}

// shutdown stops the API first, then the demo issuer, then the key source,
// then the revocation store.
func (a *app) shutdown(ctx context.Context) error {
	var errs []error
	if a.unwatch != nil {
		a.unwatch()
	}
	for i := len(a.servers) - 1; i >= 0; i-- {
		errs = append(errs, a.servers[i].Shutdown(ctx))
	}
	if a.auth != nil {
		errs = append(errs, a.auth.close())
	}
	errs = append(errs, a.dpop.close())
	if a.unsync != nil {
		a.unsync()
	}
	if a.rev != nil {
		errs = append(errs, a.rev.close())
	}
	return errors.Join(errs...)
}
