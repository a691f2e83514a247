package remotecheck

import (
	"context"
	"errors"
	"fmt"

	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/verify"
)

// Sentinel errors of the remote check. Verify returns them wrapped in a
// *verify.Error, so verify.Reason gives a stable reason and errors.Is the
// exact cause.
var (
	// ErrInactive: the issuer says the token is not active (unknown,
	// expired, revoked, logged out). A client error: HTTP middleware
	// answers it with 401. Reason "inactive".
	ErrInactive = errors.New("token not active")

	// ErrCheckRefused: the issuer refused to check the token, with an
	// answer that is about the token rather than an outage: an RFC 7662
	// endpoint's 400 with the error unsupported_token_type or
	// invalid_request, which oidc-provider sends for a JWT it will not
	// introspect. A client error: HTTP middleware answers it with 401.
	// The issuer's error code is logged at Error, since a server that
	// refuses every token is more likely misconfigured than attacked.
	// Reason "check_refused".
	ErrCheckRefused = errors.New("the token check refused the token")

	// ErrCheckUnavailable: the issuer could not be asked, or gave no usable
	// answer: connection errors, timeouts, 5xx, 429 (after every attempt),
	// and everything that matches ErrBadResponse. It matches
	// keysource.ErrUnavailable, so HTTP middleware answers 503 with
	// Retry-After, never 401. A Check returns an error wrapping it (and
	// not ErrBadResponse) to have the call retried. Reason
	// "check_unavailable".
	ErrCheckUnavailable error = &chainedError{msg: "remotecheck: token check unavailable", next: keysource.ErrUnavailable}

	// ErrBadResponse: the issuer answered, but not in a form the check
	// understands (wrong status, JSON that is not strict, a missing or
	// non-boolean "active", a body over the size cap, a redirect). It
	// matches ErrCheckUnavailable and keysource.ErrUnavailable, but is never
	// retried: asking again would give the same answer. Reason
	// "check_bad_response".
	ErrBadResponse error = &chainedError{msg: "remotecheck: unusable answer from the token check", next: ErrCheckUnavailable}
)

// The stable reasons of the remote check's own errors, carried by
// *verify.Error next to the verify package's reasons (verify.ReasonExpired,
// verify.ReasonMalformed, verify.ReasonClaims, verify.ReasonCanceled, ...).
const (
	// ReasonInactive goes with ErrInactive.
	ReasonInactive = "inactive"
	// ReasonCheckRefused goes with ErrCheckRefused.
	ReasonCheckRefused = "check_refused"
	// ReasonCheckUnavailable goes with ErrCheckUnavailable.
	ReasonCheckUnavailable = "check_unavailable"
	// ReasonBadResponse goes with ErrBadResponse.
	ReasonBadResponse = "check_bad_response"
)

// chainedError is a sentinel that matches another one: its Unwrap names
// the more general error, so errors.Is(ErrBadResponse,
// keysource.ErrUnavailable) holds while the message stays its own.
type chainedError struct {
	msg  string
	next error
}

func (e *chainedError) Error() string { return e.msg }
func (e *chainedError) Unwrap() error { return e.next }

// errInactive is the one error value every inactive answer shares.
var errInactive = &verify.Error{Reason: ReasonInactive, Err: ErrInactive}

// retryable reports whether err is a transport failure worth another try.
func retryable(err error) bool {
	return errors.Is(err, ErrCheckUnavailable) && !errors.Is(err, ErrBadResponse)
}

// classify turns the final error of a check (after the retries) into the
// *verify.Error that Verify returns, and says whether it may be cached as a
// negative answer: only answers about the token are, never failures to get
// one.
func classify(ctx context.Context, err error) (_ *verify.Error, cacheable bool) {
	var ve *verify.Error
	switch {
	case ctx.Err() != nil:
		return &verify.Error{Reason: verify.ReasonCanceled, Err: ctx.Err()}, false
	case errors.Is(err, ErrInactive):
		if errors.As(err, &ve) && ve.Reason == ReasonInactive {
			return ve, true
		}
		return &verify.Error{Reason: ReasonInactive, Err: err}, true
	case errors.Is(err, ErrCheckRefused):
		return &verify.Error{Reason: ReasonCheckRefused, Err: err}, true
	case errors.Is(err, ErrBadResponse):
		return &verify.Error{Reason: ReasonBadResponse, Err: err}, false
	case errors.Is(err, ErrCheckUnavailable), errors.Is(err, keysource.ErrUnavailable):
		return &verify.Error{Reason: ReasonCheckUnavailable, Err: err}, false
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		// A Check's own deadline, not the caller's: the issuer was slow.
		return &verify.Error{Reason: ReasonCheckUnavailable, Err: fmt.Errorf("%w: %w", ErrCheckUnavailable, err)}, false
	case errors.As(err, &ve):
		// A verdict about the token from the Check itself (say,
		// verify.ErrIssuer from the introspection response).
		return ve, true
	}
	// An error the Check did not classify: fail closed, and do not blame
	// the token.
	return &verify.Error{Reason: ReasonBadResponse, Err: fmt.Errorf("%w: %w", ErrBadResponse, err)}, false
}

// tokenError wraps one of the verify sentinels for a check made here.
func tokenError(err error) *verify.Error {
	for _, r := range [...]struct {
		err    error
		reason string
	}{
		{verify.ErrExpired, verify.ReasonExpired},
		{verify.ErrNotYetValid, verify.ReasonNotYetValid},
		{verify.ErrMalformed, verify.ReasonMalformed},
		{verify.ErrIssuer, verify.ReasonIssuer},
		{verify.ErrAudience, verify.ReasonAudience},
		{verify.ErrMissingClaim, verify.ReasonMissingClaim},
		{verify.ErrClaims, verify.ReasonClaims},
	} {
		if errors.Is(err, r.err) {
			return &verify.Error{Reason: r.reason, Err: err}
		}
	}
	return &verify.Error{Reason: verify.ReasonClaims, Err: err}
}
