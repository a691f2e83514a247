package keysource

import "time"

// Status describes a remote source for health endpoints and diagnostics.
type Status struct {
	// Source is the source's name: its URL, or the issuer of an OIDC source.
	Source string
	// Serving reports whether Keys answers with keys now: a fetch has
	// succeeded and the keys are not older than MaxStale.
	Serving bool
	// KeyIDs lists the kids of the served keys (keys without kid are
	// counted in Keys only).
	KeyIDs []string
	// Keys is the number of served keys.
	Keys int
	// LastSuccess is when a fetch last succeeded (a 304 counts); zero if
	// none has.
	LastSuccess time.Time
	// LastAttempt is when the last fetch ended; zero if none has.
	LastAttempt time.Time
	// LastError is the error of the last fetch, nil when it succeeded.
	LastError error
	// ConsecutiveFailures counts the fetches that failed since the last
	// success.
	ConsecutiveFailures int
	// NextRefresh is when the next background fetch is due; zero before the
	// first fetch ends, and after Close.
	NextRefresh time.Time
	// StaleAt is when the served keys stop being served unless a fetch
	// succeeds first (LastSuccess + MaxStale); zero without keys.
	StaleAt time.Time
}

// Status returns the source's state. It takes no lock.
func (r *Remote) Status() Status {
	s := r.state.Load()
	st := Status{
		Source:              r.name,
		LastSuccess:         s.lastSuccess,
		LastAttempt:         s.lastAttempt,
		LastError:           s.lastErr,
		ConsecutiveFailures: s.failures,
		NextRefresh:         s.nextRefresh,
	}
	if s.set != nil {
		st.KeyIDs = s.set.KeyIDs()
		st.Keys = s.set.Len()
		st.StaleAt = s.lastSuccess.Add(r.cfg.maxStale)
		st.Serving = !r.cfg.clock.Now().After(st.StaleAt)
	}
	select {
	case <-r.closing:
		st.NextRefresh = time.Time{}
	default:
	}
	return st
}
