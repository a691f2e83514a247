package prommetrics_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/metrics/prommetrics"
	"github.com/jwtguard/jwtguard/revocation"
)

// TestRevocations wires a real Memory store's hooks and checks the
// revocations by kind and result, and the watched gauges.
func TestRevocations(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := prommetrics.New(reg, prommetrics.Options{})
	require.NoError(t, err)
	cfg := revocation.MemoryConfig{MaxEntries: 2}
	cfg.OnRevoke, cfg.OnFull = m.Revocations("mem")
	store, err := revocation.NewMemory(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	require.NoError(t, m.WatchRevocation("mem", store))

	ctx := context.Background()
	exp := time.Now().Add(time.Hour)
	require.NoError(t, store.Revoke(ctx, revocation.TokenEntry("https://issuer.test", "jti-secret-1", exp)))
	require.NoError(t, store.Revoke(ctx, revocation.Entry{Kind: revocation.KindSession, Issuer: "https://issuer.test", Value: "sid-secret"}))
	err = store.Revoke(ctx, revocation.Entry{Kind: revocation.KindSubject, Issuer: "https://issuer.test", Value: "alice"})
	require.True(t, errors.Is(err, revocation.ErrFull), "%v", err)

	requireValue(t, reg, "jwtguard_revocations_total", "kind=token,result=stored,store=mem", 1)
	requireValue(t, reg, "jwtguard_revocations_total", "kind=session,result=stored,store=mem", 1)
	requireValue(t, reg, "jwtguard_revocations_total", "kind=subject,result=full,store=mem", 1)
	requireValue(t, reg, "jwtguard_revocation_entries", "store=mem", 2)
	requireValue(t, reg, "jwtguard_revocation_in_sync", "store=mem", 1)
	requireValue(t, reg, "jwtguard_revocation_sync_lag_seconds", "store=mem", 0)
	_, byFamily := series(t, reg)
	require.Equal(t, 3, byFamily["jwtguard_revocations_total"])
}

// TestDPoPProofs wires a real DPoP checker and checks the proofs by
// outcome and reason.
func TestDPoPProofs(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := prommetrics.New(reg, prommetrics.Options{})
	require.NoError(t, err)
	c, err := dpop.New(dpop.Config{OnCheck: m.DPoP("api")})
	require.NoError(t, err)
	key := testkeys.P256(t)
	proof, err := dpop.NewProof(key, http.MethodGet, "https://api.test/r", "", "")
	require.NoError(t, err)
	req := func(proofs ...string) dpop.Request {
		r := httptest.NewRequest(http.MethodGet, "https://api.test/r", nil)
		for _, p := range proofs {
			r.Header.Add("DPoP", p)
		}
		return dpop.RequestFromHTTP(r, "")
	}
	ctx := context.Background()
	_, err = c.Check(ctx, req(proof))
	require.NoError(t, err)
	_, err = c.Check(ctx, req(proof))
	require.ErrorIs(t, err, dpop.ErrReplayed)
	_, err = c.Check(ctx, req())
	require.ErrorIs(t, err, dpop.ErrMissing)

	requireValue(t, reg, "jwtguard_dpop_proofs_total", "checker=api,outcome=accepted,reason=", 1)
	requireValue(t, reg, "jwtguard_dpop_proofs_total", "checker=api,outcome=rejected,reason=replayed", 1)
	requireValue(t, reg, "jwtguard_dpop_proofs_total", "checker=api,outcome=rejected,reason=missing_proof", 1)
}
