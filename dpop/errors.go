package dpop

import "errors"

// Sentinel errors, one per failed check. Check wraps them in an *Error, so
// errors.Is(err, dpop.ErrHTU) tells a caller exactly what failed.
var (
	// ErrMissing: the request carries no DPoP header.
	ErrMissing = errors.New("dpop: no DPoP proof")
	// ErrMultipleProofs: the request carries more than one DPoP header
	// (RFC 9449 section 4.3, check 1).
	ErrMultipleProofs = errors.New("dpop: more than one DPoP header")
	// ErrMalformed: the proof is not a compact JWS of three strict base64url
	// segments, its header or claims are not strict JSON (duplicate member
	// names, invalid UTF-8, wrong member types), it is longer than
	// Config.MaxProofBytes, or its header has members a proof may not carry
	// ("crit", "b64", "jku", "x5u", "x5c").
	ErrMalformed = errors.New("dpop: malformed proof")
	// ErrType: the "typ" header is not exactly "dpop+jwt".
	ErrType = errors.New("dpop: proof typ is not dpop+jwt")
	// ErrAlgorithm: "alg" is missing, "none", symmetric, unsupported or not
	// in Config.Algorithms.
	ErrAlgorithm = errors.New("dpop: proof algorithm not allowed")
	// ErrJWK: the "jwk" header is missing, not a JWK, a symmetric key, a key
	// that breaks jwtguard's key rules (see keysource.NewKey: RSA under 2048
	// bits, EC points off their curve, small-order Ed25519, ...), marked for
	// encryption, or a key that does not fit the proof's "alg".
	ErrJWK = errors.New("dpop: proof jwk not accepted")
	// ErrPrivateKey: the "jwk" header carries private key members.
	ErrPrivateKey = errors.New("dpop: proof jwk holds a private key")
	// ErrSignature: the proof's signature does not verify with its own jwk.
	ErrSignature = errors.New("dpop: proof signature does not verify")
	// ErrMissingClaim: "jti", "htm", "htu" or "iat" is absent or empty.
	ErrMissingClaim = errors.New("dpop: proof claim missing")
	// ErrHTM: "htm" is not the request's method.
	ErrHTM = errors.New("dpop: proof htm does not match the request method")
	// ErrHTU: "htu" is not the request's URI (without query and fragment,
	// after RFC 3986 normalization), or not an absolute http(s) URI.
	ErrHTU = errors.New("dpop: proof htu does not match the request URI")
	// ErrIAT: "iat" is further from the current time than Config.IATWindow.
	ErrIAT = errors.New("dpop: proof iat outside the accepted window")
	// ErrATH: an access token came with the request and the proof's "ath"
	// is absent or is not base64url(SHA-256(access token)).
	ErrATH = errors.New("dpop: proof ath does not match the access token")
	// ErrUseNonce: server nonces are on and the proof's "nonce" is absent,
	// unknown or stale. The *Error carries a fresh nonce in Nonce, to be
	// sent in a DPoP-Nonce response header with error "use_dpop_nonce".
	ErrUseNonce = errors.New("dpop: proof nonce missing or stale")
	// ErrReplayed: a proof with the same jti and key was accepted before
	// within the window. ReplayStore implementations return it (wrapped).
	ErrReplayed = errors.New("dpop: proof replayed")
	// ErrReplayUnavailable: the replay store could not say whether the proof
	// was seen before (full, timed out, unreachable). The proof is refused;
	// HTTP services answer 503. ReplayStore implementations return it
	// (wrapped).
	ErrReplayUnavailable = errors.New("dpop: replay store unavailable")
	// ErrRequest: the Request itself is unusable (no method, or a URL
	// without scheme and host while Config.ExternalBaseURL is empty). It
	// points at the caller, not at the client.
	ErrRequest = errors.New("dpop: request lacks method, scheme or host")
)

// Error is the error Check returns: a stable short Reason for logs, metrics
// and HTTP error_description, the wrapped cause (one of the sentinels above,
// for errors.Is), and, for ErrUseNonce, the nonce to send back.
type Error struct {
	// Reason is a stable, short, lower-case reason such as "htu" or
	// "replayed". It never contains proof data.
	Reason string
	// Err is the cause; errors.Is matches it against the sentinels.
	Err error
	// Nonce is a fresh server nonce when Err is ErrUseNonce ("" otherwise):
	// send it in a DPoP-Nonce response header.
	Nonce string
}

// Error implements error.
func (e *Error) Error() string { return "jwtguard: dpop " + e.Reason + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// The stable reasons carried by *Error.
const (
	ReasonMissing          = "missing_proof"
	ReasonMultipleProofs   = "multiple_proofs"
	ReasonMalformed        = "malformed"
	ReasonType             = "typ"
	ReasonAlgorithm        = "algorithm"
	ReasonJWK              = "jwk"
	ReasonPrivateKey       = "private_key"
	ReasonSignature        = "signature"
	ReasonMissingClaim     = "missing_claim"
	ReasonHTM              = "htm"
	ReasonHTU              = "htu"
	ReasonIAT              = "iat"
	ReasonATH              = "ath"
	ReasonUseNonce         = "use_dpop_nonce"
	ReasonReplayed         = "replayed"
	ReasonStoreUnavailable = "replay_store_unavailable"
	ReasonRequest          = "request"
)

// reasons maps each sentinel to its reason.
var reasons = []struct {
	err    error
	reason string
}{
	{ErrMissing, ReasonMissing},
	{ErrMultipleProofs, ReasonMultipleProofs},
	{ErrMalformed, ReasonMalformed},
	{ErrType, ReasonType},
	{ErrAlgorithm, ReasonAlgorithm},
	{ErrJWK, ReasonJWK},
	{ErrPrivateKey, ReasonPrivateKey},
	{ErrSignature, ReasonSignature},
	{ErrMissingClaim, ReasonMissingClaim},
	{ErrHTM, ReasonHTM},
	{ErrHTU, ReasonHTU},
	{ErrIAT, ReasonIAT},
	{ErrATH, ReasonATH},
	{ErrUseNonce, ReasonUseNonce},
	{ErrReplayed, ReasonReplayed},
	{ErrReplayUnavailable, ReasonStoreUnavailable},
	{ErrRequest, ReasonRequest},
}

// fail wraps err, which matches one of the sentinels, in an *Error.
func fail(err error) *Error {
	for _, r := range reasons {
		if errors.Is(err, r.err) {
			return &Error{Reason: r.reason, Err: err}
		}
	}
	return &Error{Reason: "error", Err: err}
}

// Reason returns the stable reason of an error from Check ("" for nil, and
// "error" for an error that did not come from Check).
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
