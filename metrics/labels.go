package metrics

import (
	"strconv"

	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/remotecheck"
	"github.com/jwtguard/jwtguard/revocation"
	"github.com/jwtguard/jwtguard/verify"
)

// ReasonOther is the label value of every reason outside the allow-list.
const ReasonOther = "other"

// Outcome label values of a verification or a remote check.
const (
	OutcomeAccepted = "accepted"
	OutcomeRejected = "rejected"
)

// reasons is the allow-list of reason label values.
var reasons = map[string]bool{}

func init() {
	for _, r := range Reasons() {
		reasons[r] = true
	}
}

// Reasons returns the allow-list of reason label values: the stable
// reasons of verify, middleware, remotecheck and dpop, "error" (an error
// that carries no reason) and ReasonOther. The same word may come from
// two packages ("malformed", "signature"): the metric says which.
func Reasons() []string {
	rs := []string{
		// verify
		verify.ReasonMalformed, verify.ReasonAlgorithm, verify.ReasonCritical,
		verify.ReasonHeaderKey, verify.ReasonTokenType, verify.ReasonUnknownKey,
		verify.ReasonSignature, verify.ReasonKeysUnavailable, verify.ReasonExpired,
		verify.ReasonNotYetValid, verify.ReasonIssuedInFuture, verify.ReasonTooOld,
		verify.ReasonMissingClaim, verify.ReasonIssuer, verify.ReasonAudience,
		verify.ReasonClaims, verify.ReasonCanceled, verify.ReasonBinding,
		verify.ReasonRevoked, verify.ReasonRevocationUnavailable,
		"error", // verify.Reason of an error without one
		// middleware
		middleware.ReasonNoToken, middleware.ReasonMultipleTokens,
		middleware.ReasonMalformedRequest, middleware.ReasonMissingScope,
		middleware.ReasonMissingRole, middleware.ReasonClaimRequirement,
		middleware.ReasonMisconfigured, middleware.ReasonRejected,
		// remotecheck
		remotecheck.ReasonInactive, remotecheck.ReasonCheckRefused,
		remotecheck.ReasonCheckUnavailable, remotecheck.ReasonBadResponse,
		// dpop (malformed, algorithm, signature and missing_claim are above)
		dpop.ReasonMissing, dpop.ReasonMultipleProofs, dpop.ReasonType,
		dpop.ReasonJWK, dpop.ReasonPrivateKey, dpop.ReasonHTM, dpop.ReasonHTU,
		dpop.ReasonIAT, dpop.ReasonATH, dpop.ReasonUseNonce, dpop.ReasonReplayed,
		dpop.ReasonStoreUnavailable, dpop.ReasonRequest,
		// middleware's DPoP and client-certificate refusals
		middleware.ReasonDPoPRequired, middleware.ReasonDPoPWithBearer,
		middleware.ReasonClientCert,
		ReasonOther,
	}
	// The middleware's reason for each proof refusal ("dpop_htu", ...).
	for _, r := range []string{
		dpop.ReasonMissing, dpop.ReasonMultipleProofs, dpop.ReasonMalformed,
		dpop.ReasonType, dpop.ReasonAlgorithm, dpop.ReasonJWK,
		dpop.ReasonPrivateKey, dpop.ReasonSignature, dpop.ReasonMissingClaim,
		dpop.ReasonHTM, dpop.ReasonHTU, dpop.ReasonIAT, dpop.ReasonATH,
		dpop.ReasonReplayed, dpop.ReasonStoreUnavailable, dpop.ReasonRequest,
	} {
		rs = append(rs, middleware.DPoPReason(r))
	}
	return rs
}

// Reason returns r when it is in the allow-list (Reasons) or empty, and
// ReasonOther otherwise, so that a reason some validator made up cannot
// grow a metric's series.
func Reason(r string) string {
	if r == "" || reasons[r] {
		return r
	}
	return ReasonOther
}

// Outcome returns OutcomeAccepted for an empty reason, OutcomeRejected
// otherwise.
func Outcome(reason string) string {
	if reason == "" {
		return OutcomeAccepted
	}
	return OutcomeRejected
}

// Kind returns a revocation kind as a label value: "token", "session",
// "subject", "client", "issuer", or ReasonOther.
func Kind(k revocation.Kind) string {
	switch k {
	case revocation.KindToken, revocation.KindSession, revocation.KindSubject, revocation.KindClient, revocation.KindIssuer:
		return k.String()
	}
	return ReasonOther
}

// Status returns an HTTP status as a label value: "" for 0 (a request the
// middleware let through: its status is the handler's), the number for
// 100 to 599, "other" for anything else.
func Status(code int) string {
	switch {
	case code == 0:
		return ""
	case code >= 100 && code <= 599:
		return strconv.Itoa(code)
	}
	return ReasonOther
}
