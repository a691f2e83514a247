package prommetrics

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/jwtguard/jwtguard/metrics"
	"github.com/jwtguard/jwtguard/verify"
)

// Verifier returns the verify.Observer to put in verify.Config.Observer of
// the verifier called name (a fixed name such as "keycloak"). It records
// jwtguard_verifications_total, jwtguard_verify_duration_seconds and the
// cache hits and misses.
func (m *Metrics) Verifier(name string) verify.Observer {
	o := &observer{
		m:        m,
		name:     name,
		accepted: m.verifications.WithLabelValues(name, metrics.OutcomeAccepted, ""),
		hits:     m.cacheHits.WithLabelValues(name),
		misses:   m.cacheMisses.WithLabelValues(name),
		hitTime:  m.verifyTime.WithLabelValues(name, "hit"),
		missTime: m.verifyTime.WithLabelValues(name, "miss"),
	}
	return o
}

// observer is one verifier's Observer; the series it touches on every call
// are resolved once.
type observer struct {
	m                 *Metrics
	name              string
	accepted          prometheus.Counter
	hits, misses      prometheus.Counter
	hitTime, missTime prometheus.Observer
}

// VerifyStart implements verify.Observer; it changes nothing.
func (o *observer) VerifyStart(ctx context.Context) context.Context { return ctx }

// VerifyEnd implements verify.Observer.
func (o *observer) VerifyEnd(_ context.Context, e verify.VerifyEvent) {
	if e.Reason == "" {
		o.accepted.Inc()
	} else {
		o.m.verifications.WithLabelValues(o.name, metrics.OutcomeRejected, metrics.Reason(e.Reason)).Inc()
	}
	if e.CacheHit {
		o.hits.Inc()
		o.hitTime.Observe(e.Duration.Seconds())
	} else {
		o.misses.Inc()
		o.missTime.Observe(e.Duration.Seconds())
	}
}
