package otelmetrics

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of the meter and the tracer.
const ScopeName = "github.com/jwtguard/jwtguard"

// DefaultVerifyBuckets are the bucket boundaries of
// jwtguard.verify.duration, in seconds: from a cache hit (microseconds) to
// a verification that waited for a key fetch.
var DefaultVerifyBuckets = []float64{
	.000005, .00001, .000025, .00005, .0001, .00025, .0005,
	.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5,
}

// DefaultNetworkBuckets are the bucket boundaries of
// jwtguard.key.fetch.duration and jwtguard.remote_check.duration, in
// seconds.
var DefaultNetworkBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// Options configures Metrics. The zero value uses the global providers.
type Options struct {
	// MeterProvider gives the meter. If nil, otel.GetMeterProvider().
	MeterProvider metric.MeterProvider
	// TracerProvider gives the tracer. If nil, otel.GetTracerProvider().
	TracerProvider trace.TracerProvider
	// VerifyBuckets are the boundaries of jwtguard.verify.duration. If nil,
	// DefaultVerifyBuckets.
	VerifyBuckets []float64
	// NetworkBuckets are the boundaries of jwtguard.key.fetch.duration and
	// jwtguard.remote_check.duration. If nil, DefaultNetworkBuckets.
	NetworkBuckets []float64
	// Now returns the current time, for jwtguard.keys.age. If nil,
	// time.Now.
	Now func() time.Time
}

// Metrics records jwtguard's metrics and spans. Build it with New; its
// methods are safe for concurrent use.
type Metrics struct {
	now    func() time.Time
	tracer trace.Tracer

	verifications metric.Int64Counter
	verifyTime    metric.Float64Histogram
	cacheHits     metric.Int64Counter
	cacheMisses   metric.Int64Counter

	fetches     metric.Int64Counter
	fetchTime   metric.Float64Histogram
	unknownKID  metric.Int64Counter
	cooldown    metric.Int64Counter
	keysAdded   metric.Int64Counter
	keysRemoved metric.Int64Counter

	keysServed    metric.Int64ObservableGauge
	keysAge       metric.Float64ObservableGauge
	keysStale     metric.Int64ObservableGauge
	fetchFailures metric.Int64ObservableGauge

	checks        metric.Int64Counter
	checkTime     metric.Float64Histogram
	checkAttempts metric.Int64Counter

	decisions metric.Int64Counter

	revocations metric.Int64Counter
	proofs      metric.Int64Counter

	revEntries metric.Int64ObservableGauge
	revLag     metric.Float64ObservableGauge
	revInSync  metric.Int64ObservableGauge

	mu      sync.Mutex
	sources []watchedSource
	stores  []watchedStore
	names   map[string]bool
}

// New creates the instruments and returns Metrics.
func New(opts Options) (*Metrics, error) {
	mp, tp := opts.MeterProvider, opts.TracerProvider
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	vb, nb := opts.VerifyBuckets, opts.NetworkBuckets
	if vb == nil {
		vb = DefaultVerifyBuckets
	}
	if nb == nil {
		nb = DefaultNetworkBuckets
	}
	m := &Metrics{now: opts.Now, tracer: tp.Tracer(ScopeName), names: map[string]bool{}}
	if m.now == nil {
		m.now = time.Now
	}
	meter := mp.Meter(ScopeName)
	var errs []error
	counter := func(name, unit, desc string) metric.Int64Counter {
		c, err := meter.Int64Counter(name, metric.WithUnit(unit), metric.WithDescription(desc))
		errs = append(errs, err)
		return c
	}
	histogram := func(name, desc string, buckets []float64) metric.Float64Histogram {
		h, err := meter.Float64Histogram(name, metric.WithUnit("s"), metric.WithDescription(desc),
			metric.WithExplicitBucketBoundaries(buckets...))
		errs = append(errs, err)
		return h
	}
	igauge := func(name, unit, desc string) metric.Int64ObservableGauge {
		g, err := meter.Int64ObservableGauge(name, metric.WithUnit(unit), metric.WithDescription(desc))
		errs = append(errs, err)
		return g
	}
	fgauge := func(name, unit, desc string) metric.Float64ObservableGauge {
		g, err := meter.Float64ObservableGauge(name, metric.WithUnit(unit), metric.WithDescription(desc))
		errs = append(errs, err)
		return g
	}
	m.verifications = counter("jwtguard.verifications", "{verification}", "Token verifications by outcome and reason.")
	m.verifyTime = histogram("jwtguard.verify.duration", "Time a token verification took.", vb)
	m.cacheHits = counter("jwtguard.verify.cache.hits", "{verification}", "Verifications answered from the verified-token cache.")
	m.cacheMisses = counter("jwtguard.verify.cache.misses", "{verification}", "Verifications not answered from the verified-token cache.")
	m.fetches = counter("jwtguard.key.fetches", "{fetch}", "Key fetches by trigger and outcome.")
	m.fetchTime = histogram("jwtguard.key.fetch.duration", "Time a key fetch took.", nb)
	m.unknownKID = counter("jwtguard.key.unknown_kid_refreshes", "{refresh}", "Refreshes asked for by a token whose kid is not in the key set.")
	m.cooldown = counter("jwtguard.key.refresh.cooldown_refusals", "{refresh}", "On-demand key refreshes refused during the cooldown.")
	m.keysAdded = counter("jwtguard.keys.added", "{key}", "Keys that appeared in a fetched key set.")
	m.keysRemoved = counter("jwtguard.keys.removed", "{key}", "Keys that left a fetched key set.")
	m.keysServed = igauge("jwtguard.keys.served", "{key}", "Keys the source serves now.")
	m.keysAge = fgauge("jwtguard.keys.age", "s", "Time since the source's last successful key fetch.")
	m.keysStale = igauge("jwtguard.keys.stale", "1", "1 when the source serves no keys: none fetched yet, or the last ones are older than MaxStale.")
	m.fetchFailures = igauge("jwtguard.key.fetch.consecutive_failures", "{fetch}", "Key fetches that failed since the last success.")
	m.checks = counter("jwtguard.remote_checks", "{check}", "Tokens checked by their issuer, by outcome and reason.")
	m.checkTime = histogram("jwtguard.remote_check.duration", "Time a remote token check took, retries included.", nb)
	m.checkAttempts = counter("jwtguard.remote_check.attempts", "{request}", "Requests sent to an issuer to check tokens.")
	m.decisions = counter("jwtguard.http.decisions", "{request}", "Middleware decisions by status and reason.")
	m.revocations = counter("jwtguard.revocations", "{revocation}", "Revocations a store was asked to keep, by kind and result (stored, or refused because full).")
	m.proofs = counter("jwtguard.dpop.proofs", "{proof}", "DPoP proofs checked, by outcome and reason.")
	m.revEntries = igauge("jwtguard.revocation.entries", "{entry}", "Revocation entries in force.")
	m.revLag = fgauge("jwtguard.revocation.sync_lag", "s", "How long the store's local copy has not been confirmed in sync with the shared state.")
	m.revInSync = igauge("jwtguard.revocation.in_sync", "1", "1 when the store's local copy follows the shared state.")
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if _, err := meter.RegisterCallback(m.observe, m.keysServed, m.keysAge, m.keysStale, m.fetchFailures,
		m.revEntries, m.revLag, m.revInSync); err != nil {
		return nil, err
	}
	return m, nil
}

// observe reports the watched sources and stores.
func (m *Metrics) observe(_ context.Context, o metric.Observer) error {
	m.mu.Lock()
	sources := append([]watchedSource(nil), m.sources...)
	stores := append([]watchedStore(nil), m.stores...)
	m.mu.Unlock()
	now := m.now()
	for _, s := range sources {
		s.observe(m, o, now)
	}
	for _, s := range stores {
		s.observe(m, o)
	}
	return nil
}

// watch records a name of a kind once; false when it is taken.
func (m *Metrics) watch(kind, name string, f func()) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.names[kind+"/"+name] {
		return false
	}
	m.names[kind+"/"+name] = true
	f()
	return true
}

func bool01(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
