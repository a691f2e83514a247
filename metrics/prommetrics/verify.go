package prommetrics

import (
	"context"

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
		accepted: newLazyCounter(m.verifications, name, metrics.OutcomeAccepted, ""),
		hits:     newLazyCounter(m.cacheHits, name),
		misses:   newLazyCounter(m.cacheMisses, name),
		hitTime:  newLazyHistogram(m.verifyTime, name, "hit"),
		missTime: newLazyHistogram(m.verifyTime, name, "miss"),
	}
	return o
}

// observer is one verifier's Observer; the series it touches on every call
// are resolved once, on first use.
type observer struct {
	m                 *Metrics
	name              string
	accepted          *lazyCounter
	hits, misses      *lazyCounter
	hitTime, missTime *lazyHistogram
}

// VerifyStart implements verify.Observer; it changes nothing.
func (o *observer) VerifyStart(ctx context.Context) context.Context { return ctx }

// VerifyEnd implements verify.Observer.
func (o *observer) VerifyEnd(_ context.Context, e verify.VerifyEvent) {
	if e.Reason == "" {
		o.accepted.get().Inc()
	} else {
		o.m.verifications.WithLabelValues(o.name, metrics.OutcomeRejected, metrics.Reason(e.Reason)).Inc()
	}
	if e.CacheHit {
		o.hits.get().Inc()
		o.hitTime.get().Observe(e.Duration.Seconds())
	} else {
		o.misses.get().Inc()
		o.missTime.get().Observe(e.Duration.Seconds())
	}
}
