package keysource_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/verify"
)

// TestRemoteWithVerifier runs rotation, removal and an outage through the
// verifier: a token signed with a new kid verifies after exactly one fetch,
// a retired kid stops verifying after the refresh, and an outage past
// MaxStale turns into ErrKeysUnavailable.
func TestRemoteWithVerifier(t *testing.T) {
	var (
		mu       sync.Mutex
		doc      []byte
		failing  bool
		requests atomic.Int64
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		mu.Lock()
		defer mu.Unlock()
		if failing {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write(doc)
	}))
	defer srv.Close()
	serve := func(keys ...map[string]any) {
		mu.Lock()
		defer mu.Unlock()
		doc = testkeys.JWKSet(t, keys...)
	}
	rsaKey, ecKey := testkeys.RSA2048(t), testkeys.P256(t)
	jwkRSA := testkeys.JWK(t, "k1", "RS256", rsaKey)
	jwkEC := testkeys.JWK(t, "k2", "ES256", ecKey)
	serve(jwkRSA)

	clk := keysource.NewTestClock()
	fetched := make(chan keysource.RefreshEvent, 100)
	src, err := keysource.NewJWKS(keysource.JWKSConfig{URL: srv.URL + "/certs", FetchConfig: keysource.FetchConfig{
		HTTPClient: srv.Client(),
		Clock:      clk,
		Hooks:      keysource.Hooks{RefreshEnd: func(ev keysource.RefreshEvent) { fetched <- ev }},
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	issuer := srv.URL + "/realms/r"
	v, err := verify.New(verify.Config[claims.Map]{
		Keys: src, Algorithms: []string{"RS256", "ES256"}, Issuers: []string{issuer}, Audiences: []string{"api"},
		Now: clk.Now, CacheSize: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	token := func(alg string, key any, kid string) string {
		return testkeys.SignClaims(t, alg, key, map[string]any{"kid": kid},
			map[string]any{"iss": issuer, "aud": "api", "exp": clk.Now().Add(time.Hour).Unix()})
	}
	check := func(tok string, want error, wantRequests int64) {
		t.Helper()
		_, err := v.Verify(context.Background(), tok)
		if !errors.Is(err, want) {
			t.Fatalf("Verify = %v, want %v", err, want)
		}
		if n := requests.Load(); n != wantRequests {
			t.Fatalf("upstream requests = %d, want %d", n, wantRequests)
		}
	}
	waitFetch := func() {
		t.Helper()
		select {
		case <-fetched:
		case <-time.After(5 * time.Second):
			t.Fatal("no fetch")
		}
	}

	check(token("RS256", rsaKey, "k1"), nil, 1)
	waitFetch()

	// Rotation: k2 appears upstream; its first token verifies after one fetch.
	serve(jwkRSA, jwkEC)
	check(token("ES256", ecKey, "k2"), nil, 2)
	waitFetch()
	check(token("ES256", ecKey, "k2"), nil, 2)

	// Removal: k1 leaves upstream; after the background refresh its tokens fail.
	serve(jwkEC)
	clk.Advance(keysource.DefaultRefreshInterval)
	waitFetch()
	check(token("RS256", rsaKey, "k1"), verify.ErrUnknownKey, 4) // one on-demand look, cooldown over
	waitFetch()
	check(token("RS256", rsaKey, "k1"), verify.ErrUnknownKey, 4) // remembered: no fetch
	check(token("RS256", rsaKey, "k9"), verify.ErrUnknownKey, 4) // cooldown: no fetch

	// Outage: the old keys serve until MaxStale, then 503-worthy errors.
	mu.Lock()
	failing = true
	mu.Unlock()
	clk.Advance(keysource.DefaultRefreshInterval)
	waitFetch()
	check(token("ES256", ecKey, "k2"), nil, 5)
	clk.Advance(keysource.DefaultMaxStale)
	waitFetch()
	check(token("ES256", ecKey, "k2"), verify.ErrKeysUnavailable, 6)
}
