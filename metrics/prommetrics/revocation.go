package prommetrics

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/jwtguard/jwtguard/metrics"
	"github.com/jwtguard/jwtguard/revocation"
)

// RevocationStatus is a revocation store that reports its state: every
// revocation.Store.
type RevocationStatus interface {
	Status() revocation.Status
}

var (
	descRevEntries = prometheus.NewDesc("jwtguard_revocation_entries", "Revocation entries in force.", []string{"store"}, nil)
	descRevLag     = prometheus.NewDesc("jwtguard_revocation_sync_lag_seconds", "How long the store's local copy has not been confirmed in sync with the shared state.", []string{"store"}, nil)
	descRevInSync  = prometheus.NewDesc("jwtguard_revocation_in_sync", "1 when the store's local copy follows the shared state.", []string{"store"}, nil)
)

// Revocations returns the functions for the OnRevoke and OnFull hooks of
// the revocation store called name (revocation.MemoryConfig, or the Hooks
// of a redisstore.RevocationConfig):
//
//	cfg.OnRevoke, cfg.OnFull = m.Revocations("revocations")
//
// They record jwtguard_revocations_total by kind and result ("stored", or
// "full" for an entry refused because the store holds its maximum). The
// entry's issuer and value are never recorded.
func (m *Metrics) Revocations(name string) (onRevoke, onFull func(revocation.Entry)) {
	count := func(result string) func(revocation.Entry) {
		return func(e revocation.Entry) {
			m.revocations.WithLabelValues(name, metrics.Kind(e.Kind), result).Inc()
		}
	}
	return count("stored"), count("full")
}

// WatchRevocation reports store's state at every scrape, labelled name:
// jwtguard_revocation_entries, jwtguard_revocation_sync_lag_seconds and
// jwtguard_revocation_in_sync. It fails when name is watched already.
func (m *Metrics) WatchRevocation(name string, store RevocationStatus) error {
	if store == nil {
		return fmt.Errorf("prommetrics: WatchRevocation(%q): nil store", name)
	}
	if !m.watched.add("store", name, func() {
		m.watched.stores = append(m.watched.stores, watchedStore{name: name, store: store})
	}) {
		return fmt.Errorf("prommetrics: revocation store %q is watched already", name)
	}
	return nil
}

type watchedStore struct {
	name  string
	store RevocationStatus
}

func (w watchedStore) collect(ch chan<- prometheus.Metric) {
	st := w.store.Status()
	ch <- prometheus.MustNewConstMetric(descRevEntries, prometheus.GaugeValue, float64(st.Entries), w.name)
	ch <- prometheus.MustNewConstMetric(descRevLag, prometheus.GaugeValue, st.Lag.Seconds(), w.name)
	ch <- prometheus.MustNewConstMetric(descRevInSync, prometheus.GaugeValue, bool01(st.InSync), w.name)
}
