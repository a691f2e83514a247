package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/metrics"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/profile"
	"github.com/jwtguard/jwtguard/readiness"
	"github.com/jwtguard/jwtguard/remotecheck"
	"github.com/jwtguard/jwtguard/revocation"
)

// routeHints say what /api/reports and /api/admin answer under a profile
// whose tokens carry scopes or roles in their own way, for the banner; ""
// keeps the default text.
type routeHints struct{ reports, admin string }

func (h routeHints) reportsOr(def string) string { return cmp.Or(h.reports, def) }
func (h routeHints) adminOr(def string) string   { return cmp.Or(h.admin, def) }

// newProfileAuthn builds the protection of -profile: the profile, the
// middleware with the profile's extractors and statuses, and the routes.
func newProfileAuthn(c *config, o *ops, dp middleware.DPoPConfig, rev revocation.Store, log *slog.Logger) (*authn, error) {
	a := &authn{close: func() error { return nil }, header: bearerHeader, dpop: dp}
	// The profile's name labels its key source and verifier in /metrics.
	s := profile.Settings{
		Fetch: keysource.FetchConfig{InsecureAllowHTTP: c.insecure, Logger: log, UserAgent: "jwtguard-chi-server",
			Hooks: o.keySourceHooks(c.profile)},
		Leeway:     flagLeeway(c.leeway),
		Observer:   o.m.Verifier(c.profile),
		Revocation: rev,
	}
	var (
		ready func(context.Context) error
		err   error
	)
	switch c.profile {
	case profileKeycloak:
		ready, err = a.keycloak(c, s, o, log)
	case profileErply:
		ready, err = a.erply(c, s, o, log)
	case profileAnsira:
		ready, err = a.ansira(c, s, o, log)
	case profileEPR:
		ready, err = a.epr(c, o, rev, log)
	default:
		err = fmt.Errorf("unknown profile %q", c.profile)
	}
	if err != nil {
		return nil, err
	}
	a.ready = ready
	return a, nil
}

// flagLeeway turns -leeway into verify's Leeway, whose zero means its
// default.
func flagLeeway(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}

// mount puts p's middleware in front of the routes (with logout, when not
// nil, at backchannelPath), and p's key sources in /readyz and /metrics
// under name (a profile without key source, EPR, is ready when the profile
// is). noRoles answers a role check 403 for tokens that carry no roles,
// instead of 500 (misconfigured).
func mount[C any](a *authn, p *profile.Profile[C], name string, o *ops, log *slog.Logger, noRoles bool, logout http.Handler) (func(context.Context) error, error) {
	cfg := p.MiddlewareConfig()
	cfg.Realm = apiRealm
	cfg.SkipCORSPreflight = true
	cfg.DPoP = a.dpop
	cfg.OnOutcome = metrics.OnOutcome(recordReason, o.m.Middleware(apiName))
	cfg.Logger = middlewareLogger(log)
	if noRoles {
		cfg.HasRole = func(*C, string, string) bool { return false }
	}
	err := func() error {
		srcs := p.KeySources()
		if len(srcs) == 0 {
			o.checks = append(o.checks, readiness.Check{Name: name, Ready: p.Ready})
		}
		for _, src := range srcs {
			if err := o.watchKeys(name, src); err != nil {
				return err
			}
		}
		mw, err := middleware.New(cfg)
		if err != nil {
			return err
		}
		a.api, err = routes(mw, o, log, logout)
		return err
	}()
	if err != nil {
		_ = p.Close()
		return nil, err
	}
	a.close = p.Close
	return p.Ready, nil
}

func algsText(algs []string) string {
	if len(algs) == 0 {
		return "RS256"
	}
	return strings.Join(algs, "/")
}

// audText describes the aud check of a profile.
func audText(c *config) string {
	switch {
	case c.skipAudience:
		return "aud NOT checked (-insecure-skip-audience)"
	case len(c.audience) == 0:
		return "aud not checked (azp instead)" // Keycloak with -azp only
	}
	return "aud " + strings.Join(c.audience, " or ")
}

func (a *authn) keycloak(c *config, s profile.Settings, o *ops, log *slog.Logger) (func(context.Context) error, error) {
	p, err := profile.Keycloak(profile.KeycloakConfig{
		Issuer:            c.oidc,
		FetchBaseURL:      c.fetchBase,
		Algorithms:        c.algs,
		AuthorizedParties: c.azp,
		Audiences:         c.audience,
		Settings:          s,
	})
	if err != nil {
		return nil, err
	}
	a.keys = "OIDC discovery " + c.oidc + discoveryPath
	if c.fetchBase != "" {
		a.keys += ", fetched from " + strings.TrimSuffix(c.fetchBase, "/")
	}
	azp := "azp not checked"
	if len(c.azp) > 0 {
		azp = "azp " + strings.Join(c.azp, " or ")
	}
	a.checks = fmt.Sprintf("Keycloak profile: %s signature, iss %s, typ Bearer (refresh, ID and logout tokens refused), %s, %s, exp (leeway %s)",
		algsText(c.algs), c.oidc, azp, audText(c), c.leeway)
	var logout http.Handler
	if c.logoutAud != "" {
		h, err := p.BackchannelLogout(profile.BackchannelConfig{ClientID: c.logoutAud, Logger: log})
		if err != nil {
			_ = p.Close()
			return nil, err
		}
		logout, a.logout = h, c.logoutAud
	}
	return mount(a, p, profileKeycloak, o, log, false, logout)
}

func (a *authn) erply(c *config, s profile.Settings, o *ops, log *slog.Logger) (func(context.Context) error, error) {
	iss := ""
	if len(c.issuers) > 0 {
		iss = c.issuers[0]
	}
	p, err := profile.Erply(profile.ErplyConfig{
		PEMURL:                    c.pem,
		Account:                   c.account,
		Issuer:                    iss,
		InsecureSkipIssuerCheck:   c.skipIssuer,
		Audiences:                 c.audience,
		InsecureSkipAudienceCheck: c.skipAudience,
		Settings:                  s,
	})
	if err != nil {
		return nil, err
	}
	a.keys = "PEM " + c.pem + " (fetched again when a signature fails: key rotation)"
	issText := "iss " + iss
	if c.skipIssuer {
		issText = "iss NOT checked (-insecure-skip-issuer)"
		a.warnings = append(a.warnings, "the iss is not checked (-insecure-skip-issuer): the key at -pem alone vouches for the issuer; pass -iss once known")
	}
	a.addAudienceWarning(c)
	a.checks = fmt.Sprintf("Erply profile: RS256 signature, account (%s) %s, %s, %s, exp (leeway %s); token in \"Authorization: Bearer\" or \"jwt\"",
		profile.DefaultErplyAccountClaim, c.account, issText, audText(c), c.leeway)
	a.hints = routeHints{
		reports: "200 with Erply permission reports:read, else 403 insufficient_scope",
		admin:   "403 insufficient_scope: Erply tokens carry no realm roles",
	}
	return mount(a, p, profileErply, o, log, true, nil)
}

// addAudienceWarning warns in the banner about -insecure-skip-audience (the
// profile logs it).
func (a *authn) addAudienceWarning(c *config) {
	if c.skipAudience {
		a.warnings = append(a.warnings, "the audience is not checked (-insecure-skip-audience): a token the issuer gave for any other API is accepted here too")
	}
}

func (a *authn) ansira(c *config, s profile.Settings, o *ops, log *slog.Logger) (func(context.Context) error, error) {
	p, err := profile.Ansira(profile.AnsiraConfig{
		JWKSURL:                   c.jwks,
		PEMURL:                    c.pem,
		Issuer:                    c.issuers[0],
		Audiences:                 c.audience,
		InsecureSkipAudienceCheck: c.skipAudience,
		Algorithms:                c.algs,
		DocumentedStatuses:        c.documented,
		Settings:                  s,
	})
	if err != nil {
		return nil, err
	}
	a.keys = "JWKS " + c.jwks
	if c.pem != "" {
		a.keys = "PEM " + c.pem
	}
	statuses := "expired 401 (RFC 6750; -documented-statuses for Ansira's 403)"
	if c.documented {
		statuses = "expired 403 (as Ansira documents)"
	}
	a.checks = fmt.Sprintf("Ansira profile: %s signature, iss %s, %s, exp (leeway %s), comma-separated scope; %s",
		algsText(c.algs), c.issuers[0], audText(c), c.leeway, statuses)
	a.addAudienceWarning(c)
	a.hints = routeHints{admin: "403 insufficient_scope: Ansira tokens carry no realm roles"}
	return mount(a, p, profileAnsira, o, log, true, nil)
}

func (a *authn) epr(c *config, o *ops, rev revocation.Store, log *slog.Logger) (func(context.Context) error, error) {
	if _, err := readPartnerToken(c.eprToken); err != nil {
		return nil, err
	}
	p, err := profile.EPR(remotecheck.EPRConfig{
		BaseURL: c.eprBase,
		PartnerTokenFunc: func(context.Context) (string, error) {
			return readPartnerToken(c.eprToken)
		},
		HTTP:    remotecheck.HTTPOptions{InsecureAllowHTTP: c.insecure, UserAgent: "jwtguard-chi-server"},
		Options: remotecheck.Options{Leeway: flagLeeway(c.leeway), Logger: log, OnCheck: o.m.RemoteCheck(profileEPR), Revocation: rev},
	})
	if err != nil {
		return nil, err
	}
	a.keys = "none: EPR checks each token, POST " + strings.TrimRight(c.eprBase, "/") + remotecheck.EPRCheckPath
	a.checks = fmt.Sprintf("EPR profile: EPR vouches for the token (answers kept %s), its own exp first (leeway %s); EPR unreachable: 503",
		remotecheck.DefaultCacheTTL, c.leeway)
	a.header = remotecheck.EPRTokenHeader + ":"
	return mount(a, p, profileEPR, o, log, false, nil)
}

// readPartnerToken reads the partner's EPR token from file, every time, so
// that a token renewed in the file is used at once.
func readPartnerToken(file string) (string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("-epr-partner-token-file: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", errors.New("-epr-partner-token-file: the file is empty")
	}
	return tok, nil
}
