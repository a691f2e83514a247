package middleware

// Decision is what the middleware did with a request.
type Decision uint8

const (
	// Allowed: the token was verified and the request went on with its
	// claims in the context.
	Allowed Decision = iota + 1
	// Anonymous: optional mode, the request carried no token and went on
	// without claims.
	Anonymous
	// Preflight: a CORS preflight request went on unchecked
	// (Config.SkipCORSPreflight).
	Preflight
	// Denied: the request was refused (by the middleware, or by a Require
	// check behind it).
	Denied
)

// String returns "allowed", "anonymous", "preflight" or "denied", names
// fit for a metric label.
func (d Decision) String() string {
	switch d {
	case Allowed:
		return "allowed"
	case Anonymous:
		return "anonymous"
	case Preflight:
		return "preflight"
	case Denied:
		return "denied"
	}
	return "unknown"
}

// Outcome reports one decision to Config.OnOutcome. Count Denied outcomes
// by Reason to see why requests fail. A request that passes the middleware
// and then fails a Require check is reported twice: Allowed, then Denied
// with ReasonMissingScope, ReasonMissingRole or ReasonClaimRequirement.
type Outcome struct {
	// Decision is what was done.
	Decision Decision
	// Status is the HTTP status of a Denied request; 0 otherwise.
	Status int
	// Reason is the stable reason of a Denied request ("missing_token",
	// "expired", ...); "" otherwise.
	Reason string
	// Err is the cause of a Denied request; nil otherwise. It may name
	// internals: keep it out of responses.
	Err error
}
