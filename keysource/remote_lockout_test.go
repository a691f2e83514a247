package keysource_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/verify"
)

// lockoutIssuer is an issuer whose JWKS endpoint a test changes: the keys it
// publishes, its Cache-Control max-age, and a failure status with a
// Retry-After.
type lockoutIssuer struct {
	srv      *httptest.Server
	requests atomic.Int64

	mu         sync.Mutex
	doc        []byte
	maxAge     int // seconds; 0 sends no Cache-Control
	status     int // when not 0, answered instead of the document
	retryAfter string
}

func newLockoutIssuer(t *testing.T) *lockoutIssuer {
	t.Helper()
	is := &lockoutIssuer{}
	is.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		is.requests.Add(1)
		is.mu.Lock()
		defer is.mu.Unlock()
		if is.maxAge > 0 {
			w.Header().Set("Cache-Control", "public, max-age="+strconv.Itoa(is.maxAge))
		}
		if is.status != 0 {
			if is.retryAfter != "" {
				w.Header().Set("Retry-After", is.retryAfter)
			}
			w.WriteHeader(is.status)
			return
		}
		_, _ = w.Write(is.doc)
	}))
	t.Cleanup(is.srv.Close)
	return is
}

func (is *lockoutIssuer) update(f func(is *lockoutIssuer)) {
	is.mu.Lock()
	defer is.mu.Unlock()
	f(is)
}

// lockoutVerifier is a verifier over a JWKS source on is, on clk, that
// reports every finished fetch on fetched.
func lockoutVerifier(t *testing.T, is *lockoutIssuer, clk keysource.Clock, fetched chan<- keysource.RefreshEvent) (*verify.Verifier[claims.Map], *keysource.Remote) {
	t.Helper()
	src, err := keysource.NewJWKS(keysource.JWKSConfig{URL: is.srv.URL + "/certs", FetchConfig: keysource.FetchConfig{
		HTTPClient: is.srv.Client(),
		Clock:      clk,
		Logger:     slog.New(slog.DiscardHandler),
		Hooks:      keysource.Hooks{RefreshEnd: func(ev keysource.RefreshEvent) { fetched <- ev }},
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = src.Close() })
	v, err := verify.New(verify.Config[claims.Map]{
		Keys: src, Algorithms: []string{"RS256", "ES256"}, Issuers: []string{"https://issuer.test"},
		Audiences: []string{"api"}, Now: clk.Now, CacheSize: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	return v, src
}

func waitFetch(t *testing.T, fetched <-chan keysource.RefreshEvent) keysource.RefreshEvent {
	t.Helper()
	select {
	case ev := <-fetched:
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no fetch finished within 5s")
		return keysource.RefreshEvent{}
	}
}

// TestUnknownKIDNeverBlocksRotation: a token carrying the issuer's next kid
// arrives before the issuer publishes it. That kid is remembered as absent
// for one RefreshCooldown only: once the issuer publishes it, a genuine
// token with it verifies within one cooldown, although the JWKS said
// max-age=86400 (the next background refresh is 12 h away).
func TestUnknownKIDNeverBlocksRotation(t *testing.T) {
	is := newLockoutIssuer(t)
	rsaKey, ecKey := testkeys.RSA2048(t), testkeys.P256(t)
	current, next := testkeys.JWK(t, "k1", "RS256", rsaKey), testkeys.JWK(t, "k2", "ES256", ecKey)
	is.update(func(is *lockoutIssuer) { is.doc, is.maxAge = testkeys.JWKSet(t, current), 86400 })
	clk := keysource.NewTestClock()
	fetched := make(chan keysource.RefreshEvent, 100)
	v, _ := lockoutVerifier(t, is, clk, fetched)
	token := func(alg string, key any, kid string) string {
		return testkeys.SignClaims(t, alg, key, map[string]any{"kid": kid},
			map[string]any{"iss": "https://issuer.test", "aud": "api", "exp": clk.Now().Add(time.Hour).Unix()})
	}
	check := func(name, tok string, want error) {
		t.Helper()
		if _, err := v.Verify(context.Background(), tok); !errors.Is(err, want) {
			t.Fatalf("%s: Verify = %v, want %v", name, err, want)
		}
	}

	check("k1", token("RS256", rsaKey, "k1"), nil)
	waitFetch(t, fetched)

	// A token with the next kid, before the rotation: one fetch, not found.
	check("early k2", token("ES256", ecKey, "k2"), verify.ErrUnknownKey)
	waitFetch(t, fetched)

	// The issuer publishes k2. Within the cooldown tokens fail at once ...
	is.update(func(is *lockoutIssuer) { is.doc = testkeys.JWKSet(t, current, next) })
	check("k2 within the cooldown", token("ES256", ecKey, "k2"), verify.ErrUnknownKey)
	if n := is.requests.Load(); n != 2 {
		t.Fatalf("requests within the cooldown = %d, want 2", n)
	}
	// ... and once it has passed, a genuine k2 token makes one fetch and
	// verifies.
	clk.Advance(keysource.DefaultRefreshCooldown)
	check("k2 after one cooldown", token("ES256", ecKey, "k2"), nil)
	if n := is.requests.Load(); n != 3 {
		t.Fatalf("requests = %d, want 3", n)
	}
}
