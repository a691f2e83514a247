package metrics

import (
	"context"
	"net/http"

	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/remotecheck"
	"github.com/jwtguard/jwtguard/verify"
)

// Observers returns one verify.Observer that calls each of obs in order
// (nil entries are skipped), e.g. the Prometheus adapter's for metrics and
// the OpenTelemetry adapter's for traces. VerifyStart passes each the
// context the previous one returned.
func Observers(obs ...verify.Observer) verify.Observer {
	var list multiObserver
	for _, o := range obs {
		if o != nil {
			list = append(list, o)
		}
	}
	if len(list) == 1 {
		return list[0]
	}
	return list
}

type multiObserver []verify.Observer

func (m multiObserver) VerifyStart(ctx context.Context) context.Context {
	for _, o := range m {
		ctx = o.VerifyStart(ctx)
	}
	return ctx
}

func (m multiObserver) VerifyEnd(ctx context.Context, e verify.VerifyEvent) {
	for i := len(m) - 1; i >= 0; i-- {
		m[i].VerifyEnd(ctx, e)
	}
}

// Hooks returns keysource.Hooks that call every non-nil function of each
// of hs in order.
func Hooks(hs ...keysource.Hooks) keysource.Hooks {
	var out keysource.Hooks
	for _, h := range hs {
		out.RefreshStart = chain2(out.RefreshStart, h.RefreshStart)
		out.RefreshEnd = chain1(out.RefreshEnd, h.RefreshEnd)
		out.KeysChanged = chain3(out.KeysChanged, h.KeysChanged)
		out.UnknownKID = chain2(out.UnknownKID, h.UnknownKID)
		out.CooldownRejected = chain2(out.CooldownRejected, h.CooldownRejected)
	}
	return out
}

// OnOutcome returns a middleware.Config.OnOutcome function that calls each
// non-nil one of fs in order.
func OnOutcome(fs ...func(*http.Request, middleware.Outcome)) func(*http.Request, middleware.Outcome) {
	var out func(*http.Request, middleware.Outcome)
	for _, f := range fs {
		out = chain2(out, f)
	}
	return out
}

// OnCheck returns a remotecheck.Options.OnCheck function that calls each
// non-nil one of fs in order.
func OnCheck(fs ...func(remotecheck.CheckEvent)) func(remotecheck.CheckEvent) {
	var out func(remotecheck.CheckEvent)
	for _, f := range fs {
		out = chain1(out, f)
	}
	return out
}

func chain1[A any](a, b func(A)) func(A) {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	return func(x A) { a(x); b(x) }
}

func chain2[A, B any](a, b func(A, B)) func(A, B) {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	return func(x A, y B) { a(x, y); b(x, y) }
}

func chain3[A, B, C any](a, b func(A, B, C)) func(A, B, C) {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	return func(x A, y B, z C) { a(x, y, z); b(x, y, z) }
}
