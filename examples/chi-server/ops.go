package main

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/metrics/prommetrics"
	"github.com/jwtguard/jwtguard/readiness"
)

// Paths of the operator endpoints, served on the API listener next to
// /healthz (liveness).
const (
	metricsPath = "/metrics"
	readyPath   = "/readyz"
)

// ops collects what operators scrape and probe: the Prometheus metrics of
// the key source, the verifier and the middleware, and the readiness
// checks. Each app has its own registry, so that tests can run several.
type ops struct {
	reg    *prometheus.Registry
	m      *prommetrics.Metrics
	checks []readiness.Check
}

func newOps() (*ops, error) {
	reg := prometheus.NewRegistry()
	if err := reg.Register(collectors.NewGoCollector()); err != nil {
		return nil, err
	}
	if err := reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})); err != nil {
		return nil, err
	}
	m, err := prommetrics.New(reg, prommetrics.Options{})
	if err != nil {
		return nil, err
	}
	return &ops{reg: reg, m: m}, nil
}

// keySourceHooks returns the metrics hooks of the key source called name.
func (o *ops) keySourceHooks(name string) keysource.Hooks { return o.m.KeySourceHooks(name) }

// watchKeys adds src to /readyz and, when it reports its state (the
// remote sources), to the key gauges of /metrics.
func (o *ops) watchKeys(name string, src keysource.Source) error {
	o.checks = append(o.checks, readiness.KeySource(name, src))
	if s, ok := src.(prommetrics.StatusSource); ok {
		return o.m.WatchKeySource(name, s)
	}
	return nil
}

// handlers returns the /metrics and /readyz handlers.
func (o *ops) handlers() (metricsH, readyH http.Handler, err error) {
	ready, err := readiness.New(readiness.Config{Checks: o.checks})
	if err != nil {
		return nil, nil, err
	}
	return promhttp.HandlerFor(o.reg, promhttp.HandlerOpts{}), ready, nil
}
