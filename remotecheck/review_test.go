package remotecheck_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/remotecheck"
	"github.com/jwtguard/jwtguard/verify"
)

// TestReview_IntrospectionBoundTokenNotDowngraded: RFC 7662 answers carry
// the token's "cnf" (RFC 8705 section 3.2, RFC 9449 section 6.2) precisely
// so that the resource server enforces the binding. DESIGN.md: a bound
// token presented as a plain bearer token is refused, never downgraded.
// The Checker ignores cnf, so a stolen DPoP- or mTLS-bound token is
// accepted as a bearer token (directly, or through a verify.Router route
// that is a Checker, since Router.Verify passes no Binding).
func TestReview_IntrospectionBoundTokenNotDowngraded(t *testing.T) {
	tests := []struct {
		name string
		cnf  map[string]any
	}{
		{name: "DPoP-bound (cnf.jkt)", cnf: map[string]any{"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}},
		{name: "certificate-bound (cnf.x5t#S256)", cnf: map[string]any{"x5t#S256": "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c, _, _ := introspector(t, remotecheck.IntrospectionConfig{InsecureSkipAudienceCheck: true})
			srv.Activate("bound-tok", map[string]any{
				"sub": "u-1", "exp": t0.Add(time.Hour).Unix(), "token_type": "DPoP", "cnf": tt.cnf,
			})
			_, err := c.Verify(context.Background(), "bound-tok")
			require.ErrorIs(t, err, verify.ErrBinding, "a sender-constrained token was accepted as a bearer token")
		})
	}
}
