package middleware

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/jwtguard/jwtguard/verify"
)

// Defaults applied by New to zero fields of Config.
const (
	// DefaultRealm is the realm of the WWW-Authenticate challenge.
	DefaultRealm = "api"
	// DefaultRetryAfter is the Retry-After sent with a 503 when the keys
	// are unavailable.
	DefaultRetryAfter = 10 * time.Second
)

// Verifier checks a token and returns its claims. *verify.Verifier[C]
// implements it; so can a router over several issuers, or a client of an
// issuer's token-checking endpoint.
//
// The error decides the response: one matching keysource.ErrUnavailable
// (verify.ErrKeysUnavailable), revocation.ErrUnavailable
// (verify.ErrRevocationUnavailable) or a canceled context gives 503, any
// other 401 invalid_token (a revoked token: error_description "revoked").
// The error_description is verify.Reason(err): return a *verify.Error to
// give a reason of your own, and wrap keysource.ErrUnavailable when the
// checker itself cannot be reached.
type Verifier[C any] interface {
	Verify(ctx context.Context, token string) (*C, error)
}

// Config configures a Middleware. C is the claims type the verifier
// returns.
type Config[C any] struct {
	// Verifier checks the tokens. Required.
	Verifier Verifier[C]

	// Extractors find the token in a request. Every one is consulted, in
	// order; a request in which two of them find a token, or one of them
	// fails, is answered 400 invalid_request (RFC 6750 allows one method
	// per request). If nil, []Extractor{BearerHeader()}. Two built-in
	// extractors for the same place are refused by New.
	Extractors []Extractor

	// Realm is the realm of the WWW-Authenticate challenge. If "",
	// DefaultRealm ("api"). It may hold only printable ASCII other than
	// '"' and '\'.
	Realm string

	// Optional lets a request without any token through, with no claims in
	// its context (ClaimsFrom reports false). A request with a token that
	// fails is refused all the same. Require checks behind the middleware
	// answer an anonymous request 401.
	Optional bool

	// SkipCORSPreflight lets a CORS preflight request (OPTIONS with Origin
	// and Access-Control-Request-Method headers) through unchecked, since
	// browsers never send credentials with it. Those headers are the
	// client's to set, so the preflight carries no identity: the CORS
	// handler must answer it right behind the middleware (or in front of
	// it), before any Require check, which refuses it with 401 like any
	// request without a token so that no handler runs for it.
	SkipCORSPreflight bool

	// StatusByReason overrides the HTTP status for a reason, e.g.
	// {verify.ReasonExpired: http.StatusForbidden} for issuers whose
	// clients expect 403 for an expired token. The error code and the
	// WWW-Authenticate challenge stay the same. Statuses must be 4xx or
	// 5xx. If nil, RFC 6750's statuses: 401 for a missing or failed token,
	// 400 for a malformed request, 403 for a missing scope or role, 503
	// when the keys are unavailable.
	StatusByReason map[string]int

	// RetryAfter is sent as Retry-After (in whole seconds) with a 503. If
	// zero, DefaultRetryAfter.
	RetryAfter time.Duration

	// HasScope reports whether the claims grant a scope, for RequireScopes
	// and RequireAnyScope. If nil: a *C that implements ScopeChecker is
	// asked, claims.Keycloak's Scope and claims.Map's "scope" claim are
	// read; with any other claims type a scope check answers 500
	// (misconfigured).
	HasScope func(c *C, scope string) bool

	// HasRole reports whether the claims hold a role, for RequireRoles,
	// RequireAnyRole (client "": a realm role) and RequireClientRoles. If
	// nil: a *C that implements RealmRoleChecker or ClientRoleChecker is
	// asked (claims.Keycloak implements both), claims.Map's realm_access
	// and resource_access are read, and with any other claims type a role
	// check answers 500 (misconfigured).
	HasRole func(c *C, client, role string) bool

	// ErrorHandler writes the response for a refused request, in place of
	// WriteError. If nil, WriteError with the Realm.
	ErrorHandler func(w http.ResponseWriter, r *http.Request, e *Error)

	// OnOutcome is called once for every decision, on the request's
	// goroutine, before the response is written or the next handler runs.
	// Use it for counts (allowed, denied by reason). It must be fast and
	// must not write to the response. If nil, nothing is called.
	OnOutcome func(r *http.Request, o Outcome)

	// DPoP configures DPoP-bound tokens (RFC 9449). The zero value is
	// DPoPAllowed: "Authorization: DPoP <token>" with a DPoP proof header
	// is accepted next to bearer tokens, and a token bound to a key
	// (cnf.jkt) is accepted only that way. The proof is checked with the
	// request's method and URL and the access token (ath), then the
	// verifier's VerifyBound gets the proof key's thumbprint; a Verifier
	// that is not a verify.BoundVerifier cannot take a DPoP token (every
	// one is refused, reason "binding", and DPoPRequired is a
	// configuration error). See DPoPConfig and package dpop.
	DPoP DPoPConfig

	// InsecureClientCertHeader names a request header from which to read
	// the client certificate of a token bound to one (cnf.x5t#S256, RFC
	// 8705), when the request did not come over TLS with a client
	// certificate itself: a URL-encoded PEM certificate, as nginx's
	// $ssl_client_escaped_cert gives (proxy_set_header X-SSL-Client-Cert
	// $ssl_client_escaped_cert).
	//
	// INSECURE unless a TLS-terminating proxy in front of every replica
	// verifies client certificates and always sets (or removes) this
	// header: whoever can reach the service without that proxy can put any
	// certificate there and use any token bound to it, which defeats the
	// binding. If "", the default, only the TLS connection's own
	// certificate (r.TLS.PeerCertificates[0]) counts. Either way, the
	// certificate is only compared with the token's cnf.x5t#S256; a token
	// without it ignores the certificate.
	InsecureClientCertHeader string

	// Logger receives one record per refused request (Info; Warn when the
	// keys are unavailable, Error for 500, Debug for a missing token) and
	// one per allowed request
	// at Debug, with method, path, status, reason and error. It never
	// records the token, the query string or the claims. If nil, nothing is
	// logged.
	Logger *slog.Logger
}

// shared is the part of a Middleware's settings that does not depend on
// the claims type, reachable from the request context by Require checks.
type shared struct {
	extractors   []Extractor
	realm        string
	optional     bool
	preflight    bool
	statuses     map[string]int
	retryAfter   time.Duration
	errorHandler func(http.ResponseWriter, *http.Request, *Error)
	onOutcome    func(*http.Request, Outcome)
	logger       *slog.Logger
	dpop         dpopState
	certHeader   string // canonical; "" when off
}

func (c *Config[C]) shared() (*shared, error) {
	if c.Verifier == nil {
		return nil, errors.New("middleware: Config.Verifier is required")
	}
	_, bound := c.Verifier.(verify.BoundVerifier[C])
	ds, err := newDPoPState(c.DPoP, bound)
	if err != nil {
		return nil, err
	}
	certHeader, err := canonicalCertHeader(c.InsecureClientCertHeader)
	if err != nil {
		return nil, err
	}
	s := &shared{
		extractors:   append([]Extractor(nil), c.Extractors...),
		realm:        c.Realm,
		optional:     c.Optional,
		preflight:    c.SkipCORSPreflight,
		retryAfter:   c.RetryAfter,
		errorHandler: c.ErrorHandler,
		onOutcome:    c.OnOutcome,
		logger:       c.Logger,
		dpop:         ds,
		certHeader:   certHeader,
	}
	if c.Extractors == nil {
		s.extractors = []Extractor{BearerHeader()}
	}
	if len(s.extractors) == 0 {
		return nil, errors.New("middleware: Config.Extractors is empty (nil means the Authorization header)")
	}
	places := make(map[string]bool, len(s.extractors))
	for i, x := range s.extractors {
		if x == nil {
			return nil, fmt.Errorf("middleware: Config.Extractors[%d] is nil", i)
		}
		if p, ok := x.(placer); ok {
			if places[p.place()] {
				return nil, fmt.Errorf("middleware: Config.Extractors reads %s twice", p.place())
			}
			places[p.place()] = true
		}
	}
	if s.realm == "" {
		s.realm = DefaultRealm
	}
	for i := 0; i < len(s.realm); i++ {
		if !allowedInDescription(s.realm[i]) {
			return nil, fmt.Errorf("middleware: Config.Realm %q holds a character a quoted realm cannot", s.realm)
		}
	}
	if len(c.StatusByReason) > 0 {
		s.statuses = make(map[string]int, len(c.StatusByReason))
		for reason, status := range c.StatusByReason {
			if status < 400 || status > 599 {
				return nil, fmt.Errorf("middleware: Config.StatusByReason[%q] = %d is not a 4xx or 5xx status", reason, status)
			}
			s.statuses[reason] = status
		}
	}
	switch {
	case s.retryAfter == 0:
		s.retryAfter = DefaultRetryAfter
	case s.retryAfter < 0:
		return nil, errors.New("middleware: Config.RetryAfter is negative")
	}
	return s, nil
}
