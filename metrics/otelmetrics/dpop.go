package otelmetrics

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/jwtguard/jwtguard/metrics"
)

// DPoP returns the function to put in dpop.Config.OnCheck of the DPoP
// checker called name (e.g. "api"). It records jwtguard.dpop.proofs by
// jwtguard.outcome and jwtguard.reason.
func (m *Metrics) DPoP(name string) func(reason string) {
	c := AttrChecker.String(name)
	accepted := metric.WithAttributeSet(attribute.NewSet(c, AttrOutcome.String(metrics.OutcomeAccepted), AttrReason.String("")))
	ctx := context.Background()
	return func(reason string) {
		if reason == "" {
			m.proofs.Add(ctx, 1, accepted)
			return
		}
		m.proofs.Add(ctx, 1, metric.WithAttributes(c, AttrOutcome.String(metrics.OutcomeRejected), AttrReason.String(metrics.Reason(reason))))
	}
}
