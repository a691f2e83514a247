package otelmetrics

import (
	"context"
	"net/http"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/jwtguard/jwtguard/metrics"
	"github.com/jwtguard/jwtguard/middleware"
)

// Middleware returns the function to put in middleware.Config.OnOutcome of
// the middleware called name (e.g. "api"). It records
// jwtguard.http.decisions by decision, status (http.response.status_code,
// absent for a request let through) and reason. Combine it with another
// OnOutcome with metrics.OnOutcome.
func (m *Metrics) Middleware(name string) func(*http.Request, middleware.Outcome) {
	h := AttrHandler.String(name)
	return func(r *http.Request, o middleware.Outcome) {
		attrs := []attribute.KeyValue{h, AttrDecision.String(o.Decision.String()), AttrReason.String(metrics.Reason(o.Reason))}
		if s := metrics.Status(o.Status); s != "" && s != metrics.ReasonOther {
			attrs = append(attrs, AttrStatusCode.Int(o.Status))
		}
		ctx := context.Background()
		if r != nil {
			ctx = r.Context()
		}
		m.decisions.Add(ctx, 1, metric.WithAttributes(attrs...))
	}
}
