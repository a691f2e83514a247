package profile_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/fakeepr"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/profile"
	"github.com/jwtguard/jwtguard/remotecheck"
	"github.com/jwtguard/jwtguard/revocation"
	"github.com/jwtguard/jwtguard/verify"
)

// newEPR returns a profile for s that retries once, without pausing.
func newEPR(t *testing.T, s *fakeepr.Server) *profile.Profile[claims.Map] {
	t.Helper()
	p, err := profile.EPR(remotecheck.EPRConfig{
		BaseURL:      s.URL,
		PartnerToken: s.PartnerToken(),
		Options:      remotecheck.Options{Attempts: 2, RetryPause: -1},
	})
	require.NoError(t, err)
	return closeAtEnd(t, p)
}

func xAccessToken(token string) http.Header { return http.Header{"X-Access-Token": {token}} }

func TestEPR(t *testing.T) {
	s := fakeepr.New(t, fakeepr.Options{})
	p := newEPR(t, s)
	assert.Empty(t, p.Issuer())
	require.NoError(t, p.Ready(context.Background()), "nothing to wait for")

	c, err := p.Verifier.Verify(context.Background(), s.Token(fakeepr.UserName))
	require.NoError(t, err)
	sub, _ := c.String("sub")
	assert.Equal(t, fakeepr.UserName, sub)

	loggedOut := s.Token(fakeepr.UserName)
	s.Logout(loggedOut)
	expired := s.TokenWithTTL(fakeepr.UserName, -time.Hour)
	tests := []struct {
		name      string
		header    http.Header
		down      bool
		status    int
		challenge string
		reason    string // of the problem body
	}{
		{name: "live token", header: xAccessToken(s.Token(fakeepr.UserName)), status: 200},
		{name: "no token", status: 401, challenge: `Bearer realm="api"`, reason: middleware.ReasonNoToken},
		{name: "Authorization: Bearer is not read", header: bearer(s.Token(fakeepr.UserName)), status: 401, challenge: `Bearer realm="api"`, reason: middleware.ReasonNoToken},
		{name: "logged out", header: xAccessToken(loggedOut), status: 401,
			challenge: `Bearer realm="api", error="invalid_token", error_description="inactive"`, reason: remotecheck.ReasonInactive},
		{name: "expired, no call", header: xAccessToken(expired), status: 401,
			challenge: `Bearer realm="api", error="invalid_token", error_description="expired"`, reason: verify.ReasonExpired},
		{name: "check endpoint down", header: xAccessToken(s.Token(fakeepr.UserName)), down: true, status: 503, reason: remotecheck.ReasonCheckUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.down {
				s.SetMode(fakeepr.Down)
				defer s.SetMode(fakeepr.Up)
			}
			resp := serve(t, p, tt.header)
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Equal(t, tt.challenge, resp.Header.Get("WWW-Authenticate"))
			if tt.down {
				assert.NotEmpty(t, resp.Header.Get("Retry-After"))
			}
			if tt.reason != "" {
				var body struct{ Reason string }
				require.NoError(t, jsonDecode(resp, &body))
				assert.Equal(t, tt.reason, body.Reason)
			}
		})
	}

	checks := s.Checks()
	_, err = p.Verifier.Verify(context.Background(), expired)
	requireRefused(t, err, verify.ErrExpired, verify.ReasonExpired)
	assert.Equal(t, checks, s.Checks(), "an expired token is refused without asking EPR")
}

func TestEPRConfigErrors(t *testing.T) {
	_, err := profile.EPR(remotecheck.EPRConfig{PartnerToken: "x"})
	assert.ErrorIs(t, err, profile.ErrConfig)
	assert.ErrorContains(t, err, "BaseURL")
	_, err = profile.EPR(remotecheck.EPRConfig{BaseURL: "http://epr.example.com", PartnerToken: "x"})
	assert.ErrorIs(t, err, profile.ErrConfig)
	assert.ErrorIs(t, err, remotecheck.ErrInsecureURL)
}

// TestEPRIssuersAudiences: the profile passes EPRConfig.Issuers and
// Audiences through to the check of the payload EPR vouches for.
func TestEPRIssuersAudiences(t *testing.T) {
	s := fakeepr.New(t, fakeepr.Options{})
	tests := []struct {
		name    string
		issuers []string
		want    error
		reason  string
	}{
		{name: "the fake's own issuer", issuers: []string{s.URL}},
		{name: "another issuer", issuers: []string{"https://other.example"}, want: verify.ErrIssuer, reason: verify.ReasonIssuer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := profile.EPR(remotecheck.EPRConfig{BaseURL: s.URL, PartnerToken: s.PartnerToken(), Issuers: tt.issuers})
			require.NoError(t, err)
			closeAtEnd(t, p)
			_, err = p.Verifier.Verify(context.Background(), s.Token(fakeepr.UserName))
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			requireRefused(t, err, tt.want, tt.reason)
		})
	}
}

// TestEPRRevocation: Options.Revocation reaches the profile's checker, and
// a cached positive answer does not outlive a revocation.
func TestEPRRevocation(t *testing.T) {
	s := fakeepr.New(t, fakeepr.Options{})
	store, err := revocation.NewMemory(revocation.MemoryConfig{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, store.Close()) })
	p, err := profile.EPR(remotecheck.EPRConfig{
		BaseURL:      s.URL,
		PartnerToken: s.PartnerToken(),
		Options:      remotecheck.Options{Revocation: store},
	})
	require.NoError(t, err)
	closeAtEnd(t, p)

	token := s.Token(fakeepr.UserName)
	c, err := p.Verifier.Verify(context.Background(), token)
	require.NoError(t, err)
	iss, _ := c.String("iss")
	checks := s.Checks()
	require.NoError(t, store.Revoke(context.Background(), revocation.SubjectEntry(iss, fakeepr.UserName, time.Now().Add(time.Second))))

	_, err = p.Verifier.Verify(context.Background(), token)
	require.ErrorIs(t, err, verify.ErrRevoked)
	assert.Equal(t, checks, s.Checks(), "refused from the cache")
}
