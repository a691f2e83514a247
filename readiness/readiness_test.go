package readiness_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/readiness"
	"github.com/jwtguard/jwtguard/revocation"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func get(t *testing.T, h http.Handler, method string) (int, readiness.Report, http.Header) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, "/readyz", nil))
	var rep readiness.Report
	if method == http.MethodGet && rec.Code != http.StatusMethodNotAllowed {
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &rep), rec.Body.String())
	}
	return rec.Code, rep, rec.Header()
}

// TestRemoteKeySource: a real JWKS source is not ready before its first
// fetch, nor while its issuer fails, and is ready once it has keys.
func TestRemoteKeySource(t *testing.T) {
	var up atomic.Bool
	jwks := testkeys.JWKSet(t, testkeys.JWK(t, "k1", "RS256", testkeys.RSA2048(t)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(jwks)
	}))
	defer srv.Close()
	src, err := keysource.NewJWKS(keysource.JWKSConfig{URL: srv.URL, FetchConfig: keysource.FetchConfig{Logger: slog.New(slog.DiscardHandler)}})
	require.NoError(t, err)
	defer src.Close()
	h, err := readiness.New(readiness.Config{Checks: []readiness.Check{readiness.KeySource("issuer", src)}})
	require.NoError(t, err)

	code, rep, hdr := get(t, h, http.MethodGet)
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Equal(t, "no-store", hdr.Get("Cache-Control"))
	require.Equal(t, "application/json", hdr.Get("Content-Type"))
	require.Equal(t, readiness.Report{Checks: []readiness.Result{{Name: "issuer", Reason: "no keys fetched yet"}}}, rep)

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	require.Error(t, src.Ready(ctx)) // the issuer answers 502
	code, rep, _ = get(t, h, http.MethodGet)
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.NotContains(t, rep.Checks[0].Error+rep.Checks[0].Reason, srv.URL, "no URL without Verbose")

	up.Store(true)
	ctx2, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	require.NoError(t, src.Ready(ctx2)) // the retry after the first backoff (about 1 s)
	code, rep, _ = get(t, h, http.MethodGet)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, readiness.Report{Ready: true, Checks: []readiness.Result{{Name: "issuer", Ready: true}}}, rep)
}

// staleSource is a key source that reports stale keys, as a remote source
// does once MaxStale has passed without a successful fetch.
type staleSource struct{ keysource.Source }

func (staleSource) Status() keysource.Status {
	last := time.Unix(1_800_000_000, 0)
	return keysource.Status{LastSuccess: last, StaleAt: last.Add(24 * time.Hour), LastError: errors.New("dial tcp 10.1.2.3:443: refused")}
}

type storeStatus revocation.Status

func (s storeStatus) Status() revocation.Status { return revocation.Status(s) }

func TestChecks(t *testing.T) {
	static, err := keysource.StaticFromSecret([]byte("0123456789abcdef0123456789abcdef"))
	require.NoError(t, err)
	tests := []struct {
		name    string
		checks  []readiness.Check
		verbose bool
		want    int
		reasons []string
		errText string
	}{
		{"static keys", []readiness.Check{readiness.KeySource("static", static)}, false, 200, []string{""}, ""},
		{"stale keys", []readiness.Check{readiness.KeySource("static", static), readiness.KeySource("issuer", staleSource{})}, false, 503, []string{"", "keys stale"}, ""},
		{"stale keys, verbose", []readiness.Check{readiness.KeySource("issuer", staleSource{})}, true, 503, []string{"keys stale"}, "10.1.2.3"},
		{"revocation in sync", []readiness.Check{readiness.Revocation("rev", storeStatus{InSync: true})}, false, 200, []string{""}, ""},
		{"revocation out of sync", []readiness.Check{readiness.Revocation("rev", storeStatus{Lag: 3 * time.Minute, LastError: errors.New("redis down")})}, true, 503, []string{"revocation store out of sync"}, "lag 3m0s"},
		{"a plain error", []readiness.Check{{Name: "db", Ready: func(context.Context) error { return errors.New("secret host") }}}, false, 503, []string{"not ready"}, ""},
		{"a panicking check", []readiness.Check{{Name: "p", Ready: func(context.Context) error { panic("boom") }}}, false, 503, []string{"check failed"}, ""},
		{"a check that overruns", []readiness.Check{{Name: "slow", Ready: func(ctx context.Context) error { <-ctx.Done(); time.Sleep(10 * time.Millisecond); return nil }}}, false, 503, []string{"check timed out"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A generous bound, so that a loaded machine (the race
			// detector) never times a quick check out; the overrunning
			// check gets a short one.
			timeout := 10 * time.Second
			if tt.want == 503 && tt.reasons[0] == "check timed out" {
				timeout = 50 * time.Millisecond
			}
			h, err := readiness.New(readiness.Config{Checks: tt.checks, Verbose: tt.verbose, Timeout: timeout})
			require.NoError(t, err)
			code, rep, _ := get(t, h, http.MethodGet)
			require.Equal(t, tt.want, code)
			require.Equal(t, tt.want == 200, rep.Ready)
			require.Len(t, rep.Checks, len(tt.reasons))
			for i, r := range tt.reasons {
				require.Equal(t, tt.checks[i].Name, rep.Checks[i].Name)
				require.Equal(t, r, rep.Checks[i].Reason)
				require.Equal(t, r == "", rep.Checks[i].Ready)
			}
			body, _ := json.Marshal(rep)
			if tt.errText != "" {
				require.Contains(t, string(body), tt.errText)
			}
			if !tt.verbose {
				require.NotContains(t, string(body), "10.1.2.3")
				require.NotContains(t, string(body), "secret host")
			}
		})
	}
}

func TestMethodsAndConfig(t *testing.T) {
	h, err := readiness.New(readiness.Config{Checks: []readiness.Check{{Name: "ok", Ready: func(context.Context) error { return nil }}}})
	require.NoError(t, err)
	code, _, _ := get(t, h, http.MethodHead)
	require.Equal(t, http.StatusOK, code)
	code, _, hdr := get(t, h, http.MethodPost)
	require.Equal(t, http.StatusMethodNotAllowed, code)
	require.Equal(t, "GET, HEAD", hdr.Get("Allow"))

	ok := func(context.Context) error { return nil }
	for name, cfg := range map[string]readiness.Config{
		"no checks":      {},
		"no name":        {Checks: []readiness.Check{{Ready: ok}}},
		"no func":        {Checks: []readiness.Check{{Name: "x"}}},
		"duplicate":      {Checks: []readiness.Check{{Name: "x", Ready: ok}, {Name: "x", Ready: ok}}},
		"negative limit": {Checks: []readiness.Check{{Name: "x", Ready: ok}}, Timeout: -1},
	} {
		_, err := readiness.New(cfg)
		require.Error(t, err, name)
	}
}
