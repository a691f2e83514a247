package prommetrics

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/jwtguard/jwtguard/keysource"
)

// KeySourceHooks returns the hooks to put in the keysource.FetchConfig of
// the remote source called name. They record jwtguard_key_fetches_total,
// jwtguard_key_fetch_duration_seconds, the unknown-kid refreshes, the
// cooldown refusals and the keys added and removed, all labelled by name
// (never by the source's URL, and never by a kid). Combine them with
// other hooks with metrics.Hooks.
func (m *Metrics) KeySourceHooks(name string) keysource.Hooks {
	fetchTime := newLazyHistogram(m.fetchTime, name)
	unknown := newLazyCounter(m.unknownKID, name)
	added := newLazyCounter(m.keysAdded, name)
	removed := newLazyCounter(m.keysRemoved, name)
	return keysource.Hooks{
		RefreshEnd: func(e keysource.RefreshEvent) {
			m.fetches.WithLabelValues(name, e.Trigger.String(), e.Outcome.String()).Inc()
			fetchTime.get().Observe(e.Duration.Seconds())
		},
		KeysChanged: func(_ string, a, r []*keysource.Key) {
			if len(a) > 0 {
				added.get().Add(float64(len(a)))
			}
			if len(r) > 0 {
				removed.get().Add(float64(len(r)))
			}
		},
		UnknownKID: func(string, string) { unknown.get().Inc() },
		CooldownRejected: func(_ string, reason keysource.RefreshReason) {
			m.cooldown.WithLabelValues(name, reason.String()).Inc()
		},
	}
}

// StatusSource is a key source that reports its state: *keysource.Remote,
// and *keysource.OIDC through it.
type StatusSource interface {
	Status() keysource.Status
}

var (
	descKeysServed    = prometheus.NewDesc("jwtguard_keys_served", "Keys the source serves now.", []string{"source"}, nil)
	descKeysAge       = prometheus.NewDesc("jwtguard_keys_age_seconds", "Seconds since the source's last successful key fetch.", []string{"source"}, nil)
	descKeysStale     = prometheus.NewDesc("jwtguard_keys_stale", "1 when the source serves no keys: none fetched yet, or the last ones are older than MaxStale.", []string{"source"}, nil)
	descFetchFailures = prometheus.NewDesc("jwtguard_key_fetch_consecutive_failures", "Key fetches that failed since the last success.", []string{"source"}, nil)
)

// WatchKeySource reports src's state at every scrape, labelled name:
// jwtguard_keys_served, jwtguard_keys_age_seconds (absent before the first
// successful fetch), jwtguard_keys_stale and
// jwtguard_key_fetch_consecutive_failures. It fails when name is watched
// already.
func (m *Metrics) WatchKeySource(name string, src StatusSource) error {
	if src == nil {
		return fmt.Errorf("prommetrics: WatchKeySource(%q): nil source", name)
	}
	if !m.watched.add("source", name, func() {
		m.watched.sources = append(m.watched.sources, watchedSource{name: name, src: src})
	}) {
		return fmt.Errorf("prommetrics: key source %q is watched already", name)
	}
	return nil
}

type watchedSource struct {
	name string
	src  StatusSource
}

func (w watchedSource) collect(ch chan<- prometheus.Metric, now time.Time) {
	st := w.src.Status()
	ch <- prometheus.MustNewConstMetric(descKeysServed, prometheus.GaugeValue, float64(st.Keys), w.name)
	if !st.LastSuccess.IsZero() {
		ch <- prometheus.MustNewConstMetric(descKeysAge, prometheus.GaugeValue, max(0, now.Sub(st.LastSuccess).Seconds()), w.name)
	}
	ch <- prometheus.MustNewConstMetric(descKeysStale, prometheus.GaugeValue, bool01(!st.Serving), w.name)
	ch <- prometheus.MustNewConstMetric(descFetchFailures, prometheus.GaugeValue, float64(st.ConsecutiveFailures), w.name)
}

func bool01(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
