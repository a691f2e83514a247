package remotecheck_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
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

// TestReview_EPRBoundTokenNotDowngraded: with NewEPR the claims are the
// token's own payload; a payload with "cnf" is accepted as a bearer token.
func TestReview_EPRBoundTokenNotDowngraded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"valid":true}`))
	}))
	t.Cleanup(srv.Close)
	chk, err := remotecheck.NewEPR[claims.Map](remotecheck.EPRConfig{BaseURL: srv.URL, PartnerToken: "p"})
	require.NoError(t, err)
	token := b64(`{"alg":"RS256","typ":"JWT"}`) + "." +
		b64(fmt.Sprintf(`{"sub":"alice","exp":%d,"cnf":{"jkt":"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}}`, time.Now().Add(time.Hour).Unix())) +
		"." + b64("signature")
	_, err = chk.Verify(context.Background(), token)
	require.ErrorIs(t, err, verify.ErrBinding, "a DPoP-bound token was accepted as a bearer token")
	require.Equal(t, verify.ReasonBinding, verify.Reason(err))

	// The name escaped in the payload hides nothing.
	escaped := b64(`{"alg":"RS256","typ":"JWT"}`) + "." +
		b64(fmt.Sprintf(`{"sub":"alice","exp":%d,"\u0063nf":{"jkt":"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}}`, time.Now().Add(time.Hour).Unix())) +
		"." + b64("signature")
	_, err = chk.Verify(context.Background(), escaped)
	require.ErrorIs(t, err, verify.ErrBinding, "an escaped cnf was accepted as a bearer token")

	// An unbound token still passes.
	plain := b64(`{"alg":"RS256","typ":"JWT"}`) + "." +
		b64(fmt.Sprintf(`{"sub":"alice","exp":%d,"x":{"cnf":{}}}`, time.Now().Add(time.Hour).Unix())) +
		"." + b64("signature")
	_, err = chk.Verify(context.Background(), plain)
	require.NoError(t, err)
}
