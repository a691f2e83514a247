package otelmetrics

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/jwtguard/jwtguard/metrics"
	"github.com/jwtguard/jwtguard/remotecheck"
)

// RemoteCheck returns the function to put in remotecheck.Options.OnCheck
// of the checker called name (e.g. "epr"). It records
// jwtguard.remote_checks by outcome and reason,
// jwtguard.remote_check.duration and jwtguard.remote_check.attempts.
// Answers from the checker's cache are not recorded.
func (m *Metrics) RemoteCheck(name string) func(remotecheck.CheckEvent) {
	c := AttrChecker.String(name)
	one := metric.WithAttributeSet(attribute.NewSet(c))
	accepted := metric.WithAttributeSet(attribute.NewSet(c, AttrOutcome.String(metrics.OutcomeAccepted), AttrReason.String("")))
	ctx := context.Background()
	return func(e remotecheck.CheckEvent) {
		if e.Active {
			m.checks.Add(ctx, 1, accepted)
		} else {
			reason := metrics.Reason(e.Reason)
			if reason == "" {
				reason = "error"
			}
			m.checks.Add(ctx, 1, metric.WithAttributes(c, AttrOutcome.String(metrics.OutcomeRejected), AttrReason.String(reason)))
		}
		m.checkTime.Record(ctx, e.Duration.Seconds(), one)
		m.checkAttempts.Add(ctx, int64(e.Attempts), one)
	}
}
