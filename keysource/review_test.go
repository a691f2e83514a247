package keysource_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/verify"
)

// TestReview_AtMostOneFetchPerCooldown: an attacker mixing every kind of
// token that asks for a refresh (random kids, no kid with a bad signature,
// the known kid with a bad signature, an early copy of a real next kid)
// gets at most one fetch per RefreshCooldown, and a kid published later
// still verifies within one cooldown of its publication.
func TestReview_AtMostOneFetchPerCooldown(t *testing.T) {
	is := newLockoutIssuer(t)
	rsaKey, other := testkeys.RSA2048(t), testkeys.RSA3072(t)
	ecKey := testkeys.P256(t)
	current, next := testkeys.JWK(t, "k1", "RS256", rsaKey), testkeys.JWK(t, "k2", "ES256", ecKey)
	is.update(func(is *lockoutIssuer) { is.doc, is.maxAge = testkeys.JWKSet(t, current), 86400 })
	clk := keysource.NewTestClock()
	fetched := make(chan keysource.RefreshEvent, 1000)
	v, _ := lockoutVerifier(t, is, clk, fetched)
	token := func(alg string, key any, header map[string]any) string {
		return testkeys.SignClaims(t, alg, key, header,
			map[string]any{"iss": "https://issuer.test", "aud": "api", "exp": clk.Now().Add(time.Hour).Unix()})
	}
	if _, err := v.Verify(context.Background(), token("RS256", rsaKey, map[string]any{"kid": "k1"})); err != nil {
		t.Fatal(err)
	}
	const rounds = 4
	for r := range rounds {
		for i := range 30 {
			for _, tok := range []string{
				token("RS256", other, map[string]any{"kid": fmt.Sprintf("rnd-%d-%d", r, i)}),
				token("RS256", other, map[string]any{}),
				token("RS256", other, map[string]any{"kid": "k1"}),
				token("ES256", ecKey, map[string]any{"kid": "k2"}),
			} {
				if _, err := v.Verify(context.Background(), tok); err == nil {
					t.Fatalf("round %d: an attacker token verified", r)
				}
			}
		}
		clk.Advance(keysource.DefaultRefreshCooldown)
	}
	if n, max := is.requests.Load(), int64(1+rounds); n > max {
		t.Fatalf("requests = %d, want at most %d (one per cooldown)", n, max)
	}
	// The real next key is published; within one cooldown a genuine k2
	// token verifies despite the attacker's early k2 tokens.
	is.update(func(is *lockoutIssuer) { is.doc = testkeys.JWKSet(t, current, next) })
	for _, tok := range []string{
		token("RS256", other, map[string]any{"kid": "rnd-late"}),
		token("ES256", ecKey, map[string]any{"kid": "k2"}),
	} {
		_, _ = v.Verify(context.Background(), tok)
	}
	clk.Advance(keysource.DefaultRefreshCooldown)
	if _, err := v.Verify(context.Background(), token("ES256", ecKey, map[string]any{"kid": "k2"})); err != nil && !errors.Is(err, verify.ErrUnknownKey) {
		t.Fatal(err)
	} else if err != nil {
		t.Fatalf("k2 still unknown one cooldown after its publication: %v", err)
	}
}
