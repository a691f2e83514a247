package metrics_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/metrics"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/revocation"
	"github.com/jwtguard/jwtguard/verify"
)

func TestReason(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "accepted", in: "", want: ""},
		{name: "verify reason", in: verify.ReasonExpired, want: verify.ReasonExpired},
		{name: "middleware reason", in: middleware.ReasonNoToken, want: middleware.ReasonNoToken},
		{name: "middleware DPoP reason", in: middleware.ReasonDPoPRequired, want: middleware.ReasonDPoPRequired},
		{name: "middleware reason of a refused proof", in: "dpop_replayed", want: "dpop_replayed"},
		{name: "middleware reason of a missing nonce", in: middleware.DPoPReason("use_dpop_nonce"), want: "use_dpop_nonce"},
		{name: "client certificate", in: middleware.ReasonClientCert, want: middleware.ReasonClientCert},
		{name: "remotecheck reason", in: "check_unavailable", want: "check_unavailable"},
		{name: "error without reason", in: "error", want: "error"},
		{name: "made-up reason", in: "account 118466 not allowed", want: metrics.ReasonOther},
		{name: "case differs", in: "Expired", want: metrics.ReasonOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, metrics.Reason(tt.in))
		})
	}
}

func TestStatus(t *testing.T) {
	tests := []struct {
		name string
		in   int
		want string
	}{
		{name: "let through", in: 0, want: ""},
		{name: "401", in: 401, want: "401"},
		{name: "503", in: 503, want: "503"},
		{name: "out of range", in: 1234, want: metrics.ReasonOther},
		{name: "negative", in: -1, want: metrics.ReasonOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, metrics.Status(tt.in))
		})
	}
}

// recorder is an Observer that notes its calls.
type recorder struct {
	t     *testing.T
	name  string
	calls *[]string
}

type ctxKey string

func (r recorder) VerifyStart(ctx context.Context) context.Context {
	*r.calls = append(*r.calls, "start "+r.name)
	return context.WithValue(ctx, ctxKey(r.name), true)
}

func (r recorder) VerifyEnd(ctx context.Context, e verify.VerifyEvent) {
	_, a := ctx.Value(ctxKey("a")).(bool)
	_, b := ctx.Value(ctxKey("b")).(bool)
	require.True(r.t, a && b, "VerifyEnd gets the context both VerifyStarts built")
	*r.calls = append(*r.calls, "end "+r.name+" "+e.Reason)
}

func TestCombinators(t *testing.T) {
	t.Run("observers nest", func(t *testing.T) {
		var calls []string
		o := metrics.Observers(recorder{t, "a", &calls}, nil, recorder{t, "b", &calls})
		ctx := o.VerifyStart(context.Background())
		o.VerifyEnd(ctx, verify.VerifyEvent{Reason: "expired"})
		require.Equal(t, []string{"start a", "start b", "end b expired", "end a expired"}, calls)
	})
	t.Run("one observer is itself", func(t *testing.T) {
		var calls []string
		r := recorder{t, "a", &calls}
		require.Equal(t, verify.Observer(r), metrics.Observers(nil, r))
	})
	t.Run("hooks chain", func(t *testing.T) {
		var calls []string
		h := metrics.Hooks(
			keysource.Hooks{UnknownKID: func(s, _ string) { calls = append(calls, "1 "+s) }},
			keysource.Hooks{},
			keysource.Hooks{UnknownKID: func(s, _ string) { calls = append(calls, "2 "+s) },
				RefreshEnd: func(e keysource.RefreshEvent) { calls = append(calls, "end "+e.Source) }},
		)
		h.UnknownKID("src", "kid")
		h.RefreshEnd(keysource.RefreshEvent{Source: "src"})
		require.Nil(t, h.RefreshStart)
		require.Equal(t, []string{"1 src", "2 src", "end src"}, calls)
	})
	t.Run("outcomes chain", func(t *testing.T) {
		n := 0
		f := metrics.OnOutcome(nil, func(*http.Request, middleware.Outcome) { n++ }, func(*http.Request, middleware.Outcome) { n += 10 })
		f(nil, middleware.Outcome{})
		require.Equal(t, 11, n)
	})
}

func TestKind(t *testing.T) {
	tests := []struct {
		name string
		in   revocation.Kind
		want string
	}{
		{name: "session", in: revocation.KindSession, want: "session"},
		{name: "issuer", in: revocation.KindIssuer, want: "issuer"},
		{name: "unknown", in: revocation.Kind(77), want: metrics.ReasonOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, metrics.Kind(tt.in))
		})
	}
	require.Equal(t, dpop.ReasonReplayed, metrics.Reason(dpop.ReasonReplayed))
}
