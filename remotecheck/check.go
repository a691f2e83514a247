package remotecheck

import "context"

// Check asks the issuer about one token, once. It is the pluggable part of
// a Checker: NewIntrospection and NewEPR bring their own, and New takes
// any other.
//
// Check answers with a Result, or with an error:
//
//   - wrapping ErrCheckUnavailable for a failure worth retrying
//     (connection refused, timeout, 5xx, 429); the Checker retries it;
//   - wrapping ErrBadResponse for an answer it cannot read; never retried;
//   - wrapping ErrInactive or ErrCheckRefused, or being a *verify.Error,
//     for a verdict about the token (all are cached as negative answers);
//   - the caller's ctx.Err() when ctx is done.
//
// Any other error is treated as ErrBadResponse: the token is refused, with
// 503 rather than 401, since the token was not found at fault.
//
// Check must be safe for concurrent use, must honour ctx, and must never
// log the token or put it in an error (errors are logged).
type Check interface {
	Check(ctx context.Context, token string) (Result, error)
}

// CheckFunc adapts a function to a Check.
type CheckFunc func(ctx context.Context, token string) (Result, error)

// Check calls f(ctx, token).
func (f CheckFunc) Check(ctx context.Context, token string) (Result, error) { return f(ctx, token) }

// Result is the issuer's answer about a token.
type Result struct {
	// Active is true when the issuer vouches for the token, false when it
	// does not (unknown, expired, revoked, logged out).
	Active bool

	// Claims is the JSON object the Checker decodes into the claims type
	// C, strictly (no duplicate member names, valid UTF-8, each member of
	// the type its field wants), when Active. Its "exp" and "nbf", when
	// present, are checked and bound how long the answer is cached. nil or
	// empty gives the zero C.
	Claims []byte
}
