package otelmetrics

import (
	"context"
	"fmt"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/jwtguard/jwtguard/keysource"
)

// KeySourceHooks returns the hooks to put in the keysource.FetchConfig of
// the remote source called name; give each source its own. They record
// jwtguard.key.fetches, jwtguard.key.fetch.duration, the unknown-kid
// refreshes, the cooldown refusals and the keys added and removed, all
// with the attribute jwtguard.source = name (never the source's URL, never
// a kid), and trace each fetch in a root span "jwtguard.key.fetch" (see the
// package doc). Combine them with other hooks with metrics.Hooks.
func (m *Metrics) KeySourceHooks(name string) keysource.Hooks {
	src := AttrSource.String(name)
	one := metric.WithAttributeSet(attribute.NewSet(src))
	f := &fetchSpans{m: m, src: src}
	ctx := context.Background()
	return keysource.Hooks{
		RefreshStart: f.start,
		RefreshEnd: func(e keysource.RefreshEvent) {
			m.fetches.Add(ctx, 1, metric.WithAttributes(src,
				AttrTrigger.String(e.Trigger.String()), AttrOutcome.String(e.Outcome.String())))
			m.fetchTime.Record(ctx, e.Duration.Seconds(), one)
			f.end(e)
		},
		KeysChanged: func(_ string, added, removed []*keysource.Key) {
			m.keysAdded.Add(ctx, int64(len(added)), one)
			m.keysRemoved.Add(ctx, int64(len(removed)), one)
			f.event("keys changed", attribute.Int("jwtguard.keys.added", len(added)), attribute.Int("jwtguard.keys.removed", len(removed)))
		},
		UnknownKID: func(string, string) { m.unknownKID.Add(ctx, 1, one) },
		CooldownRejected: func(_ string, r keysource.RefreshReason) {
			m.cooldown.Add(ctx, 1, metric.WithAttributes(src, AttrRefreshReason.String(r.String())))
		},
	}
}

// fetchSpans holds the span of the fetch in progress of one source. A
// source runs one fetch at a time, on its refresh goroutine.
type fetchSpans struct {
	m    *Metrics
	src  attribute.KeyValue
	mu   sync.Mutex
	span trace.Span
}

func (f *fetchSpans) start(_ string, t keysource.Trigger) {
	_, span := f.m.tracer.Start(context.Background(), SpanKeyFetch, trace.WithNewRoot(),
		trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(f.src, AttrTrigger.String(t.String())))
	f.mu.Lock()
	prev := f.span
	f.span = span
	f.mu.Unlock()
	if prev != nil {
		// The source dropped the previous fetch's report (Close cancelled
		// it): end its span anyway.
		prev.SetStatus(codes.Error, "discarded")
		prev.End()
	}
}

func (f *fetchSpans) event(name string, attrs ...attribute.KeyValue) {
	f.mu.Lock()
	span := f.span
	f.mu.Unlock()
	if span != nil {
		span.AddEvent(name, trace.WithAttributes(attrs...))
	}
}

func (f *fetchSpans) end(e keysource.RefreshEvent) {
	f.mu.Lock()
	span := f.span
	f.span = nil
	f.mu.Unlock()
	if span == nil {
		return
	}
	span.SetAttributes(AttrOutcome.String(e.Outcome.String()), AttrKeys.Int(e.Keys))
	if e.Err != nil {
		// A fetch error names the source's URL and what the server said,
		// never anything a token carried.
		span.RecordError(e.Err)
		span.SetStatus(codes.Error, e.Outcome.String())
	}
	span.End()
}

// StatusSource is a key source that reports its state: *keysource.Remote,
// and *keysource.OIDC through it.
type StatusSource interface {
	Status() keysource.Status
}

// WatchKeySource reports src's state at every collection, with the
// attribute jwtguard.source = name: jwtguard.keys.served, jwtguard.keys.age
// (absent before the first successful fetch), jwtguard.keys.stale and
// jwtguard.key.fetch.consecutive_failures. It fails when name is watched
// already.
func (m *Metrics) WatchKeySource(name string, src StatusSource) error {
	if src == nil {
		return fmt.Errorf("otelmetrics: WatchKeySource(%q): nil source", name)
	}
	w := watchedSource{src: src, attrs: metric.WithAttributeSet(attribute.NewSet(AttrSource.String(name)))}
	if !m.watch("source", name, func() { m.sources = append(m.sources, w) }) {
		return fmt.Errorf("otelmetrics: key source %q is watched already", name)
	}
	return nil
}

type watchedSource struct {
	src   StatusSource
	attrs metric.ObserveOption
}

func (w watchedSource) observe(m *Metrics, o metric.Observer, now time.Time) {
	st := w.src.Status()
	o.ObserveInt64(m.keysServed, int64(st.Keys), w.attrs)
	if !st.LastSuccess.IsZero() {
		o.ObserveFloat64(m.keysAge, max(0, now.Sub(st.LastSuccess).Seconds()), w.attrs)
	}
	o.ObserveInt64(m.keysStale, bool01(!st.Serving), w.attrs)
	o.ObserveInt64(m.fetchFailures, int64(st.ConsecutiveFailures), w.attrs)
}
