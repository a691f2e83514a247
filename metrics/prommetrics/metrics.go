package prommetrics

import (
	"errors"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// DefaultVerifyBuckets are the verify latency buckets, in seconds: from a
// cache hit (microseconds) to a verification that waited for a key fetch.
var DefaultVerifyBuckets = []float64{
	.000005, .00001, .000025, .00005, .0001, .00025, .0005,
	.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5,
}

// DefaultNetworkBuckets are the key fetch and remote check latency
// buckets, in seconds.
var DefaultNetworkBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// Options configures Metrics. The zero value is ready to use.
type Options struct {
	// VerifyBuckets are the buckets of jwtguard_verify_duration_seconds.
	// If nil, DefaultVerifyBuckets.
	VerifyBuckets []float64
	// NetworkBuckets are the buckets of jwtguard_key_fetch_duration_seconds
	// and jwtguard_remote_check_duration_seconds. If nil,
	// DefaultNetworkBuckets.
	NetworkBuckets []float64
	// Now returns the current time, for jwtguard_keys_age_seconds. If nil,
	// time.Now. Give it the key sources' clock when they have their own.
	Now func() time.Time
}

// Metrics records jwtguard's metrics in one Prometheus registry. Build it
// with New; its methods are safe for concurrent use.
type Metrics struct {
	now func() time.Time

	verifications *prometheus.CounterVec
	verifyTime    *prometheus.HistogramVec
	cacheHits     *prometheus.CounterVec
	cacheMisses   *prometheus.CounterVec

	fetches     *prometheus.CounterVec
	fetchTime   *prometheus.HistogramVec
	unknownKID  *prometheus.CounterVec
	cooldown    *prometheus.CounterVec
	keysAdded   *prometheus.CounterVec
	keysRemoved *prometheus.CounterVec

	checks        *prometheus.CounterVec
	checkTime     *prometheus.HistogramVec
	checkAttempts *prometheus.CounterVec

	decisions *prometheus.CounterVec

	revocations *prometheus.CounterVec
	proofs      *prometheus.CounterVec

	watched *watched
}

// New registers jwtguard's metrics with reg and returns Metrics. It fails
// when reg already holds them (New twice on one registry).
func New(reg prometheus.Registerer, opts Options) (*Metrics, error) {
	if reg == nil {
		return nil, errors.New("prommetrics: nil Registerer")
	}
	vb := opts.VerifyBuckets
	if vb == nil {
		vb = DefaultVerifyBuckets
	}
	nb := opts.NetworkBuckets
	if nb == nil {
		nb = DefaultNetworkBuckets
	}
	m := &Metrics{now: opts.Now}
	if m.now == nil {
		m.now = time.Now
	}
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	}
	histogram := func(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
		return prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
	}
	m.verifications = counter("jwtguard_verifications_total", "Token verifications by outcome and reason.", "verifier", "outcome", "reason")
	m.verifyTime = histogram("jwtguard_verify_duration_seconds", "Time a token verification took.", vb, "verifier", "cache")
	m.cacheHits = counter("jwtguard_verify_cache_hits_total", "Verifications answered from the verified-token cache.", "verifier")
	m.cacheMisses = counter("jwtguard_verify_cache_misses_total", "Verifications not answered from the verified-token cache.", "verifier")
	m.fetches = counter("jwtguard_key_fetches_total", "Key fetches by trigger and outcome.", "source", "trigger", "outcome")
	m.fetchTime = histogram("jwtguard_key_fetch_duration_seconds", "Time a key fetch took.", nb, "source")
	m.unknownKID = counter("jwtguard_key_unknown_kid_refreshes_total", "Refreshes asked for by a token whose kid is not in the key set.", "source")
	m.cooldown = counter("jwtguard_key_refresh_cooldown_refusals_total", "On-demand key refreshes refused during the cooldown.", "source", "reason")
	m.keysAdded = counter("jwtguard_keys_added_total", "Keys that appeared in a fetched key set.", "source")
	m.keysRemoved = counter("jwtguard_keys_removed_total", "Keys that left a fetched key set.", "source")
	m.checks = counter("jwtguard_remote_checks_total", "Tokens checked by their issuer, by outcome and reason.", "checker", "outcome", "reason")
	m.checkTime = histogram("jwtguard_remote_check_duration_seconds", "Time a remote token check took, retries included.", nb, "checker")
	m.checkAttempts = counter("jwtguard_remote_check_attempts_total", "Requests sent to an issuer to check tokens.", "checker")
	m.decisions = counter("jwtguard_http_decisions_total", "Middleware decisions by status and reason.", "handler", "decision", "status", "reason")
	m.revocations = counter("jwtguard_revocations_total", "Revocations a store was asked to keep, by kind and result (stored, or refused because full).", "store", "kind", "result")
	m.proofs = counter("jwtguard_dpop_proofs_total", "DPoP proofs checked, by outcome and reason.", "checker", "outcome", "reason")
	m.watched = newWatched(m.now)

	cs := []prometheus.Collector{
		m.verifications, m.verifyTime, m.cacheHits, m.cacheMisses,
		m.fetches, m.fetchTime, m.unknownKID, m.cooldown, m.keysAdded, m.keysRemoved,
		m.checks, m.checkTime, m.checkAttempts, m.decisions, m.revocations, m.proofs, m.watched,
	}
	for i, c := range cs {
		if err := reg.Register(c); err != nil {
			for _, r := range cs[:i] {
				reg.Unregister(r)
			}
			return nil, err
		}
	}
	return m, nil
}

// watched is the collector of the gauges read at scrape time.
type watched struct {
	now     func() time.Time
	mu      sync.Mutex
	sources []watchedSource
	stores  []watchedStore
	names   map[string]bool // "source/"+name, "store/"+name
}

func newWatched(now func() time.Time) *watched {
	return &watched{now: now, names: map[string]bool{}}
}

// add records a name of a kind once; false when it is taken.
func (w *watched) add(kind, name string, f func()) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.names[kind+"/"+name] {
		return false
	}
	w.names[kind+"/"+name] = true
	f()
	return true
}

// Describe implements prometheus.Collector.
func (w *watched) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descKeysServed, descKeysAge, descKeysStale, descFetchFailures,
		descRevEntries, descRevLag, descRevInSync} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (w *watched) Collect(ch chan<- prometheus.Metric) {
	w.mu.Lock()
	sources := append([]watchedSource(nil), w.sources...)
	stores := append([]watchedStore(nil), w.stores...)
	w.mu.Unlock()
	now := w.now()
	for _, s := range sources {
		s.collect(ch, now)
	}
	for _, s := range stores {
		s.collect(ch)
	}
}
