package otelmetrics

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/jwtguard/jwtguard/metrics"
	"github.com/jwtguard/jwtguard/verify"
)

// Attribute keys.
const (
	AttrVerifier      = attribute.Key("jwtguard.verifier")
	AttrAlg           = attribute.Key("jwtguard.alg")
	AttrReason        = attribute.Key("jwtguard.reason")
	AttrOutcome       = attribute.Key("jwtguard.outcome")
	AttrCacheHit      = attribute.Key("jwtguard.cache_hit")
	AttrSource        = attribute.Key("jwtguard.source")
	AttrTrigger       = attribute.Key("jwtguard.trigger")
	AttrRefreshReason = attribute.Key("jwtguard.refresh_reason")
	AttrKeys          = attribute.Key("jwtguard.keys")
	AttrChecker       = attribute.Key("jwtguard.checker")
	AttrHandler       = attribute.Key("jwtguard.handler")
	AttrDecision      = attribute.Key("jwtguard.decision")
	AttrStatusCode    = attribute.Key("http.response.status_code")
	AttrStore         = attribute.Key("jwtguard.store")
	AttrKind          = attribute.Key("jwtguard.revocation.kind")
	AttrResult        = attribute.Key("jwtguard.result")
)

// Span names.
const (
	SpanVerify   = "jwtguard.verify"
	SpanKeyFetch = "jwtguard.key.fetch"
)

// Verifier returns the verify.Observer to put in verify.Config.Observer of
// the verifier called name (the issuer's configured name, e.g.
// "keycloak"). It records jwtguard.verifications, jwtguard.verify.duration
// and the cache hits and misses, and traces each verification in a
// "jwtguard.verify" span (see the package doc). Combine it with another
// Observer with metrics.Observers.
func (m *Metrics) Verifier(name string) verify.Observer {
	v := AttrVerifier.String(name)
	return &observer{
		m:        m,
		name:     v,
		start:    []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(v)},
		accepted: metric.WithAttributeSet(attribute.NewSet(v, AttrOutcome.String(metrics.OutcomeAccepted), AttrReason.String(""))),
		one:      metric.WithAttributeSet(attribute.NewSet(v)),
		hit:      metric.WithAttributeSet(attribute.NewSet(v, AttrCacheHit.Bool(true))),
		miss:     metric.WithAttributeSet(attribute.NewSet(v, AttrCacheHit.Bool(false))),
	}
}

// observer is one verifier's Observer; the attribute sets it uses on every
// call are built once.
type observer struct {
	m             *Metrics
	name          attribute.KeyValue
	start         []trace.SpanStartOption
	accepted, one metric.MeasurementOption
	hit, miss     metric.MeasurementOption
}

// VerifyStart implements verify.Observer: it starts the span.
func (o *observer) VerifyStart(ctx context.Context) context.Context {
	ctx, _ = o.m.tracer.Start(ctx, SpanVerify, o.start...)
	return ctx
}

// VerifyEnd implements verify.Observer: it records the metrics and ends
// the span.
func (o *observer) VerifyEnd(ctx context.Context, e verify.VerifyEvent) {
	reason := metrics.Reason(e.Reason)
	if reason == "" {
		o.m.verifications.Add(ctx, 1, o.accepted)
	} else {
		o.m.verifications.Add(ctx, 1, metric.WithAttributes(o.name,
			AttrOutcome.String(metrics.OutcomeRejected), AttrReason.String(reason)))
	}
	if e.CacheHit {
		o.m.cacheHits.Add(ctx, 1, o.one)
		o.m.verifyTime.Record(ctx, e.Duration.Seconds(), o.hit)
	} else {
		o.m.cacheMisses.Add(ctx, 1, o.one)
		o.m.verifyTime.Record(ctx, e.Duration.Seconds(), o.miss)
	}
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		span.End()
		return
	}
	attrs := make([]attribute.KeyValue, 0, 3)
	if e.Alg != "" {
		attrs = append(attrs, AttrAlg.String(e.Alg))
	}
	attrs = append(attrs, AttrCacheHit.Bool(e.CacheHit), AttrReason.String(reason))
	span.SetAttributes(attrs...)
	if reason != "" {
		span.SetStatus(codes.Error, reason)
	}
	span.End()
}
