package remotecheck_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/fakeepr"
	"github.com/jwtguard/jwtguard/remotecheck"
	"github.com/jwtguard/jwtguard/verify"
)

// TestEPRRefusesGarbageWithoutCall: what EPR cannot have issued (not a
// compact signed JWT, no exp or one that is not a number) is refused as
// malformed, and a token whose exp has passed as expired, without asking
// EPR, so garbage never takes a check slot.
func TestEPRRefusesGarbageWithoutCall(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		_, _ = w.Write([]byte(`{"valid":true}`))
	}))
	t.Cleanup(srv.Close)
	chk, err := remotecheck.NewEPR[claims.Map](remotecheck.EPRConfig{BaseURL: srv.URL, PartnerToken: "p"})
	require.NoError(t, err)

	header := b64(`{"alg":"HS256","typ":"JWT"}`)
	exp := time.Now().Add(time.Hour).Unix()
	jwtWith := func(payload string) string { return header + "." + b64(payload) + "." + b64("signature") }
	tests := []struct {
		name   string
		token  string
		want   error
		reason string
	}{
		{name: "opaque token", token: "opaque-token", want: verify.ErrMalformed, reason: verify.ReasonMalformed},
		{name: "two segments", token: header + "." + b64(fmt.Sprintf(`{"exp":%d}`, exp)), want: verify.ErrMalformed, reason: verify.ReasonMalformed},
		{name: "no signature", token: header + "." + b64(fmt.Sprintf(`{"exp":%d}`, exp)) + ".", want: verify.ErrMalformed, reason: verify.ReasonMalformed},
		{name: "five segments (JWE)", token: header + ".a.b.c.d", want: verify.ErrMalformed, reason: verify.ReasonMalformed},
		{name: "header not JSON", token: b64("nope") + "." + b64(fmt.Sprintf(`{"exp":%d}`, exp)) + "." + b64("s"), want: verify.ErrMalformed, reason: verify.ReasonMalformed},
		{name: "payload not base64url", token: header + ".a+b/." + b64("s"), want: verify.ErrMalformed, reason: verify.ReasonMalformed},
		{name: "payload not an object", token: jwtWith(`[1,2]`), want: verify.ErrMalformed, reason: verify.ReasonMalformed},
		{name: "payload null", token: jwtWith(`null`), want: verify.ErrMalformed, reason: verify.ReasonMalformed},
		{name: "no exp", token: jwtWith(`{"sub":"alice"}`), want: verify.ErrMalformed, reason: verify.ReasonMalformed},
		{name: "exp null", token: jwtWith(`{"exp":null}`), want: verify.ErrMalformed, reason: verify.ReasonMalformed},
		{name: "exp a string", token: jwtWith(fmt.Sprintf(`{"exp":"%d"}`, exp)), want: verify.ErrMalformed, reason: verify.ReasonMalformed},
		{name: "exp twice", token: jwtWith(fmt.Sprintf(`{"exp":%d,"exp":%d}`, exp, exp)), want: verify.ErrMalformed, reason: verify.ReasonMalformed},
		{name: "exp passed", token: jwtWith(fmt.Sprintf(`{"exp":%d}`, time.Now().Add(-time.Hour).Unix())), want: verify.ErrExpired, reason: verify.ReasonExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := chk.Verify(context.Background(), tt.token)
			requireReason(t, err, tt.want, tt.reason)
			require.Nil(t, got)
			require.Zero(t, calls.Load(), "EPR is never asked")
		})
	}
	_, err = chk.Verify(context.Background(), jwtWith(fmt.Sprintf(`{"exp":%d}`, exp)))
	require.NoError(t, err)
	require.EqualValues(t, 1, calls.Load(), "a well-formed live token is asked about")
}

// TestEPRIssuersAudiences: the optional Issuers and Audiences are checked on
// the claims the Checker hands out; with the default Interpret, a token
// whose own payload fails them costs no call.
func TestEPRIssuersAudiences(t *testing.T) {
	fromBody := func(claims string) func(remotecheck.EPRResponse) (remotecheck.Result, error) {
		return func(r remotecheck.EPRResponse) (remotecheck.Result, error) {
			res, err := remotecheck.DefaultEPRInterpret(r)
			if err != nil || !res.Active {
				return res, err
			}
			return remotecheck.Result{Active: true, Claims: []byte(claims)}, nil
		}
	}
	tests := []struct {
		name      string
		issuers   func(srvURL string) []string
		audiences []string
		interpret func(remotecheck.EPRResponse) (remotecheck.Result, error)
		want      error
		reason    string
		calls     int
	}{
		{name: "neither set", calls: 1},
		{name: "issuer accepted", issuers: func(u string) []string { return []string{"https://other.example", u} }, calls: 1},
		{name: "issuer refused before the call", issuers: func(string) []string { return []string{"https://other.example"} },
			want: verify.ErrIssuer, reason: verify.ReasonIssuer},
		{name: "no aud, refused before the call", audiences: []string{"reports"},
			want: verify.ErrMissingClaim, reason: verify.ReasonMissingClaim},
		{name: "Interpret's claims accepted", audiences: []string{"reports"},
			interpret: fromBody(`{"sub":"alice","aud":["billing","reports"]}`), calls: 1},
		{name: "Interpret's claims refused after the call", issuers: func(u string) []string { return []string{u} },
			interpret: fromBody(`{"sub":"alice","iss":"https://evil.example"}`), want: verify.ErrIssuer, reason: verify.ReasonIssuer, calls: 1},
		{name: "Interpret's aud of the wrong type", audiences: []string{"reports"},
			interpret: fromBody(`{"aud":7}`), want: verify.ErrClaims, reason: verify.ReasonClaims, calls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEPR(t, func(cfg *remotecheck.EPRConfig) {
				if tt.issuers != nil {
					cfg.Issuers = tt.issuers(strings.TrimSuffix(cfg.BaseURL, "/"))
				}
				cfg.Audiences = tt.audiences
				cfg.Interpret = tt.interpret
			})
			got, err := e.chk.Verify(context.Background(), e.srv.Token(fakeepr.UserName))
			if tt.want == nil {
				require.NoError(t, err)
				require.NotNil(t, got)
			} else {
				requireReason(t, err, tt.want, tt.reason)
			}
			require.Equal(t, tt.calls, e.srv.Checks())
		})
	}

	_, err := remotecheck.NewEPR[claims.Map](remotecheck.EPRConfig{BaseURL: "https://epr.example", PartnerToken: "p", Audiences: []string{""}})
	require.Error(t, err, "an empty audience is refused")
}
