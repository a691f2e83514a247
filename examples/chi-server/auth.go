package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/cliflag"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/metrics"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/revocation"
	"github.com/jwtguard/jwtguard/verify"
)

// readyTimeout bounds the wait for the demo issuer's keys at startup, and
// how long the API waits for a real issuer's keys before it logs that they
// have not come. A real issuer that is down never delays the API: it
// listens at once and answers 503 keys_unavailable until the keys come.
const readyTimeout = 10 * time.Second

// authn is the API's protection: the key source, the verifier and the
// middleware in front of the routes, and a description of them for the
// banner.
//
// Without -profile the claims type is claims.Keycloak, whose shape the demo
// issuer follows. With -profile (profileauth.go) it is the profile's:
// claims.Keycloak, claims.Erply, profile.AnsiraClaims or claims.Map (EPR);
// routes is generic over it.
type authn struct {
	api      http.Handler                // the routes behind the middleware
	keys     string                      // where the keys come from
	checks   string                      // what is checked
	warnings []string                    // what is not
	header   string                      // how curl sends a token: "Authorization: Bearer" or "x-access-token:"
	hints    routeHints                  // what /api/reports and /api/admin answer, for the banner
	ready    func(context.Context) error // waits for the first keys; watched once the API listens
	logout   string                      // the client of the logout tokens received; "" when none
	dpop     middleware.DPoPConfig       // the middleware's DPoP settings (profiles)
	close    func() error
}

// newAuthn builds the protection the flags describe. issuerURL is the demo
// issuer's URL in demo mode, the -oidc issuer otherwise ("" for -jwks, -pem
// and -secret-file).
func newAuthn(ctx context.Context, c *config, issuerURL string, o *ops, dp middleware.DPoPConfig, rev revocation.Store, log *slog.Logger) (*authn, error) {
	if c.profile != "" {
		return newProfileAuthn(c, o, dp, rev, log)
	}
	a := &authn{header: bearerHeader}
	src, name, err := a.keySource(c, issuerURL, o, log)
	if err != nil {
		return nil, err
	}

	issuers := c.issuers
	if len(issuers) == 0 {
		issuers = []string{issuerURL} // exactly as tokens carry it, trailing slash and all
	}
	audiences := c.audience
	if len(audiences) == 0 && c.demo() && !c.skipAudience {
		audiences = []string{demoAudience}
	}
	algs := c.algs
	if len(algs) == 0 {
		algs = []string{"RS256"}
		if c.secretFile != "" {
			algs = cliflag.HMACAlgorithms
		}
	}
	leeway := c.leeway
	if leeway == 0 {
		leeway = -1 // verify's zero means its default; the flag's means none
	}
	vcfg := verify.Config[claims.Keycloak]{
		Keys:       src,
		Algorithms: algs,
		Issuers:    issuers,
		Audiences:  audiences,
		TokenTypes: c.types.TokenTypes(),
		Leeway:     leeway,
		Observer:   o.m.Verifier(name),
		Revocation: rev,
	}
	aud := "aud " + strings.Join(audiences, " or ")
	if len(audiences) == 0 {
		// Only by -insecure-skip-audience: checkAudience requires -aud
		// otherwise.
		vcfg.InsecureSkipAudienceCheck = true
		aud = "aud NOT checked (-insecure-skip-audience)"
		a.warnings = append(a.warnings, "the audience is not checked (-insecure-skip-audience): a token the issuer gave for any other API is accepted here too")
		log.Warn("INSECURE: the audience is not checked (-insecure-skip-audience); pass -aud with this API's audience")
	}
	v, err := verify.New(vcfg)
	if err != nil {
		_ = a.close()
		return nil, err
	}
	typ := ""
	if c.types.Given() {
		typ = ", typ header " + c.types.String()
	}
	a.checks = fmt.Sprintf("%s signature%s, iss %s, %s, exp (leeway %s)",
		strings.Join(algs, "/"), typ, strings.Join(issuers, " or "), aud, c.leeway)

	extractors := []middleware.Extractor{middleware.BearerHeader()}
	for _, h := range c.headers {
		extractors = append(extractors, middleware.Header(h))
	}
	mw, err := middleware.New(middleware.Config[claims.Keycloak]{
		Verifier:          v,
		Extractors:        extractors,
		Realm:             apiRealm,
		SkipCORSPreflight: true,
		DPoP:              dp,
		OnOutcome:         metrics.OnOutcome(recordReason, o.m.Middleware(apiName)),
		Logger:            middlewareLogger(log),
	})
	if err != nil {
		_ = a.close()
		return nil, err
	}
	logout, err := a.logoutReceiver(c, src, issuers, algs, rev, log)
	if err != nil {
		_ = a.close()
		return nil, err
	}
	if a.api, err = routes(mw, o, log, logout); err != nil {
		_ = a.close()
		return nil, err
	}

	if c.demo() {
		// The demo issuer runs in this process: its keys must come.
		rctx, cancel := context.WithTimeout(ctx, readyTimeout)
		defer cancel()
		if err := a.ready(rctx); err != nil {
			_ = a.close()
			return nil, fmt.Errorf("the API cannot get the demo issuer's keys: %w", err)
		}
	}
	return a, nil
}

// keySource builds the key source of the flags and sets a.keys, a.ready and
// a.close (and a.warnings for a secret file). It registers the source with
// o under the name it returns ("demo", "oidc", "jwks", "pem" or "secret"),
// the source's label in /metrics and its check in /readyz.
func (a *authn) keySource(c *config, issuerURL string, o *ops, log *slog.Logger) (keysource.Source, string, error) {
	if c.secretFile != "" {
		src, warnings, err := cliflag.SecretFile(c.secretFile)
		if err != nil {
			return nil, "", err
		}
		for _, w := range warnings {
			log.Warn(w, "file", c.secretFile)
		}
		a.keys = "HMAC secret from " + c.secretFile
		a.warnings = append(a.warnings, warnings...)
		a.ready = func(context.Context) error { return nil }
		a.close = func() error { return nil }
		return src, "secret", o.watchKeys("secret", src)
	}
	var name string
	switch {
	case c.jwks != "":
		name = "jwks"
	case c.pem != "":
		name = "pem"
	case c.demo():
		name = "demo"
	default:
		name = "oidc"
	}
	fetch := keysource.FetchConfig{InsecureAllowHTTP: c.insecure, Logger: log, UserAgent: "jwtguard-chi-server",
		Hooks: o.keySourceHooks(name)}
	var (
		src cliflag.Remote
		err error
	)
	switch {
	case c.jwks != "":
		a.keys = "JWKS " + c.jwks
		src, err = cliflag.AsRemote(keysource.NewJWKS(keysource.JWKSConfig{URL: c.jwks, FetchConfig: fetch}))
	case c.pem != "":
		a.keys = "PEM " + c.pem
		src, err = cliflag.AsRemote(keysource.NewPEM(keysource.PEMConfig{URL: c.pem, FetchConfig: fetch}))
	default: // -oidc, or the demo issuer through the same discovery
		a.keys = "OIDC discovery " + strings.TrimSuffix(issuerURL, "/") + discoveryPath
		src, err = cliflag.AsRemote(keysource.NewOIDC(keysource.OIDCConfig{Issuer: issuerURL, FetchConfig: fetch}))
	}
	if err != nil {
		return nil, "", err
	}
	a.ready, a.close = src.Ready, src.Close
	if err := o.watchKeys(name, src); err != nil {
		_ = src.Close()
		return nil, "", err
	}
	return src, name, nil
}

// apiName labels the middleware's decisions in /metrics.
const apiName = "api"

// apiRealm is the realm of the API's WWW-Authenticate challenges.
const apiRealm = "jwtguard-example"

// bearerHeader is how curl sends a token in the banner by default.
const bearerHeader = "Authorization: Bearer"

// middlewareLogger is the middleware's logger. The access log already has
// one line per request; the middleware adds only what needs attention
// (keys unavailable, misconfiguration).
func middlewareLogger(log *slog.Logger) *slog.Logger {
	return slog.New(minLevel{log.With("component", "jwtguard").Handler(), slog.LevelWarn})
}

// minLevel drops records below min.
type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}
