package otelmetrics

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/jwtguard/jwtguard/metrics"
	"github.com/jwtguard/jwtguard/revocation"
)

// RevocationStatus is a revocation store that reports its state: every
// revocation.Store.
type RevocationStatus interface {
	Status() revocation.Status
}

// Revocations returns the functions for the OnRevoke and OnFull hooks of
// the revocation store called name (revocation.MemoryConfig, or the Hooks
// of a redisstore.RevocationConfig):
//
//	cfg.OnRevoke, cfg.OnFull = m.Revocations("revocations")
//
// They record jwtguard.revocations by jwtguard.revocation.kind and
// jwtguard.result ("stored", or "full" for an entry refused because the
// store holds its maximum). The entry's issuer and value are never
// recorded.
func (m *Metrics) Revocations(name string) (onRevoke, onFull func(revocation.Entry)) {
	store := AttrStore.String(name)
	count := func(result string) func(revocation.Entry) {
		r := AttrResult.String(result)
		return func(e revocation.Entry) {
			m.revocations.Add(context.Background(), 1, metric.WithAttributes(store, r, AttrKind.String(metrics.Kind(e.Kind))))
		}
	}
	return count("stored"), count("full")
}

// WatchRevocation reports store's state at every collection, with the
// attribute jwtguard.store = name: jwtguard.revocation.entries,
// jwtguard.revocation.sync_lag and jwtguard.revocation.in_sync. It fails
// when name is watched already.
func (m *Metrics) WatchRevocation(name string, store RevocationStatus) error {
	if store == nil {
		return fmt.Errorf("otelmetrics: WatchRevocation(%q): nil store", name)
	}
	w := watchedStore{store: store, attrs: metric.WithAttributeSet(attribute.NewSet(AttrStore.String(name)))}
	if !m.watch("store", name, func() { m.stores = append(m.stores, w) }) {
		return fmt.Errorf("otelmetrics: revocation store %q is watched already", name)
	}
	return nil
}

type watchedStore struct {
	store RevocationStatus
	attrs metric.ObserveOption
}

func (w watchedStore) observe(m *Metrics, o metric.Observer) {
	st := w.store.Status()
	o.ObserveInt64(m.revEntries, int64(st.Entries), w.attrs)
	o.ObserveFloat64(m.revLag, st.Lag.Seconds(), w.attrs)
	o.ObserveInt64(m.revInSync, bool01(st.InSync), w.attrs)
}
