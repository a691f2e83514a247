package profile_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/fakeidp"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/profile"
	"github.com/jwtguard/jwtguard/verify"
)

// newErply returns a profile for e expecting the fake's default account,
// changed by edit.
func newErply(t *testing.T, e *fakeidp.Erply, edit func(*profile.ErplyConfig)) *profile.Profile[claims.Erply] {
	t.Helper()
	cfg := profile.ErplyConfig{
		PEMURL: e.PEMURL, Account: fakeidp.DefaultErplyAccount,
		// The fake's tokens carry no iss and no aud, as Erply documents none.
		InsecureSkipIssuerCheck: true, InsecureSkipAudienceCheck: true,
		Settings: quiet(),
	}
	if edit != nil {
		edit(&cfg)
	}
	p, err := profile.Erply(cfg)
	require.NoError(t, err)
	return closeAtEnd(t, p)
}

func TestErplyAccepts(t *testing.T) {
	e := fakeidp.NewErply(t, fakeidp.ErplyOptions{})
	p := newErply(t, e, nil)
	assert.Empty(t, p.Issuer(), "iss not checked")
	c, err := p.Verifier.Verify(context.Background(), e.Token(fakeidp.Claims{"iss": "https://anything.example"}))
	require.NoError(t, err)
	assert.Equal(t, claims.Code(fakeidp.DefaultErplyAccount), c.ClientCode)
	assert.Equal(t, fakeidp.DefaultErplyUsername, c.Username)
	assert.Equal(t, claims.CommaScopes{"pos_sale", "pos_refund", "reports_view"}, c.Permissions)

	tok := e.Token(nil)
	for _, tt := range []struct {
		name   string
		header http.Header
		status int
	}{
		{name: "Authorization: Bearer", header: bearer(tok), status: 200},
		{name: "jwt header", header: http.Header{"Jwt": {tok}}, status: 200},
		{name: "both", header: http.Header{"Jwt": {tok}, "Authorization": {"Bearer " + tok}}, status: 400},
		{name: "none", status: 401},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp := serve(t, p, tt.header)
			assert.Equal(t, tt.status, resp.StatusCode)
		})
	}
}

func TestErplyRefusals(t *testing.T) {
	e := fakeidp.NewErply(t, fakeidp.ErplyOptions{})
	realm := fakeidp.NewRealm(t, fakeidp.RealmOptions{})
	p := newErply(t, e, nil)
	withIss := newErply(t, e, func(c *profile.ErplyConfig) { c.Issuer, c.InsecureSkipIssuerCheck = "https://id.erply.test", false })
	tests := []struct {
		name   string
		p      *profile.Profile[claims.Erply]
		token  string
		want   error
		reason string
	}{
		{name: "wrong account", token: e.Token(fakeidp.Claims{"clientCode": "999999"}), want: profile.ErrAccount, reason: verify.ReasonClaims},
		{name: "empty account", token: e.Token(fakeidp.Claims{"clientCode": ""}), want: profile.ErrAccount, reason: verify.ReasonClaims},
		{name: "no account claim", token: e.Token(fakeidp.Claims{"clientCode": nil}), want: verify.ErrMissingClaim, reason: verify.ReasonMissingClaim},
		{name: "fractional account claim", token: e.Token(fakeidp.Claims{"clientCode": 104553.5}), want: verify.ErrClaims, reason: verify.ReasonClaims},
		{name: "boolean account claim", token: e.Token(fakeidp.Claims{"clientCode": true}), want: verify.ErrClaims, reason: verify.ReasonClaims},
		{name: "expired", token: e.Token(fakeidp.Claims{"exp": time.Now().Add(-time.Hour).Unix()}), want: verify.ErrExpired, reason: verify.ReasonExpired},
		{name: "no exp", token: e.Token(fakeidp.Claims{"exp": nil}), want: verify.ErrMissingClaim, reason: verify.ReasonMissingClaim},
		{name: "signed by another key", token: realm.Sign(e.Claims()), want: verify.ErrSignature, reason: verify.ReasonSignature},
		{name: "HS256", token: realm.RefreshToken(e.Claims()), want: verify.ErrAlgorithm, reason: verify.ReasonAlgorithm},
		{name: "Issuer set, no iss", p: withIss, token: e.Token(nil), want: verify.ErrMissingClaim, reason: verify.ReasonMissingClaim},
		{name: "Issuer set, other iss", p: withIss, token: e.Token(fakeidp.Claims{"iss": "https://other.test"}), want: verify.ErrIssuer, reason: verify.ReasonIssuer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pp := tt.p
			if pp == nil {
				pp = p
			}
			_, err := pp.Verifier.Verify(context.Background(), tt.token)
			requireRefused(t, err, tt.want, tt.reason)
		})
	}
	_, err := withIss.Verifier.Verify(context.Background(), e.Token(fakeidp.Claims{"iss": "https://id.erply.test"}))
	assert.NoError(t, err)
}

func TestErplyKeyRotation(t *testing.T) {
	tests := []struct {
		name    string
		keepOld bool
		oldErr  error // for a token signed before the rotation
	}{
		{name: "old key withdrawn at once", oldErr: verify.ErrSignature},
		{name: "old key published alongside", keepOld: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := fakeidp.NewErply(t, fakeidp.ErplyOptions{})
			p := newErply(t, e, nil)
			before := e.Token(nil)
			_, err := p.Verifier.Verify(context.Background(), before)
			require.NoError(t, err)
			require.Equal(t, 1, e.Fetches())

			require.NoError(t, e.Rotate(tt.keepOld))
			_, err = p.Verifier.Verify(context.Background(), e.Token(nil))
			require.NoError(t, err, "the failed signature causes one re-fetch")
			assert.Equal(t, 2, e.Fetches())

			// The old key is gone from the keys, and the cached token with it.
			_, err = p.Verifier.Verify(context.Background(), before)
			if tt.oldErr != nil {
				requireRefused(t, err, tt.oldErr, verify.ReasonSignature)
			} else {
				assert.NoError(t, err)
			}
			assert.Equal(t, 2, e.Fetches(), "a second re-fetch waits for the cooldown")
		})
	}
}

func TestErplyClaimNames(t *testing.T) {
	e := fakeidp.NewErply(t, fakeidp.ErplyOptions{})
	tests := []struct {
		name  string
		names profile.ErplyClaimNames
		over  fakeidp.Claims
		want  claims.Erply // ClientCode, Username, Permissions
		err   error
	}{
		{name: "defaults", want: claims.Erply{ClientCode: fakeidp.DefaultErplyAccount, Username: fakeidp.DefaultErplyUsername, Permissions: claims.CommaScopes{"pos_sale", "pos_refund", "reports_view"}}},
		{
			name:  "other names",
			names: profile.ErplyClaimNames{Account: "accountNumber", Username: "user", Permissions: "perms"},
			over:  fakeidp.Claims{"accountNumber": fakeidp.DefaultErplyAccount, "clientCode": "999999", "user": "bob", "perms": "a, b"},
			want:  claims.Erply{ClientCode: fakeidp.DefaultErplyAccount, Username: "bob", Permissions: claims.CommaScopes{"a", "b"}},
		},
		{
			name:  "username from sub, permissions as an array",
			names: profile.ErplyClaimNames{Username: "sub", Permissions: "rights"},
			over:  fakeidp.Claims{"sub": "carol", "rights": []string{"x", "y"}},
			want:  claims.Erply{ClientCode: fakeidp.DefaultErplyAccount, Username: "carol", Permissions: claims.CommaScopes{"x", "y"}},
		},
		{
			name:  "configured claims absent: empty fields, not the default-named ones",
			names: profile.ErplyClaimNames{Username: "user", Permissions: "perms"},
			want:  claims.Erply{ClientCode: fakeidp.DefaultErplyAccount},
		},
		{
			name:  "the default-named account is ignored",
			names: profile.ErplyClaimNames{Account: "acct"},
			over:  fakeidp.Claims{"acct": "999999"},
			err:   profile.ErrAccount,
		},
		{
			name:  "account claim of another name missing",
			names: profile.ErplyClaimNames{Account: "acct"},
			err:   verify.ErrMissingClaim,
		},
		{
			name:  "account neither a string nor an integer",
			names: profile.ErplyClaimNames{Account: "acct"},
			over:  fakeidp.Claims{"acct": true},
			err:   verify.ErrClaims,
		},
		{
			name: "account as a JSON integer",
			over: fakeidp.Claims{"clientCode": 104553},
			want: claims.Erply{ClientCode: fakeidp.DefaultErplyAccount, Username: fakeidp.DefaultErplyUsername, Permissions: claims.CommaScopes{"pos_sale", "pos_refund", "reports_view"}},
		},
		{
			name:  "account of another name as a JSON integer",
			names: profile.ErplyClaimNames{Account: "acct", Username: "user"},
			over:  fakeidp.Claims{"acct": 104553, "user": "dan"},
			want:  claims.Erply{ClientCode: fakeidp.DefaultErplyAccount, Username: "dan", Permissions: claims.CommaScopes{"pos_sale", "pos_refund", "reports_view"}},
		},
		{
			name:  "permissions of the wrong shape",
			names: profile.ErplyClaimNames{Permissions: "perms"},
			over:  fakeidp.Claims{"perms": 7},
			err:   claims.ErrInvalidScopes,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newErply(t, e, func(c *profile.ErplyConfig) { c.Claims = tt.names })
			tok := e.Token(tt.over)
			for range 2 { // the second time from the verifier's cache
				c, err := p.Verifier.Verify(context.Background(), tok)
				if tt.err != nil {
					assert.ErrorIs(t, err, tt.err)
					continue
				}
				require.NoError(t, err)
				assert.Equal(t, tt.want.ClientCode, c.ClientCode)
				assert.Equal(t, tt.want.Username, c.Username)
				assert.Equal(t, tt.want.Permissions, c.Permissions)
			}
		})
	}
}

func TestErplyPermissionsAsScopes(t *testing.T) {
	e := fakeidp.NewErply(t, fakeidp.ErplyOptions{})
	p := newErply(t, e, nil)
	tok := e.Token(nil)
	resp := serve(t, p, bearer(tok), middleware.RequireScopes("reports_view"))
	assert.Equal(t, 200, resp.StatusCode)
	resp = serve(t, p, bearer(tok), middleware.RequireScopes("admin"))
	assert.Equal(t, 403, resp.StatusCode)
	assert.Equal(t, `Bearer realm="api", error="insufficient_scope", error_description="missing_scope", scope="admin"`, resp.Header.Get("WWW-Authenticate"))
}

func TestErplyConfigErrors(t *testing.T) {
	const pem = profile.ErplyProductionPEMURL
	skip := func(c profile.ErplyConfig) profile.ErplyConfig {
		c.InsecureSkipIssuerCheck, c.InsecureSkipAudienceCheck = true, true
		return c
	}
	tests := []struct {
		name string
		cfg  profile.ErplyConfig
		want string
	}{
		{name: "no PEM URL", cfg: skip(profile.ErplyConfig{Account: "1"}), want: profile.ErplyProductionPEMURL},
		{name: "no account", cfg: skip(profile.ErplyConfig{PEMURL: pem}), want: "Account"},
		{name: "no issuer", cfg: profile.ErplyConfig{PEMURL: pem, Account: "1", InsecureSkipAudienceCheck: true}, want: "InsecureSkipIssuerCheck"},
		{name: "issuer and its skip", cfg: skip(profile.ErplyConfig{PEMURL: pem, Account: "1", Issuer: "https://id.erply.test"}), want: "not both"},
		{name: "no audience", cfg: profile.ErplyConfig{PEMURL: pem, Account: "1", InsecureSkipIssuerCheck: true}, want: "InsecureSkipAudienceCheck"},
		{name: "audience and its skip", cfg: skip(profile.ErplyConfig{PEMURL: pem, Account: "1", Audiences: []string{"pos"}}), want: "not both"},
		{name: "account from exp", cfg: skip(profile.ErplyConfig{PEMURL: pem, Account: "1", Claims: profile.ErplyClaimNames{Account: "exp"}}), want: `Claims.Account cannot be "exp"`},
		{name: "account from username", cfg: skip(profile.ErplyConfig{PEMURL: pem, Account: "1", Claims: profile.ErplyClaimNames{Account: "username"}}), want: "Claims.Account"},
		{name: "permissions from sub", cfg: skip(profile.ErplyConfig{PEMURL: pem, Account: "1", Claims: profile.ErplyClaimNames{Permissions: "sub"}}), want: "Claims.Permissions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := profile.Erply(tt.cfg)
			assert.ErrorIs(t, err, profile.ErrConfig)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestErplyChecksIssuerAndAudienceWhenSet(t *testing.T) {
	e := fakeidp.NewErply(t, fakeidp.ErplyOptions{Issuer: "https://id.erply.test"})
	p := newErply(t, e, func(c *profile.ErplyConfig) {
		c.Issuer, c.InsecureSkipIssuerCheck = "https://id.erply.test", false
		c.Audiences, c.InsecureSkipAudienceCheck = []string{"pos"}, false
	})
	_, err := p.Verifier.Verify(context.Background(), e.Token(fakeidp.Claims{"aud": "pos"}))
	require.NoError(t, err)
	_, err = p.Verifier.Verify(context.Background(), e.Token(fakeidp.Claims{"aud": "backoffice"}))
	requireRefused(t, err, verify.ErrAudience, verify.ReasonAudience)
	_, err = p.Verifier.Verify(context.Background(), e.Token(nil))
	requireRefused(t, err, verify.ErrMissingClaim, verify.ReasonMissingClaim)
}
