package verify_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/verify"
)

// TestCacheHitsShareReadOnlyClaims pins the contract of Verify: hits for a
// token return one shared *C while nobody writes to it.
func TestCacheHitsShareReadOnlyClaims(t *testing.T) {
	v := rsaVerifier[claims.Keycloak](t, staticRSA(t, "rsa1"), nil)
	tok := signRS(t, "rsa1", with("preferred_username", "alice"))
	fresh, err := v.Verify(context.Background(), tok)
	require.NoError(t, err)
	stored, err := v.Verify(context.Background(), tok) // stored now
	require.NoError(t, err)
	hit1, err := v.Verify(context.Background(), tok)
	require.NoError(t, err)
	hit2, err := v.Verify(context.Background(), tok)
	require.NoError(t, err)
	require.Same(t, hit1, hit2)
	// The verifications that decoded the token returned their own claims,
	// not the cached ones.
	require.NotSame(t, fresh, hit1)
	require.NotSame(t, stored, hit1)
	stored.Subject = "changed by the caller who stored it"
	hit3, err := v.Verify(context.Background(), tok)
	require.NoError(t, err)
	require.Same(t, hit1, hit3)
	require.Equal(t, "user-1", hit3.Subject)
}

// TestCacheHitMutationNeverLeaks: whatever field a caller sets on the
// shared claims of a hit, the next caller gets the claims the token
// carries, and hits share again afterwards.
func TestCacheHitMutationNeverLeaks(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(c *claims.Keycloak)
	}{
		{name: "top-level string", mutate: func(c *claims.Keycloak) { c.PreferredUsername = "mallory" }},
		{name: "embedded registered claim", mutate: func(c *claims.Keycloak) { c.Subject = "root" }},
		{name: "issuer", mutate: func(c *claims.Keycloak) { c.Issuer = "https://evil.example" }},
		{name: "time claim", mutate: func(c *claims.Keycloak) {
			c.ExpiresAt = claims.NewNumericDate(testNow.Add(100 * 24 * time.Hour))
		}},
		{name: "slice replaced", mutate: func(c *claims.Keycloak) { c.RealmAccess.Roles = []string{"admin"} }},
		{name: "slice appended", mutate: func(c *claims.Keycloak) { c.Audience = append(c.Audience, "other-api") }},
		{name: "slice truncated", mutate: func(c *claims.Keycloak) { c.Scope = c.Scope[:0] }},
		{name: "map replaced", mutate: func(c *claims.Keycloak) {
			c.ResourceAccess = map[string]claims.Roles{"admin-api": {Roles: []string{"admin"}}}
		}},
		{name: "map cleared", mutate: func(c *claims.Keycloak) { c.Extra = nil }},
		{name: "bool", mutate: func(c *claims.Keycloak) { c.EmailVerified = false }},
		{name: "whole struct", mutate: func(c *claims.Keycloak) { *c = claims.Keycloak{} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := rsaVerifier[claims.Keycloak](t, staticRSA(t, "rsa1"), nil)
			tok := signRS(t, "rsa1", with(
				"preferred_username", "alice", "email_verified", true, "scope", "openid email",
				"realm_access", map[string]any{"roles": []string{"user"}},
				"resource_access", map[string]any{"account": map[string]any{"roles": []string{"view-profile"}}},
				"tenant", "acme",
			))
			warm(t, v, tok)
			want, err := v.Verify(context.Background(), tok)
			require.NoError(t, err)
			snapshot := *want

			hit, err := v.Verify(context.Background(), tok)
			require.NoError(t, err)
			tt.mutate(hit)

			next, err := v.Verify(context.Background(), tok)
			require.NoError(t, err)
			require.NotSame(t, hit, next, "a changed entry must not be handed out again")
			require.Equal(t, snapshot, *next)
			require.Equal(t, "alice", next.PreferredUsername)
			require.Equal(t, []string{"user"}, next.RealmAccess.Roles)

			// The token is cached afresh and its hits share again.
			_, err = v.Verify(context.Background(), tok)
			require.NoError(t, err)
			again, err := v.Verify(context.Background(), tok)
			require.NoError(t, err)
			third, err := v.Verify(context.Background(), tok)
			require.NoError(t, err)
			require.Same(t, again, third)
			require.Equal(t, snapshot, *third)
		})
	}
}

// TestCacheValidatorMutationNeverLeaks: a validator that writes to the
// claims it checks is caught too, and never changes what callers get.
func TestCacheValidatorMutationNeverLeaks(t *testing.T) {
	calls := 0
	v := rsaVerifier(t, staticRSA(t, "rsa1"), func(c *verify.Config[claims.Registered]) {
		c.Validators = []func(context.Context, *claims.Registered) error{func(_ context.Context, c *claims.Registered) error {
			calls++
			if calls > 2 { // from the first hit on
				c.Subject = "rewritten"
			}
			return nil
		}}
	})
	tok := signRS(t, "rsa1", validClaims())
	warm(t, v, tok)
	got, err := v.Verify(context.Background(), tok)
	require.NoError(t, err)
	// The hit's validator changed the shared claims: the hit is dropped and
	// the token verified afresh, whose validator changed its own claims.
	require.Equal(t, "rewritten", got.Subject)
	other, err := v.Verify(context.Background(), tok)
	require.NoError(t, err)
	require.NotSame(t, got, other)
}

// TestCacheHitStillRefusesAfterMutation: a caller's change cannot turn a
// refusal into an acceptance either (here an expired token whose exp a
// caller pushed into the future on its shared claims).
func TestCacheHitStillRefusesAfterMutation(t *testing.T) {
	clock := &mutableClock{now: testNow}
	v := rsaVerifier(t, staticRSA(t, "rsa1"), func(c *verify.Config[claims.Registered]) { c.Now = clock.Now })
	tok := signRS(t, "rsa1", with("exp", testNow.Add(2*time.Minute).Unix()))
	warm(t, v, tok)
	hit, err := v.Verify(context.Background(), tok)
	require.NoError(t, err)
	hit.ExpiresAt = claims.NewNumericDate(testNow.Add(time.Hour))
	clock.Add(10 * time.Minute)
	_, err = v.Verify(context.Background(), tok)
	require.ErrorIs(t, err, verify.ErrExpired)
}

// TestDecodedClaimsOwnTheirMemory: claims point into their token's decoded
// payload (claimsdec does not copy strings), so no later verification may
// reuse that memory. Tokens of the same length, verified after, must leave
// the first claims as they were.
func TestDecodedClaimsOwnTheirMemory(t *testing.T) {
	v := rsaVerifier(t, staticRSA(t, "rsa1"), func(c *verify.Config[claims.Keycloak]) { c.CacheSize = -1 })
	first, err := v.Verify(context.Background(), signRS(t, "rsa1", with("sub", "subject-0000", "preferred_username", "user-0000")))
	require.NoError(t, err)
	want := *first
	wantSub, wantName := strings.Clone(first.Subject), strings.Clone(first.PreferredUsername)
	for i := range 50 {
		_, err := v.Verify(context.Background(), signRS(t, "rsa1", with(
			"sub", fmt.Sprintf("subject-%04d", i+1), "preferred_username", fmt.Sprintf("user-%04d", i+1))))
		require.NoError(t, err)
	}
	require.Equal(t, wantSub, first.Subject)
	require.Equal(t, wantName, first.PreferredUsername)
	require.Equal(t, want, *first)
}
