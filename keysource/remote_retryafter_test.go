package keysource_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/verify"
)

// TestRetryAfterCannotFreezeSource: an honoured Retry-After is capped at
// the backoff maximum (5 min), before the first successful fetch and after,
// and never holds an on-demand refresh back for more than RefreshCooldown.
func TestRetryAfterCannotFreezeSource(t *testing.T) {
	rsaKey, ecKey := testkeys.RSA2048(t), testkeys.P256(t)
	current, next := testkeys.JWK(t, "k1", "RS256", rsaKey), testkeys.JWK(t, "k2", "ES256", ecKey)
	const backoffMax = 5 * time.Minute

	t.Run("503 Retry-After 86400 on the first fetch", func(t *testing.T) {
		is := newLockoutIssuer(t)
		is.update(func(is *lockoutIssuer) {
			is.doc, is.status, is.retryAfter = testkeys.JWKSet(t, current), http.StatusServiceUnavailable, "86400"
		})
		clk := keysource.NewTestClock()
		fetched := make(chan keysource.RefreshEvent, 100)
		_, src := lockoutVerifier(t, is, clk, fetched)
		if _, err := src.Keys(context.Background()); !errors.Is(err, keysource.ErrUnavailable) {
			t.Fatalf("first Keys = %v, want ErrUnavailable", err)
		}
		waitFetch(t, fetched)
		st := src.Status()
		if got := st.NextRefresh.Sub(st.LastAttempt); got > backoffMax {
			t.Fatalf("next attempt in %s after a day-long Retry-After, want at most %s", got, backoffMax)
		}
		is.update(func(is *lockoutIssuer) { is.status = 0 })
		clk.Advance(backoffMax)
		if ev := waitFetch(t, fetched); ev.Err != nil {
			t.Fatalf("retry: %v", ev.Err)
		}
		if set, err := src.Keys(context.Background()); err != nil || set.ByID("k1") == nil {
			t.Fatalf("Keys after the retry = %v, %v", set, err)
		}
	})

	t.Run("429 Retry-After 43200 then a rotation", func(t *testing.T) {
		is := newLockoutIssuer(t)
		is.update(func(is *lockoutIssuer) { is.doc = testkeys.JWKSet(t, current) })
		clk := keysource.NewTestClock()
		fetched := make(chan keysource.RefreshEvent, 100)
		v, src := lockoutVerifier(t, is, clk, fetched)
		token := testkeys.SignClaims(t, "ES256", ecKey, map[string]any{"kid": "k2"},
			map[string]any{"iss": "https://issuer.test", "aud": "api", "exp": clk.Now().Add(24 * time.Hour).Unix()})
		if _, err := src.Keys(context.Background()); err != nil {
			t.Fatal(err)
		}
		waitFetch(t, fetched)

		// The background refresh meets a 429 asking for 12 h.
		is.update(func(is *lockoutIssuer) { is.status, is.retryAfter = http.StatusTooManyRequests, "43200" })
		clk.Advance(keysource.DefaultRefreshInterval)
		if ev := waitFetch(t, fetched); ev.Err == nil {
			t.Fatal("the 429 fetch succeeded")
		}
		st := src.Status()
		if got := st.NextRefresh.Sub(st.LastAttempt); got > backoffMax {
			t.Fatalf("next attempt in %s after Retry-After 43200, want at most %s", got, backoffMax)
		}

		// The issuer recovers and rotates to k2. Within one cooldown of
		// the 429, the first k2 token refreshes the keys and verifies.
		is.update(func(is *lockoutIssuer) { is.status, is.doc = 0, testkeys.JWKSet(t, current, next) })
		// Right after the 429 the Retry-After holds on-demand refreshes back ...
		if _, err := v.Verify(context.Background(), token); !errors.Is(err, verify.ErrUnknownKey) {
			t.Fatalf("k2 token right after the 429: %v, want ErrUnknownKey", err)
		}
		if n := is.requests.Load(); n != 2 {
			t.Fatalf("requests right after the 429 = %d, want 2", n)
		}
		// ... for one cooldown at most.
		clk.Advance(keysource.DefaultRefreshCooldown)
		if _, err := v.Verify(context.Background(), token); err != nil {
			t.Fatalf("k2 token one cooldown after the 429: %v", err)
		}
		if n := is.requests.Load(); n != 3 {
			t.Fatalf("requests = %d, want 3", n)
		}
	})
}
