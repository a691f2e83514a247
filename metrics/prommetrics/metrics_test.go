package prommetrics_test

import (
	"errors"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/metrics/prommetrics"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/remotecheck"
	"github.com/jwtguard/jwtguard/revocation"
)

// value returns the value of the series of family name whose labels are
// labels ("k=v,k=v", sorted by name; "" for none): a counter's or gauge's
// value, a histogram's sample count. ok is false when there is none.
func value(t *testing.T, reg *prometheus.Registry, name, labels string) (v float64, ok bool) {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if labelString(m) != labels {
				continue
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue(), true
			case m.Gauge != nil:
				return m.Gauge.GetValue(), true
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount()), true
			}
		}
	}
	return 0, false
}

func labelString(m *dto.Metric) string {
	var parts []string
	for _, lp := range m.GetLabel() {
		parts = append(parts, lp.GetName()+"="+lp.GetValue())
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func requireValue(t *testing.T, reg *prometheus.Registry, name, labels string, want float64) {
	t.Helper()
	v, ok := value(t, reg, name, labels)
	require.True(t, ok, "no series %s{%s}", name, labels)
	require.Equal(t, want, v, "%s{%s}", name, labels)
}

func TestVerifierAndMiddleware(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	r := newRig(t)
	good := token(t, testKID, goodClaims("alice"))
	require.Equal(t, http.StatusNoContent, r.send(good)) // miss
	require.Equal(t, http.StatusNoContent, r.send(good)) // miss: the cache admits a token at its second verification
	require.Equal(t, http.StatusNoContent, r.send(good)) // hit
	require.Equal(t, http.StatusUnauthorized, r.send(""))
	require.Equal(t, http.StatusUnauthorized, r.send("a.b.c"))

	requireValue(t, r.reg, "jwtguard_verifications_total", "outcome=accepted,reason=,verifier=idp", 3)
	requireValue(t, r.reg, "jwtguard_verifications_total", "outcome=rejected,reason=malformed,verifier=idp", 1)
	requireValue(t, r.reg, "jwtguard_verify_cache_hits_total", "verifier=idp", 1)
	requireValue(t, r.reg, "jwtguard_verify_cache_misses_total", "verifier=idp", 3)
	requireValue(t, r.reg, "jwtguard_verify_duration_seconds", "cache=hit,verifier=idp", 1)
	requireValue(t, r.reg, "jwtguard_verify_duration_seconds", "cache=miss,verifier=idp", 3)
	requireValue(t, r.reg, "jwtguard_http_decisions_total", "decision=allowed,handler=api,reason=,status=", 3)
	requireValue(t, r.reg, "jwtguard_http_decisions_total", "decision=denied,handler=api,reason=missing_token,status=401", 1)
	requireValue(t, r.reg, "jwtguard_http_decisions_total", "decision=denied,handler=api,reason=malformed,status=401", 1)

	// The hooks run after the fetch released its waiters.
	require.Eventually(t, func() bool {
		v, _ := value(t, r.reg, "jwtguard_key_fetches_total", "outcome=updated,source=idp,trigger=first")
		return v == 1
	}, 5*time.Second, time.Millisecond)
	requireValue(t, r.reg, "jwtguard_key_fetch_duration_seconds", "source=idp", 1)
	requireValue(t, r.reg, "jwtguard_keys_added_total", "source=idp", 1)
	requireValue(t, r.reg, "jwtguard_keys_served", "source=idp", 1)
	requireValue(t, r.reg, "jwtguard_keys_stale", "source=idp", 0)
	requireValue(t, r.reg, "jwtguard_key_fetch_consecutive_failures", "source=idp", 0)
	age, ok := value(t, r.reg, "jwtguard_keys_age_seconds", "source=idp")
	require.True(t, ok)
	require.GreaterOrEqual(t, age, 0.0)
	require.Less(t, age, 60.0)
}

// statusSource is a key source state set by the test.
type statusSource struct{ st keysource.Status }

func (s *statusSource) Status() keysource.Status { return s.st }

// revStore is a revocation store state set by the test.
type revStore struct{ st revocation.Status }

func (s *revStore) Status() revocation.Status { return s.st }

func TestWatchedGauges(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	reg := prometheus.NewRegistry()
	m, err := prommetrics.New(reg, prommetrics.Options{Now: func() time.Time { return now }})
	require.NoError(t, err)
	fresh := &statusSource{keysource.Status{Serving: true, Keys: 3, LastSuccess: now.Add(-90 * time.Second)}}
	stale := &statusSource{keysource.Status{Serving: false, Keys: 2, LastSuccess: now.Add(-25 * time.Hour), ConsecutiveFailures: 7}}
	never := &statusSource{keysource.Status{ConsecutiveFailures: 2}}
	require.NoError(t, m.WatchKeySource("fresh", fresh))
	require.NoError(t, m.WatchKeySource("stale", stale))
	require.NoError(t, m.WatchKeySource("never", never))
	require.Error(t, m.WatchKeySource("fresh", fresh), "a name is watched once")
	require.Error(t, m.WatchKeySource("nil", nil))
	require.NoError(t, m.WatchRevocation("redis", &revStore{revocation.Status{InSync: false, Lag: 42 * time.Second, Entries: 5}}))
	require.Error(t, m.WatchRevocation("redis", &revStore{}))

	tests := []struct {
		name, family, labels string
		want                 float64
		absent               bool
	}{
		{name: "fresh keys", family: "jwtguard_keys_served", labels: "source=fresh", want: 3},
		{name: "fresh age", family: "jwtguard_keys_age_seconds", labels: "source=fresh", want: 90},
		{name: "fresh not stale", family: "jwtguard_keys_stale", labels: "source=fresh", want: 0},
		{name: "stale age", family: "jwtguard_keys_age_seconds", labels: "source=stale", want: 25 * 3600},
		{name: "stale", family: "jwtguard_keys_stale", labels: "source=stale", want: 1},
		{name: "stale failures", family: "jwtguard_key_fetch_consecutive_failures", labels: "source=stale", want: 7},
		{name: "never fetched is stale", family: "jwtguard_keys_stale", labels: "source=never", want: 1},
		{name: "never fetched has no age", family: "jwtguard_keys_age_seconds", labels: "source=never", absent: true},
		{name: "revocation entries", family: "jwtguard_revocation_entries", labels: "store=redis", want: 5},
		{name: "revocation lag", family: "jwtguard_revocation_sync_lag_seconds", labels: "store=redis", want: 42},
		{name: "revocation out of sync", family: "jwtguard_revocation_in_sync", labels: "store=redis", want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok := value(t, reg, tt.family, tt.labels)
			require.Equal(t, !tt.absent, ok)
			require.Equal(t, tt.want, v)
		})
	}
}

func TestRemoteCheckAndDecisions(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := prommetrics.New(reg, prommetrics.Options{})
	require.NoError(t, err)
	check := m.RemoteCheck("epr")
	check(remotecheck.CheckEvent{Attempts: 1, Duration: 20 * time.Millisecond, Active: true})
	check(remotecheck.CheckEvent{Attempts: 3, Duration: time.Second, Reason: remotecheck.ReasonCheckUnavailable, Err: errors.New("503")})
	check(remotecheck.CheckEvent{Attempts: 1, Reason: "made up by a custom Check"})
	requireValue(t, reg, "jwtguard_remote_checks_total", "checker=epr,outcome=accepted,reason=", 1)
	requireValue(t, reg, "jwtguard_remote_checks_total", "checker=epr,outcome=rejected,reason=check_unavailable", 1)
	requireValue(t, reg, "jwtguard_remote_checks_total", "checker=epr,outcome=rejected,reason=other", 1)
	requireValue(t, reg, "jwtguard_remote_check_attempts_total", "checker=epr", 5)
	requireValue(t, reg, "jwtguard_remote_check_duration_seconds", "checker=epr", 3)

	decide := m.Middleware("api")
	decide(nil, middleware.Outcome{Decision: middleware.Denied, Status: 403, Reason: "scope admin:write for user 42"})
	decide(nil, middleware.Outcome{Decision: middleware.Denied, Status: 503, Reason: "keys_unavailable"})
	decide(nil, middleware.Outcome{Decision: middleware.Anonymous})
	requireValue(t, reg, "jwtguard_http_decisions_total", "decision=denied,handler=api,reason=other,status=403", 1)
	requireValue(t, reg, "jwtguard_http_decisions_total", "decision=denied,handler=api,reason=keys_unavailable,status=503", 1)
	requireValue(t, reg, "jwtguard_http_decisions_total", "decision=anonymous,handler=api,reason=,status=", 1)

	_, err = prommetrics.New(reg, prommetrics.Options{})
	require.Error(t, err, "New twice on one registry")
	_, err = prommetrics.New(nil, prommetrics.Options{})
	require.Error(t, err)
}

// TestNoSeriesBeforeUse checks that wiring a verifier, a key source, a
// middleware or a checker that never does anything adds no series.
func TestNoSeriesBeforeUse(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := prommetrics.New(reg, prommetrics.Options{})
	require.NoError(t, err)
	_ = m.Verifier("v")
	_ = m.KeySourceHooks("s")
	_ = m.Middleware("h")
	_ = m.RemoteCheck("c")
	total, byFamily := series(t, reg)
	require.Zero(t, total, "%v", byFamily)
}
