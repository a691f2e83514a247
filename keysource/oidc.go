package keysource

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// ErrIssuerMismatch means the discovery document's "issuer" is not the
// configured issuer, character for character (OpenID Connect Discovery 1.0,
// section 4.3). Its keys are not used.
var ErrIssuerMismatch = errors.New("keysource: discovery document names another issuer")

// OIDCConfig configures NewOIDC.
type OIDCConfig struct {
	// Issuer is the issuer URL exactly as tokens carry it in "iss", e.g.
	// "https://id.example.com/realms/eat_realm". Required. The discovery
	// document is read from Issuer (without a trailing slash) +
	// "/.well-known/openid-configuration", and its "issuer" must equal
	// Issuer exactly.
	Issuer string

	// FetchBaseURL, if set, is where the issuer's documents are fetched
	// from instead of Issuer, for an identity provider reached by an
	// internal address (Keycloak behind a proxy): the discovery document is
	// read from FetchBaseURL + "/.well-known/openid-configuration", and a
	// jwks_uri that starts with Issuer is fetched with that prefix replaced
	// by FetchBaseURL. The document's "issuer" is still checked against
	// Issuer. An http FetchBaseURL to a non-loopback host needs
	// InsecureAllowHTTP. If empty, Issuer.
	FetchBaseURL string

	FetchConfig
}

// OIDC is a Remote whose JWK Set is found by OpenID Connect discovery. The
// discovery document is fetched with the first key fetch, again after a
// failed fetch, and at least every MaxRefresh.
type OIDC struct {
	*Remote

	issuer       string
	fetchBase    string
	discoveryURL string
	insecure     bool

	disco      atomic.Pointer[Discovery]
	discovered chan struct{} // closed on the first valid discovery document

	// Owned by the refresh goroutine.
	jwksURL      string
	discoveredAt time.Time
}

// NewOIDC returns a source serving the keys of the issuer's JWK Set, found
// through its discovery document. It fails with an error wrapping ErrConfig
// or ErrInsecureURL when the configuration is invalid. The caller must Close
// the source.
func NewOIDC(cfg OIDCConfig) (*OIDC, error) {
	s, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	if cfg.Issuer == "" {
		return nil, fmt.Errorf("%w: OIDCConfig.Issuer is required", ErrConfig)
	}
	if _, err := checkIssuerURL("Issuer", cfg.Issuer, s.insecure); err != nil {
		return nil, err
	}
	base := strings.TrimSuffix(cfg.Issuer, "/")
	if cfg.FetchBaseURL != "" {
		if _, err := checkIssuerURL("FetchBaseURL", cfg.FetchBaseURL, s.insecure); err != nil {
			return nil, err
		}
		base = strings.TrimSuffix(cfg.FetchBaseURL, "/")
	}
	o := &OIDC{
		issuer:       cfg.Issuer,
		fetchBase:    base,
		discoveryURL: base + "/.well-known/openid-configuration",
		insecure:     s.insecure,
		discovered:   make(chan struct{}),
	}
	o.Remote = newRemote(document{
		name:   cfg.Issuer,
		accept: jwksAccept,
		target: o.target,
		failed: func() { o.jwksURL = "" },
		parse:  ParseJWKS,
	}, s)
	o.startEager()
	return o, nil
}

// checkIssuerURL applies the URL rules to an issuer or base URL, which may
// carry neither a query nor a fragment.
func checkIssuerURL(field, raw string, insecure bool) (*url.URL, error) {
	u, err := checkURL(raw, insecure)
	if err != nil {
		return nil, fmt.Errorf("OIDCConfig.%s: %w", field, err)
	}
	if u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(raw, "#") {
		return nil, fmt.Errorf("%w: OIDCConfig.%s %q has a query or fragment", ErrConfig, field, raw)
	}
	return u, nil
}

// Issuer returns the configured issuer.
func (o *OIDC) Issuer() string { return o.issuer }

// Discovery returns the last valid discovery document. Before the first one
// it starts the source if it is lazy and waits, bounded by ctx; when ctx ends
// first the error wraps ctx's error and ErrUnavailable.
func (o *OIDC) Discovery(ctx context.Context) (*Discovery, error) {
	if d := o.disco.Load(); d != nil {
		return d.clone(), nil
	}
	o.mu.Lock()
	o.startLocked()
	o.mu.Unlock()
	select {
	case <-o.discovered:
		return o.disco.Load().clone(), nil
	case <-o.closing:
		return nil, o.closedErr()
	case <-ctx.Done():
		return nil, fmt.Errorf("keysource: no discovery document from %s: %w: %w (last error: %v)",
			o.issuer, ctx.Err(), ErrUnavailable, o.state.Load().lastErr)
	}
}

// target returns the URL to fetch the JWK Set from, fetching the discovery
// document first when there is none or it is older than MaxRefresh. It runs
// on the refresh goroutine.
func (o *OIDC) target(ctx context.Context) (string, error) {
	now := o.cfg.clock.Now()
	if o.jwksURL != "" && now.Sub(o.discoveredAt) < o.cfg.maxRefresh {
		return o.jwksURL, nil
	}
	d, err := o.discover(ctx)
	if err != nil {
		return "", err
	}
	fetch := d.JWKSURI
	if o.fetchBase != strings.TrimSuffix(o.issuer, "/") {
		fetch = rebase(fetch, strings.TrimSuffix(o.issuer, "/"), o.fetchBase)
	}
	u, err := checkURL(fetch, o.insecure)
	if err != nil {
		return "", fmt.Errorf("keysource: jwks_uri of %s: %w", o.issuer, err)
	}
	// Plain http to loopback is allowed for URLs the operator configured;
	// a document fetched from elsewhere must not point the service at its
	// own loopback.
	if u.Scheme == "http" && !o.insecure {
		if d, derr := url.Parse(o.discoveryURL); derr != nil || !isLoopback(d.Hostname()) {
			return "", fmt.Errorf("%w: jwks_uri %q of %s is http to loopback, but discovery is not on loopback", ErrInsecureURL, u.Redacted(), o.issuer)
		}
	}
	o.jwksURL, o.discoveredAt = fetch, now
	first := o.disco.Load() == nil
	o.disco.Store(d)
	if first {
		close(o.discovered)
	}
	return fetch, nil
}

// rebase replaces the prefix from of u by to, when u starts with from
// followed by "/", "?" or nothing.
func rebase(u, from, to string) string {
	rest, ok := strings.CutPrefix(u, from)
	if !ok || (rest != "" && rest[0] != '/' && rest[0] != '?') {
		return u
	}
	return to + rest
}
