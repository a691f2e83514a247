package verify

import (
	"errors"

	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/revocation"
)

// Sentinel errors, one per failed check. Verify wraps them (in an *Error), so
// errors.Is(err, verify.ErrExpired) tells a caller exactly what failed.
var (
	// ErrMalformed: not a compact JWS of three strict base64url segments, a
	// header or payload that is not strict JSON, or a token over MaxTokenBytes.
	ErrMalformed = errors.New("malformed token")
	// ErrTooLarge: the token is longer than Config.MaxTokenBytes. It also
	// matches ErrMalformed.
	ErrTooLarge = errors.New("token too large")
	// ErrJWE: the token is a JWE (five segments). Only signed tokens are accepted.
	ErrJWE = errors.New("encrypted tokens (JWE) are not accepted")
	// ErrJSONSerialization: the token uses the JWS JSON serialization.
	ErrJSONSerialization = errors.New("JWS JSON serialization is not accepted")
	// ErrAlgorithm: "alg" is missing, "none", unsupported or not in
	// Config.Algorithms, or does not fit the key that the kid names.
	ErrAlgorithm = errors.New("algorithm not allowed")
	// ErrCritical: the header has "crit" (or "b64"), which this verifier does
	// not implement, so it must refuse the token (RFC 7515 section 4.1.11).
	ErrCritical = errors.New("critical header not supported")
	// ErrHeaderKey: the header embeds or points at a key ("jwk", "jku", "x5u",
	// "x5c"). Keys are never taken from a token.
	ErrHeaderKey = errors.New("key in token header not accepted")
	// ErrTokenType: the "typ" header is not one of Config.TokenTypes.
	ErrTokenType = errors.New("token type not accepted")
	// ErrUnknownKey: no key in the source matches the token's kid and algorithm.
	ErrUnknownKey = errors.New("unknown key")
	// ErrSignature: the signature does not verify.
	ErrSignature = errors.New("invalid signature")
	// ErrKeysUnavailable: the key source has no usable keys (it also matches
	// keysource.ErrUnavailable).
	ErrKeysUnavailable = keysource.ErrUnavailable
	// ErrExpired: "exp" is in the past (beyond the leeway).
	ErrExpired = errors.New("token expired")
	// ErrNotYetValid: "nbf" is in the future (beyond the leeway).
	ErrNotYetValid = errors.New("token not yet valid")
	// ErrIssuedInFuture: "iat" is in the future (beyond the leeway).
	ErrIssuedInFuture = errors.New("token issued in the future")
	// ErrTooOld: "iat" is older than Config.MaxAge.
	ErrTooOld = errors.New("token too old")
	// ErrMissingClaim: a required claim ("exp", "iss", "aud", or one named in
	// Config.RequiredClaims) is absent.
	ErrMissingClaim = errors.New("required claim missing")
	// ErrIssuer: "iss" is not an expected issuer.
	ErrIssuer = errors.New("issuer not accepted")
	// ErrAudience: no "aud" value is an accepted audience.
	ErrAudience = errors.New("audience not accepted")
	// ErrBinding: the token is sender-constrained ("cnf", RFC 7800) and the
	// request's proof of possession (see Binding) does not match it: a
	// DPoP-bound token without a DPoP proof or with another key's proof, a
	// certificate-bound token without that client certificate, a cnf with
	// no method this verifier can check, or a DPoP proof with an unbound
	// token.
	ErrBinding = errors.New("token binding not satisfied")
	// ErrRevoked: the token was revoked before it expired (Config.Revocation
	// found an entry in force). It is revocation.ErrRevoked.
	ErrRevoked = revocation.ErrRevoked
	// ErrRevocationUnavailable: Config.Revocation cannot say whether the
	// token was revoked (its store is out of sync with the shared state for
	// longer than it may serve). HTTP services answer 503. It is
	// revocation.ErrUnavailable.
	ErrRevocationUnavailable = revocation.ErrUnavailable
	// ErrClaims: a claim has the wrong JSON type, or a validator (Config
	// Validators, or the claims type's Validate method) refused the token.
	ErrClaims = errors.New("invalid claims")
)

// Error is the error Verify returns: a stable short Reason for logs, metrics,
// the CLI and HTTP error_description, and the wrapped cause, which matches one
// of the sentinel errors above with errors.Is.
type Error struct {
	// Reason is a stable, short, lower-case reason such as "expired" or
	// "signature". It never contains token data.
	Reason string
	// Err is the cause; errors.Is matches it against the sentinels.
	Err error
}

// Error implements error.
func (e *Error) Error() string { return "jwtguard: " + e.Reason + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// The stable reasons carried by *Error.
const (
	ReasonMalformed       = "malformed"
	ReasonAlgorithm       = "algorithm"
	ReasonCritical        = "critical_header"
	ReasonHeaderKey       = "header_key"
	ReasonTokenType       = "token_type"
	ReasonUnknownKey      = "unknown_key"
	ReasonSignature       = "signature"
	ReasonKeysUnavailable = "keys_unavailable"
	ReasonExpired         = "expired"
	ReasonNotYetValid     = "not_yet_valid"
	ReasonIssuedInFuture  = "issued_in_future"
	ReasonTooOld          = "too_old"
	ReasonMissingClaim    = "missing_claim"
	ReasonIssuer          = "issuer"
	ReasonAudience        = "audience"
	ReasonClaims          = "claims"
	ReasonCanceled        = "canceled"
	// ReasonBinding is ErrBinding's reason.
	ReasonBinding = "binding"
	// ReasonRevoked is ErrRevoked's reason.
	ReasonRevoked = "revoked"
	// ReasonRevocationUnavailable is ErrRevocationUnavailable's reason.
	ReasonRevocationUnavailable = "revocation_unavailable"
)

// Reason returns the stable reason of an error from Verify ("" for nil, and
// "error" for an error that did not come from Verify).
func Reason(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return "error"
}
