package prommetrics

import (
	"github.com/jwtguard/jwtguard/metrics"
)

// DPoP returns the function to put in dpop.Config.OnCheck of the DPoP
// checker called name (e.g. "api"). It records jwtguard_dpop_proofs_total
// by outcome (accepted, rejected) and reason ("replayed", "htu", ...).
func (m *Metrics) DPoP(name string) func(reason string) {
	accepted := newLazyCounter(m.proofs, name, metrics.OutcomeAccepted, "")
	return func(reason string) {
		if reason == "" {
			accepted.get().Inc()
			return
		}
		m.proofs.WithLabelValues(name, metrics.OutcomeRejected, metrics.Reason(reason)).Inc()
	}
}
