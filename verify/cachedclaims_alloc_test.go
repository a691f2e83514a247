//go:build !race

package verify_test

import (
	"context"
	"testing"

	"github.com/jwtguard/jwtguard/claims"
)

// TestCacheHitAllocatesNothing: a hit returns the shared claims, so it
// allocates nothing (the race detector's instrumentation allocates, hence
// the build tag).
func TestCacheHitAllocatesNothing(t *testing.T) {
	v := rsaVerifier[claims.Keycloak](t, staticRSA(t, "rsa1"), nil)
	tok := signRS(t, "rsa1", with("preferred_username", "alice", "realm_access", map[string]any{"roles": []string{"user"}}))
	warm(t, v, tok)
	ctx := context.Background()
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := v.Verify(ctx, tok); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("a cache hit allocates %v times, want 0", allocs)
	}
}
