package verify

import (
	"context"
	"time"
)

// Observer watches verifications, for metrics and traces (the adapters in
// package metrics and its subpackages implement it). Its methods run on the
// request path of every Verify and VerifyBound call: they must be cheap and
// must not block.
type Observer interface {
	// VerifyStart is called when a verification starts. The context it
	// returns replaces ctx for the verification: a tracing observer returns
	// one holding its span, so that a key fetch the verification waits for
	// is traced as its child. Return ctx itself to change nothing.
	VerifyStart(ctx context.Context) context.Context
	// VerifyEnd is called once for each VerifyStart, with the context
	// VerifyStart returned, when the verification has its answer.
	VerifyEnd(ctx context.Context, e VerifyEvent)
}

// VerifyEvent describes one verification. It holds nothing a client chose
// freely: Alg is one of Config.Algorithms and Reason one of the stable
// reasons, so both are safe as metric labels.
type VerifyEvent struct {
	// Reason is "" when the token was accepted, else the stable reason of
	// the error (Reason(Err)).
	Reason string
	// Err is the error Verify returned, nil when accepted.
	Err error
	// Alg is the token's algorithm once it has passed the algorithm
	// policy (one of Config.Algorithms), "" when the token failed earlier.
	Alg string
	// CacheHit is true when the answer came from the verified-token cache.
	CacheHit bool
	// Duration is the time the verification took.
	Duration time.Duration
}

// trace collects what VerifyEnd reports while a verification runs; nil
// when the Verifier has no Observer, so that the hot path pays one nil
// check per field it would set.
type trace struct {
	alg      string
	cacheHit bool
}

// observed runs a verification between the Observer's calls.
func (v *Verifier[C]) observed(ctx context.Context, token string, b Binding) (*C, error) {
	o := v.s.observer
	start := time.Now()
	ctx = o.VerifyStart(ctx)
	var tr trace
	c, err := v.verifyBound(ctx, token, b, &tr)
	o.VerifyEnd(ctx, VerifyEvent{
		Reason:   Reason(err),
		Err:      err,
		Alg:      tr.alg,
		CacheHit: tr.cacheHit,
		Duration: time.Since(start),
	})
	return c, err
}
