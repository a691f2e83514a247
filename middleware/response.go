package middleware

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/verify"
)

// ProblemContentType is the media type of the error bodies (RFC 9457).
const ProblemContentType = "application/problem+json"

// Problem is the body of an error response, an RFC 9457 problem details
// object. Type is always "about:blank", so Title is the status's reason
// phrase; Reason and Code are extension members that repeat, for clients
// that read bodies rather than headers, what WWW-Authenticate says.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	// Reason is Error.Reason.
	Reason string `json:"reason"`
	// Code is the RFC 6750 error code, when there is one.
	Code string `json:"error,omitempty"`
	// Scope is Error.Scope, when there is one.
	Scope string `json:"scope,omitempty"`
}

// WriteError writes the default response for e: the status, a
// WWW-Authenticate challenge for every status below 500 (RFC 6750 section
// 3: realm, and error, error_description and scope when they apply),
// Retry-After for a 503, Cache-Control: no-store, and a Problem body. The
// error_description is e.Reason restricted to the characters RFC 6750
// allows; nothing from e.Err is sent. A custom Config.ErrorHandler may call
// it for the cases it does not handle itself.
func WriteError(w http.ResponseWriter, realm string, e *Error) {
	h := w.Header()
	if e.Status < 500 {
		h.Del("WWW-Authenticate")
		scheme := e.Scheme
		if scheme == "" {
			scheme = SchemeBearer
		}
		if len(e.Offer) == 0 {
			h.Add("WWW-Authenticate", challenge(realm, e, scheme, true))
		}
		for _, o := range e.Offer {
			h.Add("WWW-Authenticate", challenge(realm, e, o, o == scheme))
		}
	}
	if e.DPoPNonce != "" {
		h.Set("DPoP-Nonce", e.DPoPNonce)
	}
	if e.Status == http.StatusServiceUnavailable && e.RetryAfter > 0 {
		h.Set("Retry-After", retryAfterSeconds(e.RetryAfter))
	}
	h.Set("Content-Type", ProblemContentType)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	body, err := json.Marshal(Problem{
		Type:   "about:blank",
		Title:  http.StatusText(e.Status),
		Status: e.Status,
		Detail: detail(e),
		Reason: sanitize(e.Reason),
		Code:   e.Code,
		Scope:  e.Scope,
	})
	if err != nil { // cannot happen: every field is a string or an int
		body = []byte(`{"type":"about:blank"}`)
	}
	w.WriteHeader(e.Status)
	_, _ = w.Write(append(body, '\n'))
}

// challenge builds one WWW-Authenticate value for scheme; withError adds
// e's error attributes. A request without a token gets no error attribute
// (RFC 6750 section 3.1). A DPoP challenge carries algs (RFC 9449 section
// 7.1).
func challenge(realm string, e *Error, scheme string, withError bool) string {
	b := make([]byte, 0, 128)
	b = append(b, scheme...)
	b = append(b, ` realm="`...)
	b = appendSanitized(b, realm)
	b = append(b, '"')
	if withError && e.Code != "" {
		b = append(b, `, error="`...)
		b = append(b, e.Code...)
		b = append(b, '"')
		if e.Reason != "" {
			b = append(b, `, error_description="`...)
			b = appendSanitized(b, e.Reason)
			b = append(b, '"')
		}
		if e.Scope != "" {
			b = append(b, `, scope="`...)
			b = appendSanitized(b, e.Scope)
			b = append(b, '"')
		}
	}
	if scheme == SchemeDPoP && e.DPoPAlgs != "" {
		b = append(b, `, algs="`...)
		b = appendSanitized(b, e.DPoPAlgs)
		b = append(b, '"')
	}
	return string(b)
}

// allowedInDescription reports whether c may appear in error_description:
// %x20-21 / %x23-5B / %x5D-7E (RFC 6750 section 3). The realm and scope
// values use the same set, which keeps them valid quoted-strings.
func allowedInDescription(c byte) bool {
	return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\'
}

func appendSanitized(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; allowedInDescription(c) {
			b = append(b, c)
		}
	}
	return b
}

// sanitize drops the characters error_description does not allow.
func sanitize(s string) string {
	for i := 0; i < len(s); i++ {
		if !allowedInDescription(s[i]) {
			return string(appendSanitized(make([]byte, 0, len(s)), s))
		}
	}
	return s
}

func retryAfterSeconds(d time.Duration) string {
	s := int64((d + time.Second - 1) / time.Second)
	return strconv.FormatInt(max(s, 1), 10)
}

// details are the human sentences of the Problem body, by reason. They say
// which check failed and nothing about how.
var details = map[string]string{
	ReasonNoToken:                      "The request carries no access token.",
	ReasonMultipleTokens:               "The request carries more than one access token; send exactly one.",
	ReasonMalformedRequest:             "The request's credentials are not a well-formed bearer token.",
	ReasonMissingScope:                 "The access token does not grant a scope this resource requires.",
	ReasonMissingRole:                  "The access token does not carry a role this resource requires.",
	ReasonClaimRequirement:             "The access token's claims do not meet this resource's requirements.",
	ReasonMisconfigured:                "The server is misconfigured.",
	ReasonRejected:                     "The access token was rejected.",
	verify.ReasonMalformed:             "The access token is not a well-formed signed JWT.",
	verify.ReasonAlgorithm:             "The access token's signature algorithm is not accepted.",
	verify.ReasonCritical:              "The access token has a critical header that is not supported.",
	verify.ReasonHeaderKey:             "The access token's header carries a key, which is never trusted.",
	verify.ReasonTokenType:             "The access token's type is not accepted.",
	verify.ReasonUnknownKey:            "The access token was signed with an unknown key.",
	verify.ReasonSignature:             "The access token's signature is invalid.",
	verify.ReasonKeysUnavailable:       "The keys needed to verify the access token are unavailable; retry later.",
	verify.ReasonExpired:               "The access token has expired.",
	verify.ReasonNotYetValid:           "The access token is not valid yet.",
	verify.ReasonIssuedInFuture:        "The access token was issued in the future.",
	verify.ReasonTooOld:                "The access token is too old.",
	verify.ReasonMissingClaim:          "The access token lacks a required claim.",
	verify.ReasonIssuer:                "The access token's issuer is not accepted.",
	verify.ReasonAudience:              "The access token is not meant for this resource.",
	verify.ReasonClaims:                "The access token's claims are invalid.",
	verify.ReasonCanceled:              "The request was canceled or timed out before the token was verified.",
	verify.ReasonBinding:               "The access token is bound to a key or certificate that the request does not prove.",
	verify.ReasonRevoked:               "The access token has been revoked.",
	verify.ReasonRevocationUnavailable: "Whether the access token was revoked cannot be checked right now; retry later.",
	// DPoP (RFC 9449) and client certificates (RFC 8705).
	ReasonDPoPRequired:                    "This resource accepts DPoP-bound access tokens only, sent with the DPoP scheme and a DPoP proof.",
	ReasonDPoPWithBearer:                  "A DPoP proof came with an access token that was not sent with the DPoP scheme.",
	ReasonClientCert:                      "The client certificate forwarded with the request is unreadable.",
	dpop.ReasonUseNonce:                   "The DPoP proof must carry the server nonce sent in the DPoP-Nonce header.",
	"dpop_" + dpop.ReasonMissing:          "The request uses the DPoP scheme but carries no DPoP proof.",
	"dpop_" + dpop.ReasonMultipleProofs:   "The request carries more than one DPoP proof; send exactly one.",
	"dpop_" + dpop.ReasonMalformed:        "The DPoP proof is not a well-formed signed JWT.",
	"dpop_" + dpop.ReasonType:             "The DPoP proof's typ is not dpop+jwt.",
	"dpop_" + dpop.ReasonAlgorithm:        "The DPoP proof's signature algorithm is not accepted.",
	"dpop_" + dpop.ReasonJWK:              "The DPoP proof's jwk is not an accepted public key.",
	"dpop_" + dpop.ReasonPrivateKey:       "The DPoP proof's jwk holds a private key.",
	"dpop_" + dpop.ReasonSignature:        "The DPoP proof's signature is invalid.",
	"dpop_" + dpop.ReasonMissingClaim:     "The DPoP proof lacks a required claim (jti, htm, htu, iat).",
	"dpop_" + dpop.ReasonHTM:              "The DPoP proof was made for another HTTP method.",
	"dpop_" + dpop.ReasonHTU:              "The DPoP proof was made for another URL.",
	"dpop_" + dpop.ReasonIAT:              "The DPoP proof was issued too long ago or in the future.",
	"dpop_" + dpop.ReasonATH:              "The DPoP proof's ath does not match the access token.",
	"dpop_" + dpop.ReasonReplayed:         "The DPoP proof was used before; make a new proof for every request.",
	"dpop_" + dpop.ReasonStoreUnavailable: "Whether the DPoP proof was used before cannot be checked right now; retry later.",
	"dpop_" + dpop.ReasonRequest:          "The server is misconfigured.",
	// Reasons of remote token checkers (package remotecheck).
	"inactive":           "The access token is no longer active.",
	"check_refused":      "The service that checks access tokens refused to check this one.",
	"check_unavailable":  "The service that checks access tokens is unavailable; retry later.",
	"check_bad_response": "The service that checks access tokens gave an unusable answer; retry later.",
}

func detail(e *Error) string {
	d, ok := details[e.Reason]
	if !ok {
		d = "The request was refused."
	}
	if e.Reason == ReasonMissingScope && e.Scope != "" {
		d = "The access token does not grant the scope this resource requires: " + sanitize(e.Scope) + "."
	}
	return d
}
