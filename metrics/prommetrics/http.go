package prommetrics

import (
	"net/http"

	"github.com/jwtguard/jwtguard/metrics"
	"github.com/jwtguard/jwtguard/middleware"
)

// Middleware returns the function to put in middleware.Config.OnOutcome of
// the middleware called name (e.g. "api"). It records
// jwtguard_http_decisions_total by decision, status and reason; an allowed
// request has status and reason "". Combine it with another OnOutcome with
// metrics.OnOutcome.
func (m *Metrics) Middleware(name string) func(*http.Request, middleware.Outcome) {
	allowed := newLazyCounter(m.decisions, name, middleware.Allowed.String(), "", "")
	return func(_ *http.Request, o middleware.Outcome) {
		if o.Decision == middleware.Allowed && o.Status == 0 && o.Reason == "" {
			allowed.get().Inc()
			return
		}
		m.decisions.WithLabelValues(name, o.Decision.String(), metrics.Status(o.Status), metrics.Reason(o.Reason)).Inc()
	}
}
