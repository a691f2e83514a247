package prommetrics

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// lazyCounter resolves a counter's series on first use, so that a series
// appears only once something happened (a verifier that never verifies, a
// source that never fetches, show no zero series) and the hot path pays
// an atomic load instead of a label lookup afterwards.
type lazyCounter struct {
	once   sync.Once
	vec    *prometheus.CounterVec
	labels []string
	c      prometheus.Counter
}

func newLazyCounter(vec *prometheus.CounterVec, labels ...string) *lazyCounter {
	return &lazyCounter{vec: vec, labels: labels}
}

func (l *lazyCounter) get() prometheus.Counter {
	l.once.Do(func() { l.c = l.vec.WithLabelValues(l.labels...) })
	return l.c
}

// lazyHistogram is lazyCounter for a histogram.
type lazyHistogram struct {
	once   sync.Once
	vec    *prometheus.HistogramVec
	labels []string
	h      prometheus.Observer
}

func newLazyHistogram(vec *prometheus.HistogramVec, labels ...string) *lazyHistogram {
	return &lazyHistogram{vec: vec, labels: labels}
}

func (l *lazyHistogram) get() prometheus.Observer {
	l.once.Do(func() { l.h = l.vec.WithLabelValues(l.labels...) })
	return l.h
}
