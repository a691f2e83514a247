package remotecheck

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/claimcopy"
	"github.com/jwtguard/jwtguard/verify"
)

// Config configures a Checker built by New. C is the claims type a positive
// answer decodes into: claims.Map, Introspection, or a struct of the
// caller's that embeds claims.Registered.
type Config[C any] struct {
	// Check asks the issuer about one token. Required.
	Check Check

	// Options are the limits, cache, retry, clock and hook settings; the
	// zero value gives the documented defaults.
	Options Options

	// Validators run, in order, on every accepted token, from the cache or
	// not, after exp and nbf. An error refuses the token with
	// verify.ErrClaims (reason "claims"), the validator's error in the
	// chain. A claims type with a method Validate(context.Context) error is
	// validated the same way, before these.
	Validators []func(ctx context.Context, claims *C) error
}

// Checker verifies tokens by asking their issuer, through a Check, whether
// they are active. It implements the Verifier interface of the middleware
// package (Verify(ctx, token) (*C, error)), so it stands in for a
// *verify.Verifier where an issuer publishes no keys. It is safe for
// concurrent use; build one with New, NewIntrospection or NewEPR and share
// it.
type Checker[C any] struct {
	s          *settings
	check      Check
	validators []func(context.Context, *C) error
	carrier    bool // *C implements claims.Carrier
	validates  bool // *C has Validate(context.Context) error
	cache      *answerCache[C]

	// jwtOnly refuses, before any call, a token that is not a compact JWT
	// with an exp (NewEPR sets it).
	jwtOnly bool
	// precheck, when set, may refuse a jwtOnly token from its unverified
	// payload before any call, after the exp check (NewEPR's Issuers and
	// Audiences).
	precheck func(payload []byte) error

	// slots holds one element per remote check under way (a flight's
	// goroutine, from its start to its end): at most s.inFlight.
	slots chan struct{}
	// queued counts the callers waiting for a slot.
	queued atomic.Int64

	mu sync.Mutex
	// flights holds the checks under way or waiting for a slot, one per
	// token; each has at least one waiting caller.
	flights map[string]*flight[C]
}

type validator interface {
	Validate(context.Context) error
}

// New checks cfg and returns a Checker. It fails when Check is nil, a
// validator is nil, or an Options field is out of range.
func New[C any](cfg Config[C]) (*Checker[C], error) {
	if cfg.Check == nil {
		return nil, errors.New("remotecheck: Config.Check is required")
	}
	s, err := cfg.Options.settings()
	if err != nil {
		return nil, err
	}
	for _, f := range cfg.Validators {
		if f == nil {
			return nil, errors.New("remotecheck: Config.Validators holds a nil function")
		}
	}
	c := &Checker[C]{
		s:          s,
		check:      cfg.Check,
		validators: append([]func(context.Context, *C) error(nil), cfg.Validators...),
		flights:    make(map[string]*flight[C]),
		slots:      make(chan struct{}, s.inFlight),
	}
	_, c.carrier = any(new(C)).(claims.Carrier)
	_, c.validates = any(new(C)).(validator)
	if s.cacheSize > 0 && (s.ttl > 0 || s.negTTL > 0) {
		c.cache = newAnswerCache[C](s.cacheSize)
	}
	return c, nil
}

// Verify checks token and returns its claims. The error is a *verify.Error
// (verify.Reason gives its stable reason) wrapping one sentinel:
//
//	verify.ErrMalformed       too long, empty, not printable ASCII; a JWT whose payload or exp is broken;
//	                          for NewEPR, anything but a compact signed JWT with an exp
//	verify.ErrExpired         exp (the token's own, unverified, or the answer's) has passed, leeway included
//	verify.ErrNotYetValid     the answer's nbf is in the future
//	ErrInactive               the issuer says the token is not active
//	verify.ErrClaims          the answer's claims do not decode into C, or a validator refused them
//	verify.ErrBinding         the answer's claims carry "cnf": a sender-constrained token, which a
//	                          remote check (no proof of possession) never accepts as a bearer token
//	verify.ErrRevoked         Options.Revocation holds an entry in force for the answer's claims
//	verify.ErrRevocationUnavailable  Options.Revocation cannot say (503)
//	ErrCheckUnavailable       the issuer could not be reached after every attempt, or no check slot
//	                          freed within Options.QueueTimeout (matches keysource.ErrUnavailable)
//	ErrBadResponse            the issuer's answer could not be read (matches ErrCheckUnavailable)
//	context.Canceled, ...     ctx ended first
//
// Order of work: the size and shape check; the cache; for a JWT, its
// unverified exp, which refuses an expired token without a call (it can
// only refuse, never accept); then the remote check, merged with any check
// of the same token already under way, waiting for a free slot when
// Options.MaxConcurrentChecks are under way, retried on transport failures;
// on every positive answer, fresh or cached, the time checks, the
// validators, then Options.Revocation.
//
// Every call returns a new *C, a shallow copy of the answer's claims:
// setting its fields never reaches the cache, but the slices and maps
// inside are shared with the cache and with other callers for the same
// token, so treat them as read-only (copy before modifying).
func (c *Checker[C]) Verify(ctx context.Context, token string) (*C, error) {
	if err := checkShape(token, c.s.maxBytes); err != nil {
		return nil, tokenError(err)
	}
	if c.cache != nil {
		if a := c.cache.get(token, c.s.now()); a != nil {
			return c.use(ctx, a)
		}
	}
	var payload []byte
	var exp time.Time
	var err error
	if c.jwtOnly {
		payload, exp, err = strictJWT(token)
	} else {
		exp, err = unverifiedExpiry(token)
	}
	if err != nil {
		return nil, tokenError(err)
	}
	if err := c.checkTimes(exp, time.Time{}); err != nil {
		return nil, tokenError(err)
	}
	if c.precheck != nil && payload != nil {
		if err := c.precheck(payload); err != nil {
			return nil, tokenError(err)
		}
	}
	a, err := c.await(ctx, token, exp)
	if err != nil {
		return nil, err
	}
	return c.use(ctx, a)
}

// use turns an answer into Verify's result for one caller: the refusal, or
// a copy of the claims after the time checks and the validators. A panic in
// a validator is the caller's 503 (ErrBadResponse), never the process's.
func (c *Checker[C]) use(ctx context.Context, a *answer[C]) (_ *C, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = c.panicked(ctx, "claims validation", p)
		}
	}()
	if a.err != nil {
		return nil, a.err
	}
	if err := c.checkTimes(a.exp, a.nbf); err != nil {
		return nil, tokenError(err)
	}
	out := claimcopy.Of(a.claims)
	if c.validates {
		if err := any(out).(validator).Validate(ctx); err != nil {
			return nil, tokenError(fmt.Errorf("%w: %w", verify.ErrClaims, err))
		}
	}
	for _, f := range c.validators {
		if err := f(ctx, out); err != nil {
			return nil, tokenError(fmt.Errorf("%w: %w", verify.ErrClaims, err))
		}
	}
	if a.rev != nil {
		if err := c.checkRevocation(a.rev); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkTimes applies exp and nbf (zero when unknown) to the current time,
// with the leeway.
func (c *Checker[C]) checkTimes(exp, nbf time.Time) error {
	now := c.s.now()
	if !exp.IsZero() && !now.Before(exp.Add(c.s.leeway)) {
		return verify.ErrExpired
	}
	if !nbf.IsZero() && now.Before(nbf.Add(-c.s.leeway)) {
		return verify.ErrNotYetValid
	}
	return nil
}

// decode turns a positive Result into an answer: the claims decoded
// strictly into a new C, and the exp and nbf that bound it. tokenExp is the
// token's own exp (zero when unknown); the earlier of the two wins. It
// reports whether the answer may be cached: a verdict on the claims may, a
// panic in decoding (503, ErrBadResponse) may not.
func (c *Checker[C]) decode(ctx context.Context, token string, res Result, tokenExp time.Time) (a *answer[C], cacheable bool) {
	defer func() {
		if p := recover(); p != nil {
			a, cacheable = &answer[C]{token: token, err: c.panicked(ctx, "decoding the claims", p)}, false
		}
	}()
	a = &answer[C]{token: token, claims: new(C), exp: tokenExp}
	if c.s.revocation != nil {
		rev, err := revocationToken(res.Claims)
		if err != nil {
			return &answer[C]{token: token, err: tokenError(err)}, true
		}
		if rev.ExpiresAt.IsZero() {
			rev.ExpiresAt = tokenExp
		}
		a.rev = rev
	}
	if len(res.Claims) == 0 {
		return a, true
	}
	if err := json.Unmarshal(res.Claims, a.claims); err != nil {
		return &answer[C]{token: token, err: tokenError(fmt.Errorf("%w: %s", verify.ErrClaims, describeJSON(err)))}, true
	}
	if hasConfirmation(res.Claims) {
		return &answer[C]{token: token, err: errBound}, true
	}
	var reg *claims.Registered
	if c.carrier {
		reg = any(a.claims).(claims.Carrier).RegisteredClaims()
	}
	if reg == nil {
		// Not a Carrier, or one whose embedded *claims.Registered stayed
		// nil (no registered claim in the answer).
		reg = new(claims.Registered)
		if err := json.Unmarshal(res.Claims, reg); err != nil {
			return &answer[C]{token: token, err: tokenError(fmt.Errorf("%w: %s", verify.ErrClaims, describeJSON(err)))}, true
		}
	}
	if e := reg.ExpiresAt.Time; !e.IsZero() && (a.exp.IsZero() || e.Before(a.exp)) {
		a.exp = e
	}
	a.nbf = reg.NotBefore.Time
	return a, true
}

// panicked turns a panic recovered in where into the error of the request
// (ErrBadResponse: 503, not cached, not retried) and logs it at Error with
// the stack. The panic's value is logged only when it is the runtime's own
// (a nil dereference, ...): any other value may hold claims or the token.
func (c *Checker[C]) panicked(ctx context.Context, where string, p any) *verify.Error {
	what := fmt.Sprintf("a value of type %T", p)
	if re, ok := p.(runtime.Error); ok {
		what = re.Error()
	}
	if c.s.logger != nil {
		c.s.logger.LogAttrs(ctx, slog.LevelError, "remotecheck: panic recovered",
			slog.String("in", where), slog.String("panic", what), slog.String("stack", string(debug.Stack())))
	}
	return &verify.Error{Reason: ReasonBadResponse, Err: fmt.Errorf("%w: panic in %s: %s", ErrBadResponse, where, what)}
}
