package backchannel

import (
	"errors"
	"net/http"

	"github.com/jwtguard/jwtguard/revocation"
	"github.com/jwtguard/jwtguard/verify"
)

// Errors Handler.Logout returns, wrapped. A logout token refused by the
// signature, header or registered-claim checks gives the verifier's
// *verify.Error, which matches verify's sentinels (verify.ErrTokenType,
// verify.ErrTooOld, ...); a replayed one matches revocation.ErrReplayed.
var (
	// ErrRequest: the request is not a form POST carrying exactly one
	// logout_token (wrong content type, body too large, malformed form,
	// field missing or repeated).
	ErrRequest = errors.New("malformed logout request")
	// ErrNoSubject: the logout token has neither "sid" nor "sub".
	ErrNoSubject = errors.New("logout token has neither sid nor sub")
	// ErrEvents: the "events" claim is missing, not a JSON object, or
	// lacks the member EventBackchannelLogout with a JSON object value.
	ErrEvents = errors.New("logout token lacks the back-channel logout event")
	// ErrNonce: the logout token has a "nonce" claim, which logout tokens
	// must not have (it would let an ID token pass for one).
	ErrNonce = errors.New("logout token carries a nonce")
	// ErrNoID: the logout token has no "jti". It also matches
	// verify.ErrMissingClaim.
	ErrNoID = errors.New("logout token has no jti")
	// ErrNotStored: the revocation could not be stored (the store's error
	// is in the chain). The logout token's jti is not recorded, so the
	// issuer's retry of the same token is accepted.
	ErrNotStored = errors.New("logout not stored")
)

// outcome is how a request ends: the HTTP answer and the log's reason.
type outcome struct {
	status int
	code   string // OAuth error code; "" on success
	desc   string // error_description: names the failed check only
	reason string // stable, for logs
}

// classify maps Logout's error to its answer. Our own sentinels come
// first: they sit inside a verify error with the generic reason "claims".
func classify(err error) outcome {
	bad := func(reason, desc string) outcome {
		return outcome{status: http.StatusBadRequest, code: "invalid_request", desc: desc, reason: reason}
	}
	switch {
	case errors.Is(err, ErrNotStored):
		return outcome{status: http.StatusServiceUnavailable, code: "temporarily_unavailable", desc: "the logout could not be stored; retry", reason: "store"}
	case errors.Is(err, revocation.ErrReplayed):
		return bad("replayed", "logout token already used (jti)")
	case errors.Is(err, ErrRequest):
		return bad("request", "the request must be an application/x-www-form-urlencoded POST with one logout_token")
	case errors.Is(err, ErrNoSubject):
		return bad("no_subject", "logout token needs sid or sub")
	case errors.Is(err, ErrEvents):
		return bad("events", "events must hold "+EventBackchannelLogout+" with a JSON object value")
	case errors.Is(err, ErrNonce):
		return bad("nonce", "logout token must not carry a nonce")
	case errors.Is(err, ErrNoID):
		return bad("missing_jti", "logout token needs a jti")
	}
	reason := verify.Reason(err)
	switch reason {
	case verify.ReasonKeysUnavailable, verify.ReasonCanceled:
		// Not the token's fault: the issuer may retry.
		return outcome{status: http.StatusServiceUnavailable, code: "temporarily_unavailable", desc: "the issuer's keys are unavailable; retry", reason: reason}
	case verify.ReasonTokenType:
		return bad(reason, "typ header must be "+TokenType)
	case verify.ReasonAlgorithm:
		return bad(reason, "signature algorithm not accepted")
	case verify.ReasonCritical:
		return bad(reason, "critical header not supported")
	case verify.ReasonHeaderKey:
		return bad(reason, "key in token header not accepted")
	case verify.ReasonUnknownKey:
		return bad(reason, "unknown signing key")
	case verify.ReasonSignature:
		return bad(reason, "invalid signature")
	case verify.ReasonExpired:
		return bad(reason, "logout token expired (exp)")
	case verify.ReasonNotYetValid:
		return bad(reason, "logout token not yet valid (nbf)")
	case verify.ReasonIssuedInFuture:
		return bad(reason, "logout token issued in the future (iat)")
	case verify.ReasonTooOld:
		return bad(reason, "logout token too old (iat)")
	case verify.ReasonMissingClaim:
		return bad(reason, "a required claim is missing (iss, aud and iat are required)")
	case verify.ReasonIssuer:
		return bad(reason, "iss is not the expected issuer")
	case verify.ReasonAudience:
		return bad(reason, "aud does not name this client")
	case verify.ReasonClaims:
		return bad(reason, "a claim has the wrong type")
	}
	// ReasonMalformed, and anything else.
	return bad(verify.ReasonMalformed, "logout token is malformed")
}
