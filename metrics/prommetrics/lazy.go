package prommetrics

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// lazy resolves a metric's series on first use, so that a series appears
// only once something happened (a verifier that never verifies, a source
// that never fetches, show no zero series) and the hot path pays an atomic
// load instead of a label lookup afterwards.
type lazy[T any] struct {
	once   sync.Once
	with   func(...string) T // the vector's WithLabelValues
	labels []string
	v      T
}

// lazyCounter is a counter's series, resolved on first use.
type lazyCounter = lazy[prometheus.Counter]

// lazyHistogram is a histogram's series, resolved on first use.
type lazyHistogram = lazy[prometheus.Observer]

func newLazyCounter(vec *prometheus.CounterVec, labels ...string) *lazyCounter {
	return &lazyCounter{with: vec.WithLabelValues, labels: labels}
}

func newLazyHistogram(vec *prometheus.HistogramVec, labels ...string) *lazyHistogram {
	return &lazyHistogram{with: vec.WithLabelValues, labels: labels}
}

func (l *lazy[T]) get() T {
	l.once.Do(func() { l.v = l.with(l.labels...) })
	return l.v
}
