package verify_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/verify"
)

// ptrClaims embeds *claims.Registered: the pointer stays nil when the
// payload holds no registered claim.
type ptrClaims struct {
	*claims.Registered
	Tenant string `json:"tenant"`
}

// TestVerifyNilEmbeddedRegistered: a claims type whose embedded
// *claims.Registered is nil after decoding is checked as an empty
// Registered, never dereferenced.
func TestVerifyNilEmbeddedRegistered(t *testing.T) {
	insecure := func(c *verify.Config[ptrClaims]) {
		c.InsecureAllowMissingExpiry = true
		c.InsecureSkipIssuerCheck = true
		c.InsecureSkipAudienceCheck = true
	}
	tests := []struct {
		name    string
		mod     func(*verify.Config[ptrClaims])
		payload map[string]any
		want    error
		sub     string
	}{
		{name: "no registered claim: exp is missing", payload: map[string]any{"tenant": "acme"}, want: verify.ErrMissingClaim},
		{name: "no registered claim, none required", mod: insecure, payload: map[string]any{"tenant": "acme"}},
		{name: "registered claims present", payload: with("tenant", "acme"), sub: "user-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := rsaVerifier(t, staticRSA(t, "rsa1"), tt.mod)
			c, err := v.Verify(context.Background(), signRS(t, "rsa1", tt.payload))
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
				return
			}
			require.NoError(t, err)
			require.Equal(t, "acme", c.Tenant)
			if tt.sub != "" {
				require.Equal(t, tt.sub, c.Subject)
			}
		})
	}
}
