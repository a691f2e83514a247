package middleware

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors for the refusals the middleware decides itself. A token
// the verifier refuses keeps the verifier's error (for *verify.Verifier, one
// of the verify package's sentinels).
var (
	// ErrNoToken: the request carries no token in any configured place.
	ErrNoToken = errors.New("middleware: no token")
	// ErrInvalidRequest: the request's credentials are not well formed
	// (RFC 6750 invalid_request). ErrMultipleTokens and ErrMalformedRequest
	// match it.
	ErrInvalidRequest = errors.New("middleware: invalid request")
	// ErrMultipleTokens: the request carries more than one token, in one
	// place (two Authorization headers) or in several (a header and a
	// cookie). RFC 6750 section 2 allows one method per request.
	ErrMultipleTokens = fmt.Errorf("%w: more than one token", ErrInvalidRequest)
	// ErrMalformedRequest: a place that should hold a token holds something
	// else, e.g. "Authorization: Bearer" without a token, or a token with
	// characters outside RFC 6750's b64token syntax.
	ErrMalformedRequest = fmt.Errorf("%w: malformed credentials", ErrInvalidRequest)
	// ErrInsufficientScope: the token is valid but does not grant what the
	// route requires (RFC 6750 insufficient_scope). ErrMissingScope,
	// ErrMissingRole and ErrClaimRequirement match it.
	ErrInsufficientScope = errors.New("middleware: insufficient scope")
	// ErrMissingScope: a RequireScopes or RequireAnyScope check failed.
	ErrMissingScope = fmt.Errorf("%w: missing scope", ErrInsufficientScope)
	// ErrMissingRole: a RequireRoles, RequireAnyRole or RequireClientRoles
	// check failed.
	ErrMissingRole = fmt.Errorf("%w: missing role", ErrInsufficientScope)
	// ErrClaimRequirement: a RequireClaim predicate refused the claims.
	ErrClaimRequirement = fmt.Errorf("%w: claim requirement not met", ErrInsufficientScope)
	// ErrMisconfigured: an authorization check (RequireScopes, ...) cannot
	// decide: no Middleware authenticated the request, or the claims type
	// has no scopes or roles to read (see Config.HasScope). The request is
	// refused with 500 and the cause is logged at Error level.
	ErrMisconfigured = errors.New("middleware: authorization check misconfigured")
)

// The reasons the middleware itself gives, next to the verifier's own
// (verify.ReasonExpired, verify.ReasonSignature, ...). They appear in
// Error.Reason, in Outcome.Reason, in error_description and in logs.
const (
	ReasonNoToken          = "missing_token"
	ReasonMultipleTokens   = "multiple_tokens"
	ReasonMalformedRequest = "malformed_request"
	ReasonMissingScope     = "missing_scope"
	ReasonMissingRole      = "missing_role"
	ReasonClaimRequirement = "claim_requirement"
	ReasonMisconfigured    = "misconfigured"
	// ReasonRejected is the reason of a verifier error that carries none
	// of its own (one that is not a *verify.Error).
	ReasonRejected = "rejected"
)

// The RFC 6750 error codes, sent in the WWW-Authenticate error attribute.
const (
	CodeInvalidRequest    = "invalid_request"
	CodeInvalidToken      = "invalid_token"
	CodeInsufficientScope = "insufficient_scope"
)

// Error describes a refused request. The middleware hands it to
// Config.ErrorHandler, or writes it with WriteError.
type Error struct {
	// Status is the HTTP status to answer, after Config.StatusByReason.
	Status int
	// Code is the RFC 6750 error code (CodeInvalidRequest,
	// CodeInvalidToken, CodeInsufficientScope) or the RFC 9449 one
	// (CodeInvalidDPoPProof, CodeUseDPoPNonce), or "" when the request
	// carried no token or the refusal is not the client's fault (503, 500).
	Code string
	// Reason is the stable, short reason ("missing_token", "expired",
	// "missing_scope", ...). It never contains token data.
	Reason string
	// Scope lists the scopes the route requires, space-delimited, for
	// ReasonMissingScope; "" otherwise.
	Scope string
	// RetryAfter is how long a client should wait before retrying, for a
	// 503; zero otherwise.
	RetryAfter time.Duration
	// Scheme is the authentication scheme whose WWW-Authenticate challenge
	// carries Code: SchemeBearer ("" means the same) or SchemeDPoP (a
	// token that came with the DPoP scheme, or any token in DPoPRequired
	// mode).
	Scheme string
	// Offer lists the schemes WriteError offers, one WWW-Authenticate value
	// each, in order; the one equal to Scheme carries the error, the others
	// are bare (realm, and algs for DPoP). If nil, Scheme alone. The
	// middleware sets it from Config.DPoP: Bearer and DPoP when DPoP is
	// allowed, so that a request without a token gets both challenges.
	// Treat it as read-only: it is shared.
	Offer []string
	// DPoPAlgs is the algs parameter of a DPoP challenge: the accepted
	// proof algorithms, space-separated.
	DPoPAlgs string
	// DPoPNonce is a fresh server nonce for a use_dpop_nonce refusal, sent
	// in a DPoP-Nonce header; "" otherwise.
	DPoPNonce string
	// Err is the cause: one of this package's sentinels, or the verifier's
	// error. It is for logs and errors.Is, never for the client: it may
	// name internals.
	Err error
}

// Error implements error. The text names the reason and the cause.
func (e *Error) Error() string {
	if e.Err == nil {
		return "middleware: " + e.Reason
	}
	return "middleware: " + e.Reason + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }
