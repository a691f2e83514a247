package middleware

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/verify"
)

// Middleware authenticates requests with bearer tokens. Build it once with
// New and share it; it is safe for concurrent use. Its Handler method is
// the func(http.Handler) http.Handler that routers take.
type Middleware[C any] struct {
	*shared
	verifier Verifier[C]
	bound    verify.BoundVerifier[C] // the verifier, when it is one
	hasScope func(*C, string) bool
	hasRole  func(*C, string, string) bool
}

// New checks cfg and returns a Middleware. It fails when Verifier is nil,
// Extractors is empty but not nil, holds a nil extractor or two built-in
// extractors for the same place, Realm holds a character a quoted string
// cannot, a StatusByReason status is not 4xx or 5xx, RetryAfter is
// negative, DPoP.Mode is unknown, DPoP.Mode is DPoPRequired with a
// Verifier that is not a verify.BoundVerifier, DPoP.Checker was built
// without dpop.Config.DeferReplay, or InsecureClientCertHeader is not a
// valid header name.
func New[C any](cfg Config[C]) (*Middleware[C], error) {
	s, err := cfg.shared()
	if err != nil {
		return nil, err
	}
	bound, _ := cfg.Verifier.(verify.BoundVerifier[C])
	return &Middleware[C]{
		shared:   s,
		verifier: cfg.Verifier,
		bound:    bound,
		hasScope: scopeFunc(cfg.HasScope),
		hasRole:  roleFunc(cfg.HasRole),
	}, nil
}

// Handler returns next behind the middleware: a request goes on to next
// only when its token is verified (or, in optional mode, when it carries
// none), with the claims and the token in its context (ClaimsFrom,
// TokenFrom). Any other request is answered here:
//
//	no token                            401, WWW-Authenticate: Bearer realm="..." (and DPoP realm="...", algs="...")
//	two tokens, a malformed credential  400, error="invalid_request"
//	the verifier refuses the token      401, error="invalid_token", error_description="<reason>"
//	a bound token without its proof     401, error="invalid_token", error_description="binding"
//	the DPoP proof fails a check        401, DPoP error="invalid_dpop_proof", error_description="dpop_<reason>"
//	the proof lacks the server nonce    401, DPoP error="use_dpop_nonce", DPoP-Nonce: <nonce>
//	keys or replay store unavailable,
//	context canceled                    503, Retry-After
//
// A token that came as "Authorization: DPoP" (Config.DPoP) gets its
// challenge in the DPoP scheme; with DPoP allowed, every challenge is sent
// twice, one WWW-Authenticate value per scheme, the error in the scheme
// the token used. A token bound to a client certificate (cnf.x5t#S256) is
// checked against the TLS connection's client certificate, or the header
// of Config.InsecureClientCertHeader.
//
// with an application/problem+json body (see WriteError), unless
// Config.ErrorHandler or Config.StatusByReason say otherwise.
func (m *Middleware[C]) Handler(next http.Handler) http.Handler {
	if next == nil {
		panic("middleware: Handler(nil)")
	}
	return &handler[C]{m: m, next: next}
}

type handler[C any] struct {
	m    *Middleware[C]
	next http.Handler
}

func (h *handler[C]) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m := h.m
	if m.preflight && isPreflight(r) {
		m.report(r, Outcome{Decision: Preflight})
		h.next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, &anonymous{s: m.shared})))
		return
	}
	token, viaDPoP, err := m.extractAny(r)
	if err != nil {
		reason := ReasonMalformedRequest
		if errors.Is(err, ErrMultipleTokens) {
			reason = ReasonMultipleTokens
		} else if !errors.Is(err, ErrInvalidRequest) {
			err = fmt.Errorf("%w: %w", ErrMalformedRequest, err)
		}
		m.deny(w, r, m.refusal(http.StatusBadRequest, CodeInvalidRequest, reason, err), "")
		return
	}
	if token == "" {
		if m.optional {
			m.report(r, Outcome{Decision: Anonymous})
			h.next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, &anonymous{s: m.shared})))
			return
		}
		m.deny(w, r, m.refusal(http.StatusUnauthorized, "", ReasonNoToken, ErrNoToken), "")
		return
	}
	claims, proof, e := m.verifyRequest(r, token, viaDPoP)
	if e != nil {
		m.deny(w, r, e, token)
		return
	}
	if proof != nil {
		m.offerNonce(w, proof)
	}
	p := &principal[C]{claims: claims, token: token, proof: proof, m: m}
	m.report(r, Outcome{Decision: Allowed})
	m.logAllowed(r)
	h.next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
}

// isPreflight reports whether r is a CORS preflight request.
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions &&
		len(r.Header["Origin"]) > 0 &&
		len(r.Header["Access-Control-Request-Method"]) > 0
}

// extractAny returns the one token of the request: from
// "Authorization: DPoP" (viaDPoP true) unless DPoP is off, or from the
// extractors.
func (m *Middleware[C]) extractAny(r *http.Request) (token string, viaDPoP bool, err error) {
	if m.dpop.mode != DPoPOff {
		if token, err = dpopAuthorization(r); err != nil {
			return "", false, err
		}
	}
	other, err := m.extract(r)
	switch {
	case err != nil:
		return "", false, err
	case token != "" && other != "":
		return "", false, fmt.Errorf("%w: tokens in more than one place", ErrMultipleTokens)
	case token != "":
		return token, true, nil
	}
	return other, false, nil
}

// verifyRequest checks the token, its DPoP proof when it came with the
// DPoP scheme, and the client certificate, and returns the claims (and the
// proof) or the refusal.
func (m *Middleware[C]) verifyRequest(r *http.Request, token string, viaDPoP bool) (*C, *dpop.Proof, *Error) {
	if m.bound == nil {
		if viaDPoP {
			e := m.refusal(http.StatusUnauthorized, CodeInvalidToken, verify.ReasonBinding, errNotBound)
			e.Scheme = SchemeDPoP
			return nil, nil, e
		}
		if e := m.checkBearer(r); e != nil {
			return nil, nil, e
		}
		claims, err := m.verifier.Verify(r.Context(), token)
		if err != nil || claims == nil {
			return nil, nil, m.tokenError(err)
		}
		return claims, nil, nil
	}
	var b verify.Binding
	var err error
	if b.CertThumbprint, err = clientCertThumbprint(r, m.certHeader); err != nil {
		return nil, nil, m.refusal(http.StatusBadRequest, CodeInvalidRequest, ReasonClientCert, err)
	}
	var proof *dpop.Proof
	if viaDPoP {
		if proof, err = m.dpop.checker.Check(r.Context(), dpop.RequestFromHTTP(r, token)); err != nil {
			return nil, nil, m.dpopRefusal(err)
		}
		b.DPoPThumbprint = proof.JKT
	} else if e := m.checkBearer(r); e != nil {
		return nil, nil, e
	}
	claims, err := m.bound.VerifyBound(r.Context(), token, b)
	if err != nil || claims == nil {
		e := m.tokenError(err)
		if viaDPoP {
			e.Scheme = SchemeDPoP
		}
		return nil, nil, e
	}
	if proof != nil {
		// Last, once the token is known to be bound to the proof's key:
		// the proof is accepted once (the Checker defers its replay check
		// to here, see DPoPConfig.Checker).
		if err := m.dpop.checker.Use(r.Context(), proof); err != nil {
			return nil, nil, m.dpopRefusal(err)
		}
	}
	return claims, proof, nil
}

// checkBearer refuses a token that came without the DPoP scheme when DPoP
// is required, or when a DPoP proof came with it.
func (s *shared) checkBearer(r *http.Request) *Error {
	switch {
	case s.dpop.mode == DPoPRequired:
		e := s.refusal(http.StatusUnauthorized, CodeInvalidToken, ReasonDPoPRequired, ErrDPoPRequired)
		e.Scheme = SchemeDPoP
		return e
	case s.dpop.mode == DPoPAllowed && len(r.Header["Dpop"]) > 0:
		return s.refusal(http.StatusBadRequest, CodeInvalidRequest, ReasonDPoPWithBearer, ErrDPoPWithBearer)
	}
	return nil
}

// extract consults every extractor and returns the one token found.
func (s *shared) extract(r *http.Request) (string, error) {
	token := ""
	for _, x := range s.extractors {
		t, err := x.Extract(r)
		if err != nil {
			return "", err
		}
		if t == "" {
			continue
		}
		if token != "" {
			return "", fmt.Errorf("%w: tokens in more than one place", ErrMultipleTokens)
		}
		token = t
	}
	return token, nil
}

// errNoClaims stands for a verifier that returned neither claims nor error.
var errNoClaims = errors.New("middleware: verifier returned no claims and no error")

// tokenError maps a verifier's error to the refusal.
func (s *shared) tokenError(err error) *Error {
	if err == nil {
		err = errNoClaims
	}
	switch {
	case errors.Is(err, verify.ErrKeysUnavailable): // keysource.ErrUnavailable
		// A remote checker names its own outage (check_unavailable, ...);
		// keep that reason, else say the keys are unavailable.
		reason := verify.Reason(err)
		if reason == "" || reason == "error" {
			reason = verify.ReasonKeysUnavailable
		}
		e := s.refusal(http.StatusServiceUnavailable, "", sanitize(reason), err)
		e.RetryAfter = s.retryAfter
		return e
	case errors.Is(err, verify.ErrRevocationUnavailable): // revocation.ErrUnavailable
		// The replica cannot tell whether the token was revoked: an outage,
		// not the client's fault, so no challenge.
		e := s.refusal(http.StatusServiceUnavailable, "", verify.ReasonRevocationUnavailable, err)
		e.RetryAfter = s.retryAfter
		return e
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		e := s.refusal(http.StatusServiceUnavailable, "", verify.ReasonCanceled, err)
		e.RetryAfter = s.retryAfter
		return e
	}
	reason := verify.Reason(err)
	if reason == "" || reason == "error" {
		reason = ReasonRejected
	}
	return s.refusal(http.StatusUnauthorized, CodeInvalidToken, sanitize(reason), err)
}

// refusal builds an Error, applying Config.StatusByReason and offering
// the challenges of the DPoP mode.
func (s *shared) refusal(status int, code, reason string, err error) *Error {
	if st, ok := s.statuses[reason]; ok {
		status = st
	}
	e := &Error{Status: status, Code: code, Reason: reason, Err: err, Offer: s.dpop.offer, DPoPAlgs: s.dpop.algs}
	if s.dpop.mode == DPoPRequired {
		e.Scheme = SchemeDPoP
	}
	return e
}

// deny reports, logs and answers a refused request. token, when known, is
// scrubbed from the logged error.
func (s *shared) deny(w http.ResponseWriter, r *http.Request, e *Error, token string) {
	s.report(r, Outcome{Decision: Denied, Status: e.Status, Reason: e.Reason, Err: e.Err})
	s.logDenied(r, e, token)
	if s.errorHandler != nil {
		s.errorHandler(w, r, e)
		return
	}
	WriteError(w, s.realm, e)
}

func (s *shared) report(r *http.Request, o Outcome) {
	if s.onOutcome != nil {
		s.onOutcome(r, o)
	}
}
