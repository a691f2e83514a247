package verify_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/verify"
)

// TestFactsTypes: with a revocation checker, the session and client
// claims it matches on must be strings (or null, counted as absent);
// without one, only cnf is read and they may be anything the claims type
// accepts. Keycloak keeps client_id among its Extra claims, so only the
// facts decoder can refuse it.
func TestFactsTypes(t *testing.T) {
	tests := []struct {
		name  string
		extra []any
		rev   bool
		want  error
	}{
		{"client_id a number, revocation on", []any{"client_id", 5}, true, verify.ErrClaims},
		{"client_id an object, revocation on", []any{"client_id", map[string]any{"a": 1}}, true, verify.ErrClaims},
		{"client_id null, revocation on", []any{"client_id", nil}, true, nil},
		{"client_id a number, revocation off", []any{"client_id", 5}, false, nil},
		{"cnf a number, revocation on", []any{"cnf", 5}, true, verify.ErrClaims},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := rsaVerifier(t, staticRSA(t, "rsa1"), func(c *verify.Config[claims.Keycloak]) {
				if tt.rev {
					c.Revocation = &fakeChecker{}
				}
			})
			_, err := v.Verify(context.Background(), signRS(t, "rsa1", with(tt.extra...)))
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
		})
	}
}
