package middleware

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/verify"
)

// DPoPMode says which tokens must come with a DPoP proof (RFC 9449).
type DPoPMode uint8

const (
	// DPoPAllowed, the zero value: a token may come as
	// "Authorization: DPoP <token>" with a valid DPoP proof header, or as
	// "Authorization: Bearer <token>" (or from another extractor) without
	// one. A token bound to a key (cnf.jkt) is accepted only the first way:
	// sent as a bearer token it is refused (401 invalid_token, reason
	// "binding"), never downgraded.
	DPoPAllowed DPoPMode = iota
	// DPoPOff: DPoP is not understood. "Authorization: DPoP ..." counts as
	// no token, and a token bound to a key is refused like any bound token
	// that comes without its proof.
	DPoPOff
	// DPoPRequired: every token must come as "Authorization: DPoP <token>"
	// with a valid proof, and be bound to the proof's key. A token from any
	// other place or scheme is refused (401 invalid_token, reason
	// "dpop_required"), and so is an unbound token sent with a proof
	// (reason "binding").
	DPoPRequired
)

// String returns "allowed", "off" or "required", the values of the example
// server's -dpop flag.
func (m DPoPMode) String() string {
	switch m {
	case DPoPAllowed:
		return "allowed"
	case DPoPOff:
		return "off"
	case DPoPRequired:
		return "required"
	}
	return fmt.Sprintf("DPoPMode(%d)", uint8(m))
}

// ParseDPoPMode reads "off", "allowed" or "required".
func ParseDPoPMode(s string) (DPoPMode, error) {
	switch s {
	case "allowed":
		return DPoPAllowed, nil
	case "off":
		return DPoPOff, nil
	case "required":
		return DPoPRequired, nil
	}
	return 0, fmt.Errorf("middleware: DPoP mode %q is not off, allowed or required", s)
}

// DPoPConfig configures DPoP (RFC 9449) in a Middleware. The zero value is
// DPoPAllowed with a checker of dpop's defaults (see Checker).
type DPoPConfig struct {
	// Mode is DPoPAllowed (the zero value), DPoPOff or DPoPRequired.
	Mode DPoPMode

	// Checker checks the proofs. It must be built with
	// dpop.Config.DeferReplay set (New refuses it otherwise): the
	// middleware records a proof in the replay store (Checker.Use) only
	// once the verifier has accepted the token and its binding to the
	// proof's key, so that proofs a client signs with keys of its own
	// next to tokens it does not hold take no room in a store every
	// client shares. If nil (and Mode is not DPoPOff), New makes one with
	// dpop.New(dpop.Config{DeferReplay: true}): an in-memory replay store,
	// which serves one process only, and htu checked against the
	// request's own scheme and Host header. A service with several
	// replicas, or behind a proxy, builds its own with
	// dpop.Config.ExternalBaseURL and a shared replay store
	// (redisstore.NewReplay).
	Checker *dpop.Checker
}

// The authentication schemes of WWW-Authenticate challenges.
const (
	SchemeBearer = "Bearer"
	SchemeDPoP   = "DPoP"
)

// The RFC 9449 error codes, sent in the WWW-Authenticate error attribute
// of a DPoP challenge.
const (
	CodeInvalidDPoPProof = "invalid_dpop_proof"
	CodeUseDPoPNonce     = "use_dpop_nonce"
)

// Reasons of DPoP refusals decided by the middleware. A proof that fails
// the checker's checks gives "dpop_" followed by dpop.Reason (e.g.
// "dpop_htu", "dpop_replayed", "dpop_iat"), except use_dpop_nonce, which
// keeps its RFC 9449 name.
const (
	// ReasonDPoPRequired: in DPoPRequired mode, a token came without the
	// DPoP scheme.
	ReasonDPoPRequired = "dpop_required"
	// ReasonDPoPWithBearer: a DPoP proof header came with a token sent
	// another way than "Authorization: DPoP". The client is confused; the
	// proof would not be checked, so the request is refused (400).
	ReasonDPoPWithBearer = "dpop_with_bearer"
	// ReasonClientCert: the client certificate header of
	// Config.InsecureClientCertHeader is unreadable (400).
	ReasonClientCert = "client_certificate"
)

// Sentinels of the DPoP refusals the middleware decides.
var (
	// ErrDPoPRequired: DPoPRequired mode and the token did not come as
	// "Authorization: DPoP".
	ErrDPoPRequired = errors.New("middleware: DPoP required")
	// ErrDPoPWithBearer: a DPoP header came with a token that did not come
	// as "Authorization: DPoP". It matches ErrInvalidRequest.
	ErrDPoPWithBearer = fmt.Errorf("%w: a DPoP proof came with a token not sent with the DPoP scheme", ErrInvalidRequest)
)

// dpopState is the DPoP part of shared.
type dpopState struct {
	mode    DPoPMode
	checker *dpop.Checker // nil when off
	algs    string        // the algs parameter, space-separated
	offer   []string      // the challenges offered, in order
}

func newDPoPState(cfg DPoPConfig, bound bool) (dpopState, error) {
	st := dpopState{mode: cfg.Mode}
	switch cfg.Mode {
	case DPoPOff:
		return st, nil
	case DPoPAllowed:
		st.offer = []string{SchemeBearer, SchemeDPoP}
	case DPoPRequired:
		if !bound {
			return st, errors.New("middleware: DPoPRequired needs a Verifier that implements verify.BoundVerifier (*verify.Verifier and *verify.Router do): no other can check that a token is bound to the proof's key")
		}
		st.offer = []string{SchemeDPoP}
	default:
		return st, fmt.Errorf("middleware: unknown DPoP mode %d", cfg.Mode)
	}
	st.checker = cfg.Checker
	if st.checker != nil && !st.checker.DefersReplay() {
		return st, errors.New("middleware: DPoPConfig.Checker must be built with dpop.Config.DeferReplay set: the middleware records a proof only after the token and its binding passed")
	}
	if st.checker == nil {
		c, err := dpop.New(dpop.Config{DeferReplay: true})
		if err != nil {
			return st, err
		}
		st.checker = c
	}
	st.algs = strings.Join(st.checker.Algorithms(), " ")
	return st, nil
}

// dpopAuthorization returns the token of "Authorization: DPoP <token>",
// or "" when the Authorization header holds another scheme or is absent.
// Two Authorization headers, one of them DPoP, are an error; so is the
// DPoP scheme without one b64token.
func dpopAuthorization(r *http.Request) (string, error) {
	v := r.Header["Authorization"]
	if len(v) == 0 {
		return "", nil
	}
	for _, s := range v {
		rest, ok := cutScheme(s, "dpop")
		if !ok {
			continue
		}
		if len(v) > 1 {
			return "", fmt.Errorf("%w: %d Authorization headers", ErrMultipleTokens, len(v))
		}
		if !isB64Token(rest) {
			return "", fmt.Errorf("%w: Authorization: DPoP is not followed by one b64token", ErrMalformedRequest)
		}
		return rest, nil
	}
	return "", nil
}

// DPoPReason returns the middleware's reason for a proof that
// dpop.Checker refused with reason r (dpop.Reason): "dpop_" + r, so that
// it never reads as a reason of the token itself ("signature",
// "malformed"), except dpop.ReasonUseNonce, which keeps its RFC 9449 name.
func DPoPReason(r string) string {
	if r == dpop.ReasonUseNonce {
		return r
	}
	return "dpop_" + r
}

// dpopRefusal maps an error of dpop.Checker.Check to the refusal (RFC 9449
// sections 7.1 and 8, and dpop's package documentation).
func (s *shared) dpopRefusal(err error) *Error {
	reason := DPoPReason(dpop.Reason(err))
	var e *Error
	switch {
	case errors.Is(err, dpop.ErrReplayUnavailable):
		e = s.refusal(http.StatusServiceUnavailable, "", reason, err)
		e.RetryAfter = s.retryAfter
	case errors.Is(err, dpop.ErrRequest):
		e = s.refusal(http.StatusInternalServerError, "", reason, err)
	case errors.Is(err, dpop.ErrUseNonce):
		e = s.refusal(http.StatusUnauthorized, CodeUseDPoPNonce, reason, err)
		var de *dpop.Error
		if errors.As(err, &de) {
			e.DPoPNonce = de.Nonce
		}
	default:
		e = s.refusal(http.StatusUnauthorized, CodeInvalidDPoPProof, reason, err)
	}
	e.Scheme = SchemeDPoP
	return e
}

// offerNonce sends the current server nonce in a DPoP-Nonce header when
// nonces are on and the accepted proof carried an older one (RFC 9449
// section 8.2), so that the client switches before its nonce expires
// instead of meeting a use_dpop_nonce refusal.
func (s *shared) offerNonce(w http.ResponseWriter, p *dpop.Proof) {
	if n := s.dpop.checker.Nonce(); n != "" && n != p.Nonce {
		w.Header().Set("DPoP-Nonce", n)
	}
}

// errNotBound stands for a verifier that cannot take a DPoP proof.
var errNotBound = fmt.Errorf("%w: the verifier cannot check a proof of possession (it is not a verify.BoundVerifier)", verify.ErrBinding)
