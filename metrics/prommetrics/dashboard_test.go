package prommetrics_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/metrics/prommetrics"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/remotecheck"
	"github.com/jwtguard/jwtguard/revocation"
	"github.com/jwtguard/jwtguard/verify"
)

// dashboardPath is the Grafana dashboard over these metrics.
var dashboardPath = filepath.Join("..", "..", "docs", "grafana", "jwtguard.json")

// exercised returns the metric families of a registry after every path
// of the adapter has run once, by name, with their types.
func exercised(t *testing.T) map[string]dto.MetricType {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := prommetrics.New(reg, prommetrics.Options{})
	require.NoError(t, err)
	obs := m.Verifier("v")
	ctx := obs.VerifyStart(context.Background())
	obs.VerifyEnd(ctx, verify.VerifyEvent{Alg: "RS256", Duration: time.Millisecond})
	obs.VerifyEnd(ctx, verify.VerifyEvent{Reason: "expired", CacheHit: true})
	h := m.KeySourceHooks("s")
	h.RefreshEnd(keysource.RefreshEvent{Trigger: keysource.TriggerFirst, Outcome: keysource.OutcomeFailed, Err: errors.New("x")})
	k, err := keysource.NewKey("k1", "ES256", &testkeys.P256(t).PublicKey)
	require.NoError(t, err)
	h.KeysChanged("s", []*keysource.Key{k}, []*keysource.Key{k})
	h.UnknownKID("s", "kid")
	h.CooldownRejected("s", keysource.RefreshUnknownKID)
	require.NoError(t, m.WatchKeySource("s", &statusSource{keysource.Status{Serving: true, Keys: 1, LastSuccess: time.Now()}}))
	m.RemoteCheck("c")(remotecheck.CheckEvent{Attempts: 1, Active: true})
	m.Middleware("h")(nil, middleware.Outcome{Decision: middleware.Denied, Status: 401, Reason: "expired"})
	require.NoError(t, m.WatchRevocation("r", &revStore{revocation.Status{InSync: true}}))
	onRevoke, _ := m.Revocations("r")
	onRevoke(revocation.Entry{Kind: revocation.KindSession})
	m.DPoP("d")("")
	mfs, err := reg.Gather()
	require.NoError(t, err)
	out := map[string]dto.MetricType{}
	for _, mf := range mfs {
		out[mf.GetName()] = mf.GetType()
	}
	return out
}

// dashboard is the part of a Grafana dashboard the test reads.
type dashboard struct {
	Title         string `json:"title"`
	UID           string `json:"uid"`
	SchemaVersion int    `json:"schemaVersion"`
	Inputs        []struct {
		Name     string `json:"name"`
		PluginID string `json:"pluginId"`
	} `json:"__inputs"`
	Panels []struct {
		ID         int    `json:"id"`
		Type       string `json:"type"`
		Title      string `json:"title"`
		Datasource struct {
			Type string `json:"type"`
			UID  string `json:"uid"`
		} `json:"datasource"`
		Targets []struct {
			Expr  string `json:"expr"`
			RefID string `json:"refId"`
		} `json:"targets"`
	} `json:"panels"`
}

var metricName = regexp.MustCompile(`\bjwtguard_[a-z_]+`)

// TestDashboardQueriesExportedMetrics parses the Grafana dashboard and
// checks that every metric its queries name is one the adapter exports,
// that it imports (a datasource input every panel uses, unique ids), and
// that every exported family appears on some panel.
func TestDashboardQueriesExportedMetrics(t *testing.T) {
	raw, err := os.ReadFile(dashboardPath)
	require.NoError(t, err)
	var d dashboard
	require.NoError(t, json.Unmarshal(raw, &d))
	require.Equal(t, "jwtguard", d.UID)
	require.NotEmpty(t, d.Title)
	require.Positive(t, d.SchemaVersion)
	require.Len(t, d.Inputs, 1)
	require.Equal(t, "DS_PROMETHEUS", d.Inputs[0].Name)
	require.Equal(t, "prometheus", d.Inputs[0].PluginID)

	exported := exercised(t)
	used := map[string]bool{}
	ids := map[int]bool{}
	for _, p := range d.Panels {
		require.False(t, ids[p.ID], "panel id %d twice", p.ID)
		ids[p.ID] = true
		if p.Type == "row" {
			continue
		}
		require.Equal(t, "${DS_PROMETHEUS}", p.Datasource.UID, p.Title)
		require.NotEmpty(t, p.Targets, p.Title)
		for _, tg := range p.Targets {
			names := metricName.FindAllString(tg.Expr, -1)
			require.NotEmpty(t, names, "%s/%s queries no jwtguard metric", p.Title, tg.RefID)
			for _, n := range names {
				family := n
				for _, suffix := range []string{"_bucket", "_sum", "_count"} {
					if base, ok := strings.CutSuffix(n, suffix); ok && exported[base] == dto.MetricType_HISTOGRAM {
						family = base
					}
				}
				_, ok := exported[family]
				require.True(t, ok, "panel %q queries %s, which the adapter does not export", p.Title, n)
				if family != n {
					require.Equal(t, "_bucket", strings.TrimPrefix(n, family), "panel %q: quantiles come from buckets", p.Title)
				}
				used[family] = true
			}
		}
	}
	var unused []string
	for name := range exported {
		if strings.HasPrefix(name, "jwtguard_") && !used[name] {
			unused = append(unused, name)
		}
	}
	sort.Strings(unused)
	require.Empty(t, unused, "exported but on no panel")
	for _, must := range []string{
		"jwtguard_verifications_total", "jwtguard_verify_duration_seconds", "jwtguard_keys_age_seconds",
		"jwtguard_keys_stale", "jwtguard_key_fetches_total", "jwtguard_remote_check_duration_seconds",
		"jwtguard_revocation_sync_lag_seconds",
	} {
		require.True(t, used[must], "the dashboard has no panel on %s", must)
	}
}

// TestDashboardCheckSeesUnknownMetric makes sure the check above can fail.
func TestDashboardCheckSeesUnknownMetric(t *testing.T) {
	exported := exercised(t)
	for _, name := range metricName.FindAllString(`rate(jwtguard_verification_total[5m]) + jwtguard_keys_stale`, -1) {
		_, ok := exported[name]
		require.Equal(t, name == "jwtguard_keys_stale", ok, name)
	}
}
