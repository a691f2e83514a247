package otelmetrics_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.uber.org/goleak"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/metrics/otelmetrics"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/remotecheck"
	"github.com/jwtguard/jwtguard/revocation"
	"github.com/jwtguard/jwtguard/verify"
)

const (
	testIssuer = "https://issuer.test"
	testKID    = "k1"
)

// rig is a real JWKS source and verifier wired to an in-memory span
// exporter and a manual metric reader.
type rig struct {
	spans  *tracetest.InMemoryExporter
	reader *sdkmetric.ManualReader
	m      *otelmetrics.Metrics
	src    *keysource.Remote
	v      *verify.Verifier[claims.Registered]
	tp     *sdktrace.TracerProvider
}

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{spans: tracetest.NewInMemoryExporter(), reader: sdkmetric.NewManualReader()}
	r.tp = sdktrace.NewTracerProvider(sdktrace.WithSyncer(r.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(r.reader))
	t.Cleanup(func() { _ = r.tp.Shutdown(context.Background()); _ = mp.Shutdown(context.Background()) })
	var err error
	r.m, err = otelmetrics.New(otelmetrics.Options{MeterProvider: mp, TracerProvider: r.tp})
	require.NoError(t, err)
	set := testkeys.JWKSet(t, testkeys.JWK(t, testKID, "ES256", testkeys.P256(t)))
	jwks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write(set)
	}))
	t.Cleanup(jwks.Close)
	r.src, err = keysource.NewJWKS(keysource.JWKSConfig{URL: jwks.URL, FetchConfig: keysource.FetchConfig{
		Hooks:  r.m.KeySourceHooks("idp"),
		Logger: slog.New(slog.DiscardHandler),
	}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = r.src.Close() })
	require.NoError(t, r.m.WatchKeySource("idp", r.src))
	r.v, err = verify.New(verify.Config[claims.Registered]{
		Keys:       r.src,
		Algorithms: []string{"ES256"},
		Issuers:    []string{testIssuer},
		Audiences:  []string{"api"},
		Observer:   r.m.Verifier("idp"),
	})
	require.NoError(t, err)
	return r
}

func rnd(t testing.TB) string {
	b := make([]byte, 8)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return "rnd" + hex.EncodeToString(b)
}

func sign(t testing.TB, kid, iss, sub string) string {
	now := time.Now()
	return testkeys.SignClaims(t, "ES256", testkeys.P256(t), map[string]any{"kid": kid},
		map[string]any{"iss": iss, "aud": "api", "sub": sub, "exp": now.Add(time.Hour).Unix(), "iat": now.Unix()})
}

// spansNamed returns the exported spans called name.
func spansNamed(r *rig, name string) []tracetest.SpanStub {
	var out []tracetest.SpanStub
	for _, s := range r.spans.GetSpans() {
		if s.Name == name {
			out = append(out, s)
		}
	}
	return out
}

func attrs(s tracetest.SpanStub) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes {
		m[kv.Key] = kv.Value
	}
	return m
}

func TestVerifySpans(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	r := newRig(t)
	sub, iss, kid := rnd(t), rnd(t), rnd(t)
	good := sign(t, testKID, testIssuer, sub)

	// A verification inside a request's span is its child.
	ctx, parent := r.tp.Tracer("test").Start(context.Background(), "GET /api")
	_, err := r.v.Verify(ctx, good)
	require.NoError(t, err)
	_, err = r.v.Verify(ctx, good) // the cache admits it now
	require.NoError(t, err)
	_, err = r.v.Verify(ctx, good) // a cache hit
	require.NoError(t, err)
	parent.End()
	// Without a request span, a root span.
	_, err = r.v.Verify(context.Background(), sign(t, testKID, iss, sub))
	require.ErrorIs(t, err, verify.ErrIssuer)
	_, err = r.v.Verify(context.Background(), sign(t, kid, iss, sub))
	require.ErrorIs(t, err, verify.ErrUnknownKey)
	_, err = r.v.Verify(context.Background(), "not.a.token")
	require.ErrorIs(t, err, verify.ErrMalformed)

	spans := spansNamed(r, otelmetrics.SpanVerify)
	require.Len(t, spans, 6)
	tests := []struct {
		name     string
		span     tracetest.SpanStub
		child    bool
		alg      string
		reason   string
		cacheHit bool
	}{
		{name: "accepted", span: spans[0], child: true, alg: "ES256"},
		{name: "accepted again", span: spans[1], child: true, alg: "ES256"},
		{name: "cache hit", span: spans[2], child: true, alg: "ES256", cacheHit: true},
		{name: "wrong issuer", span: spans[3], alg: "ES256", reason: verify.ReasonIssuer},
		{name: "unknown kid", span: spans[4], alg: "ES256", reason: verify.ReasonUnknownKey},
		{name: "malformed", span: spans[5], reason: verify.ReasonMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.span
			if tt.child {
				require.Equal(t, parent.SpanContext().SpanID(), s.Parent.SpanID())
				require.Equal(t, parent.SpanContext().TraceID(), s.SpanContext.TraceID())
			} else {
				require.False(t, s.Parent.IsValid(), "a root span")
			}
			a := attrs(s)
			require.Equal(t, "idp", a[otelmetrics.AttrVerifier].AsString())
			require.Equal(t, tt.alg, a[otelmetrics.AttrAlg].AsString())
			require.Equal(t, tt.reason, a[otelmetrics.AttrReason].AsString())
			require.Equal(t, tt.cacheHit, a[otelmetrics.AttrCacheHit].AsBool())
			if tt.reason == "" {
				require.Equal(t, codes.Unset, s.Status.Code)
			} else {
				require.Equal(t, codes.Error, s.Status.Code)
				require.Equal(t, tt.reason, s.Status.Description)
			}
			// Nothing from the token beyond those attributes.
			require.Len(t, a, map[bool]int{true: 4, false: 3}[tt.alg != ""])
			require.Empty(t, s.Events)
			for _, kv := range s.Attributes {
				require.NotContains(t, kv.Value.String(), "rnd")
			}
		})
	}
}

func TestFetchSpans(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	r := newRig(t)
	ctx, parent := r.tp.Tracer("test").Start(context.Background(), "GET /api")
	_, err := r.v.Verify(ctx, sign(t, testKID, testIssuer, "alice")) // first fetch
	require.NoError(t, err)
	_, err = r.v.Verify(ctx, sign(t, rnd(t), testIssuer, "alice")) // unknown kid: a refresh
	require.ErrorIs(t, err, verify.ErrUnknownKey)
	parent.End()
	// The hooks run after the fetch released its waiters.
	require.Eventually(t, func() bool { return len(spansNamed(r, otelmetrics.SpanKeyFetch)) == 2 }, 5*time.Second, time.Millisecond)

	fetches := spansNamed(r, otelmetrics.SpanKeyFetch)
	for i, trigger := range []string{"first", "unknown_kid"} {
		s := fetches[i]
		require.False(t, s.Parent.IsValid(), "a fetch span is a root span")
		a := attrs(s)
		require.Equal(t, "idp", a[otelmetrics.AttrSource].AsString())
		require.Equal(t, trigger, a[otelmetrics.AttrTrigger].AsString())
		require.Equal(t, int64(1), a[otelmetrics.AttrKeys].AsInt64())
		require.Equal(t, codes.Unset, s.Status.Code)
		for _, kv := range s.Attributes {
			require.NotContains(t, kv.Value.String(), "http", "no URL in a fetch span's attributes")
		}
	}
	require.Equal(t, "updated", attrs(fetches[0])[otelmetrics.AttrOutcome].AsString())
	require.Len(t, fetches[0].Events, 1, "keys changed")
	require.Equal(t, "unchanged", attrs(fetches[1])[otelmetrics.AttrOutcome].AsString())
}

// collect gathers the metrics as name -> data.
func collect(t *testing.T, reader *sdkmetric.ManualReader) map[string]metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(context.Background(), &rm))
	out := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			out[m.Name] = m
		}
	}
	return out
}

// sum returns the value of the data point of a counter or gauge whose
// attributes include all of want; histograms give their count.
func sum(t *testing.T, m metricdata.Metrics, want ...attribute.KeyValue) float64 {
	t.Helper()
	match := func(set attribute.Set) bool {
		for _, kv := range want {
			v, ok := set.Value(kv.Key)
			if !ok || v != kv.Value {
				return false
			}
		}
		return true
	}
	total, found := 0.0, false
	switch d := m.Data.(type) {
	case metricdata.Sum[int64]:
		for _, p := range d.DataPoints {
			if match(p.Attributes) {
				total, found = total+float64(p.Value), true
			}
		}
	case metricdata.Gauge[int64]:
		for _, p := range d.DataPoints {
			if match(p.Attributes) {
				total, found = total+float64(p.Value), true
			}
		}
	case metricdata.Gauge[float64]:
		for _, p := range d.DataPoints {
			if match(p.Attributes) {
				total, found = total+p.Value, true
			}
		}
	case metricdata.Histogram[float64]:
		for _, p := range d.DataPoints {
			if match(p.Attributes) {
				total, found = total+float64(p.Count), true
			}
		}
	default:
		t.Fatalf("%s: unexpected data %T", m.Name, m.Data)
	}
	require.True(t, found, "%s: no point with %v", m.Name, want)
	return total
}

type revStore struct{ st revocation.Status }

func (s *revStore) Status() revocation.Status { return s.st }

func TestMetrics(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	r := newRig(t)
	good := sign(t, testKID, testIssuer, "alice")
	for range 3 { // the cache admits a token at its second verification
		_, err := r.v.Verify(context.Background(), good)
		require.NoError(t, err)
	}
	_, err := r.v.Verify(context.Background(), "a.b.c")
	require.Error(t, err)
	require.Eventually(t, func() bool {
		m, ok := collect(t, r.reader)["jwtguard.key.fetches"]
		return ok && sum(t, m) == 1
	}, 5*time.Second, time.Millisecond)

	mw := r.m.Middleware("api")
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	mw(req, middleware.Outcome{Decision: middleware.Allowed})
	mw(req, middleware.Outcome{Decision: middleware.Denied, Status: 401, Reason: "a reason made up by a validator"})
	check := r.m.RemoteCheck("epr")
	check(remotecheck.CheckEvent{Attempts: 2, Duration: time.Second, Reason: remotecheck.ReasonInactive})
	require.NoError(t, r.m.WatchRevocation("mem", &revStore{revocation.Status{InSync: true, Entries: 4}}))
	onRevoke, onFull := r.m.Revocations("mem")
	onRevoke(revocation.Entry{Kind: revocation.KindSession, Issuer: "https://issuer.test", Value: "sid-secret"})
	onFull(revocation.Entry{Kind: revocation.Kind(99)})
	proofs := r.m.DPoP("api")
	proofs("")
	proofs("replayed")
	require.Error(t, r.m.WatchRevocation("mem", &revStore{}))
	require.Error(t, r.m.WatchKeySource("idp", r.src))

	got := collect(t, r.reader)
	verifier, source := otelmetrics.AttrVerifier.String("idp"), otelmetrics.AttrSource.String("idp")
	tests := []struct {
		name   string
		metric string
		unit   string
		attrs  []attribute.KeyValue
		want   float64
	}{
		{name: "accepted", metric: "jwtguard.verifications", unit: "{verification}", attrs: []attribute.KeyValue{verifier, otelmetrics.AttrOutcome.String("accepted")}, want: 3},
		{name: "malformed", metric: "jwtguard.verifications", unit: "{verification}", attrs: []attribute.KeyValue{verifier, otelmetrics.AttrReason.String("malformed")}, want: 1},
		{name: "latency", metric: "jwtguard.verify.duration", unit: "s", attrs: []attribute.KeyValue{verifier}, want: 4},
		{name: "hits", metric: "jwtguard.verify.cache.hits", unit: "{verification}", attrs: []attribute.KeyValue{verifier}, want: 1},
		{name: "misses", metric: "jwtguard.verify.cache.misses", unit: "{verification}", attrs: []attribute.KeyValue{verifier}, want: 3},
		{name: "fetches", metric: "jwtguard.key.fetches", unit: "{fetch}", attrs: []attribute.KeyValue{source, otelmetrics.AttrTrigger.String("first"), otelmetrics.AttrOutcome.String("updated")}, want: 1},
		{name: "fetch latency", metric: "jwtguard.key.fetch.duration", unit: "s", attrs: []attribute.KeyValue{source}, want: 1},
		{name: "keys added", metric: "jwtguard.keys.added", unit: "{key}", attrs: []attribute.KeyValue{source}, want: 1},
		{name: "keys served", metric: "jwtguard.keys.served", unit: "{key}", attrs: []attribute.KeyValue{source}, want: 1},
		{name: "keys stale", metric: "jwtguard.keys.stale", unit: "1", attrs: []attribute.KeyValue{source}, want: 0},
		{name: "fetch failures", metric: "jwtguard.key.fetch.consecutive_failures", unit: "{fetch}", attrs: []attribute.KeyValue{source}, want: 0},
		{name: "allowed", metric: "jwtguard.http.decisions", unit: "{request}", attrs: []attribute.KeyValue{otelmetrics.AttrDecision.String("allowed")}, want: 1},
		{name: "denied, reason mapped", metric: "jwtguard.http.decisions", unit: "{request}", attrs: []attribute.KeyValue{otelmetrics.AttrStatusCode.Int(401), otelmetrics.AttrReason.String("other")}, want: 1},
		{name: "remote check", metric: "jwtguard.remote_checks", unit: "{check}", attrs: []attribute.KeyValue{otelmetrics.AttrReason.String("inactive")}, want: 1},
		{name: "remote check attempts", metric: "jwtguard.remote_check.attempts", unit: "{request}", want: 2},
		{name: "remote check latency", metric: "jwtguard.remote_check.duration", unit: "s", want: 1},
		{name: "revocation entries", metric: "jwtguard.revocation.entries", unit: "{entry}", attrs: []attribute.KeyValue{otelmetrics.AttrStore.String("mem")}, want: 4},
		{name: "revocation in sync", metric: "jwtguard.revocation.in_sync", unit: "1", want: 1},
		{name: "revocation lag", metric: "jwtguard.revocation.sync_lag", unit: "s", want: 0},
		{name: "revoked session", metric: "jwtguard.revocations", unit: "{revocation}", attrs: []attribute.KeyValue{otelmetrics.AttrKind.String("session"), otelmetrics.AttrResult.String("stored")}, want: 1},
		{name: "refused, kind mapped", metric: "jwtguard.revocations", unit: "{revocation}", attrs: []attribute.KeyValue{otelmetrics.AttrKind.String("other"), otelmetrics.AttrResult.String("full")}, want: 1},
		{name: "proof accepted", metric: "jwtguard.dpop.proofs", unit: "{proof}", attrs: []attribute.KeyValue{otelmetrics.AttrOutcome.String("accepted")}, want: 1},
		{name: "proof replayed", metric: "jwtguard.dpop.proofs", unit: "{proof}", attrs: []attribute.KeyValue{otelmetrics.AttrReason.String("replayed")}, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := got[tt.metric]
			require.True(t, ok, "no metric %s", tt.metric)
			require.Equal(t, tt.unit, m.Unit)
			require.Equal(t, tt.want, sum(t, m, tt.attrs...))
		})
	}
	age := got["jwtguard.keys.age"].Data.(metricdata.Gauge[float64]).DataPoints
	require.Len(t, age, 1)
	require.Less(t, age[0].Value, 60.0)
	for name := range got {
		require.True(t, strings.HasPrefix(name, "jwtguard."), name)
	}
}
