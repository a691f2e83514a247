package prommetrics

import (
	"github.com/jwtguard/jwtguard/metrics"
	"github.com/jwtguard/jwtguard/remotecheck"
)

// RemoteCheck returns the function to put in remotecheck.Options.OnCheck
// of the checker called name (e.g. "epr"). It records
// jwtguard_remote_checks_total by outcome and reason,
// jwtguard_remote_check_duration_seconds and
// jwtguard_remote_check_attempts_total. Answers from the checker's cache
// are not calls and are not recorded.
func (m *Metrics) RemoteCheck(name string) func(remotecheck.CheckEvent) {
	accepted := newLazyCounter(m.checks, name, metrics.OutcomeAccepted, "")
	dur := newLazyHistogram(m.checkTime, name)
	attempts := newLazyCounter(m.checkAttempts, name)
	return func(e remotecheck.CheckEvent) {
		if e.Active {
			accepted.get().Inc()
		} else {
			reason := metrics.Reason(e.Reason)
			if reason == "" {
				reason = "error"
			}
			m.checks.WithLabelValues(name, metrics.OutcomeRejected, reason).Inc()
		}
		dur.get().Observe(e.Duration.Seconds())
		attempts.get().Add(float64(e.Attempts))
	}
}
