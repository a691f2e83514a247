package profile_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/fakeidp"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/profile"
	"github.com/jwtguard/jwtguard/verify"
)

const erplyIssuer = "https://id.erply.test"

// issuers are two Keycloak realms (both path forms) and Erply.
type issuers struct {
	a, b  *fakeidp.Realm
	erply *fakeidp.Erply
}

func newIssuers(t *testing.T) issuers {
	return issuers{
		a:     fakeidp.NewRealm(t, fakeidp.RealmOptions{Realm: "realm_a"}),
		b:     fakeidp.NewRealm(t, fakeidp.RealmOptions{Realm: "realm_b", Legacy: true}),
		erply: fakeidp.NewErply(t, fakeidp.ErplyOptions{Issuer: erplyIssuer}),
	}
}

func (is issuers) fetches() int { return is.a.Fetches() + is.b.Fetches() + is.erply.Fetches() }

// newMulti builds the documented recipe: one profile per issuer, then
// Multi over them.
func newMulti(t *testing.T, is issuers) *profile.Profile[profile.Principal] {
	t.Helper()
	a, err := profile.Keycloak(profile.KeycloakConfig{Issuer: is.a.Issuer, AuthorizedParties: []string{fakeidp.DefaultClientID}, Settings: quiet()})
	require.NoError(t, err)
	b, err := profile.Keycloak(profile.KeycloakConfig{Issuer: is.b.Issuer, AuthorizedParties: []string{fakeidp.DefaultClientID}, Settings: quiet()})
	require.NoError(t, err)
	e, err := profile.Erply(profile.ErplyConfig{PEMURL: is.erply.PEMURL, Account: fakeidp.DefaultErplyAccount, Issuer: erplyIssuer, InsecureSkipAudienceCheck: true, Settings: quiet()})
	require.NoError(t, err)
	m, err := profile.Multi(a, b, e)
	require.NoError(t, err)
	return closeAtEnd(t, m) // closes a, b and e
}

func TestMultiRoutes(t *testing.T) {
	is := newIssuers(t)
	m := newMulti(t, is)

	c, err := m.Verifier.Verify(context.Background(), is.a.AccessToken(nil))
	require.NoError(t, err)
	assert.Equal(t, is.a.Issuer, c.Issuer)
	require.NotNil(t, c.Keycloak)
	assert.Nil(t, c.Erply)
	assert.Same(t, c.Keycloak, c.Claims)
	assert.Equal(t, fakeidp.DefaultSubject, c.Registered().Subject)
	assert.True(t, c.HasScope("email"))
	assert.True(t, c.HasRealmRole("offline_access"))
	assert.True(t, c.HasClientRole("account", "view-profile"))

	c, err = m.Verifier.Verify(context.Background(), is.b.AccessToken(nil))
	require.NoError(t, err)
	assert.Equal(t, is.b.Issuer, c.Issuer)
	require.NotNil(t, c.Keycloak)

	c, err = m.Verifier.Verify(context.Background(), is.erply.Token(nil))
	require.NoError(t, err)
	assert.Equal(t, erplyIssuer, c.Issuer)
	require.NotNil(t, c.Erply)
	assert.Nil(t, c.Keycloak)
	assert.True(t, c.HasScope("pos_sale"), "Erply permissions")
	assert.False(t, c.HasRealmRole("offline_access"))
	assert.False(t, c.HasClientRole("account", "view-profile"))

	// Each member keeps its own rules: realm A checks azp, Erply the
	// account, Keycloak the typ.
	_, err = m.Verifier.Verify(context.Background(), is.a.AccessToken(fakeidp.Claims{"azp": "other"}))
	requireRefused(t, err, profile.ErrAuthorizedParty, verify.ReasonClaims)
	_, err = m.Verifier.Verify(context.Background(), is.erply.Token(fakeidp.Claims{"clientCode": "1"}))
	requireRefused(t, err, profile.ErrAccount, verify.ReasonClaims)
	_, err = m.Verifier.Verify(context.Background(), is.b.IDToken(nil))
	requireRefused(t, err, verify.ErrTokenType, verify.ReasonTokenType)
}

func TestMultiUnknownIssuerFetchesNothing(t *testing.T) {
	is := newIssuers(t)
	m := newMulti(t, is)
	other := fakeidp.NewRealm(t, fakeidp.RealmOptions{Realm: "realm_c"})
	tests := []struct {
		name   string
		token  string
		want   error
		reason string
	}{
		{name: "another realm", token: other.AccessToken(nil), want: verify.ErrIssuer, reason: verify.ReasonIssuer},
		{name: "a realm's iss with a trailing slash", token: is.a.AccessToken(fakeidp.Claims{"iss": is.a.Issuer + "/"}), want: verify.ErrIssuer, reason: verify.ReasonIssuer},
		{name: "Erply token without iss", token: is.erply.Token(fakeidp.Claims{"iss": nil}), want: verify.ErrMissingClaim, reason: verify.ReasonMissingClaim},
		{name: "not a JWT", token: "abc.def", want: verify.ErrMalformed, reason: verify.ReasonMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := m.Verifier.Verify(context.Background(), tt.token)
			requireRefused(t, err, tt.want, tt.reason)
			assert.Zero(t, is.fetches(), "no issuer was asked for keys")
			assert.Zero(t, other.Fetches())
		})
	}
}

func TestMultiKeysStayWithTheirIssuer(t *testing.T) {
	is := newIssuers(t)
	m := newMulti(t, is)
	tests := []struct {
		name   string
		token  string
		want   error
		reason string
	}{
		// Signed by realm A, claiming realm B: routed to B, whose keys
		// do not know A's kid.
		{name: "realm A's key, realm B's iss", token: is.a.AccessToken(fakeidp.Claims{"iss": is.b.Issuer}), want: verify.ErrUnknownKey, reason: verify.ReasonUnknownKey},
		{name: "realm B's key, realm A's iss", token: is.b.AccessToken(fakeidp.Claims{"iss": is.a.Issuer}), want: verify.ErrUnknownKey, reason: verify.ReasonUnknownKey},
		// Signed by realm A without kid, claiming Erply: Erply's PEM key
		// does not verify it.
		{name: "realm A's key, Erply's iss", token: is.a.Sign(is.erply.Claims()), want: verify.ErrSignature, reason: verify.ReasonSignature},
		// Erply's key claiming realm A: without kid it is tried against
		// realm A's keys, which do not verify it.
		{name: "Erply's key, realm A's iss", token: is.erply.Token(fakeidp.Claims{"iss": is.a.Issuer}), want: verify.ErrSignature, reason: verify.ReasonSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := m.Verifier.Verify(context.Background(), tt.token)
			requireRefused(t, err, tt.want, tt.reason)
		})
	}
}

func TestMultiMiddleware(t *testing.T) {
	is := newIssuers(t)
	m := newMulti(t, is)
	erplyTok := is.erply.Token(nil)
	tests := []struct {
		name    string
		header  http.Header
		require func(http.Handler) http.Handler
		status  int
	}{
		{name: "realm A, scope", header: bearer(is.a.AccessToken(nil)), require: middleware.RequireScopes("profile"), status: 200},
		{name: "realm B, client role", header: bearer(is.b.AccessToken(nil)), require: middleware.RequireClientRoles("account", "manage-account"), status: 200},
		{name: "Erply in its jwt header, permission", header: http.Header{"Jwt": {erplyTok}}, require: middleware.RequireScopes("reports_view"), status: 200},
		{name: "Erply, realm role", header: bearer(erplyTok), require: middleware.RequireRoles("offline_access"), status: 403},
		{name: "realm A, missing scope", header: bearer(is.a.AccessToken(nil)), require: middleware.RequireScopes("reports:read"), status: 403},
		{name: "unknown issuer", header: bearer(fakeidp.NewRealm(t, fakeidp.RealmOptions{}).AccessToken(nil)), require: middleware.RequireScopes("profile"), status: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := serve(t, m, tt.header, tt.require)
			assert.Equal(t, tt.status, resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		})
	}
}

func TestMultiErrors(t *testing.T) {
	is := newIssuers(t)
	noIss, err := profile.Erply(profile.ErplyConfig{PEMURL: is.erply.PEMURL, Account: "1", InsecureSkipIssuerCheck: true, InsecureSkipAudienceCheck: true, Settings: quiet()})
	require.NoError(t, err)
	closeAtEnd(t, noIss)
	a1, err := profile.Keycloak(profile.KeycloakConfig{Issuer: is.a.Issuer, AuthorizedParties: []string{fakeidp.DefaultClientID}, Settings: quiet()})
	require.NoError(t, err)
	closeAtEnd(t, a1)
	a2, err := profile.Keycloak(profile.KeycloakConfig{Issuer: is.a.Issuer, AuthorizedParties: []string{fakeidp.DefaultClientID}, Settings: quiet()})
	require.NoError(t, err)
	closeAtEnd(t, a2)

	tests := []struct {
		name    string
		members []profile.Member
		want    string
	}{
		{name: "none", want: "at least one member"},
		{name: "Erply without Issuer", members: []profile.Member{a1, noIss}, want: "ErplyConfig.Issuer"},
		{name: "one issuer twice", members: []profile.Member{a1, a2}, want: "two members"},
		{name: "nil", members: []profile.Member{nil}, want: "nil member"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := profile.Multi(tt.members...)
			assert.ErrorIs(t, err, profile.ErrConfig)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestMultiReadyAndClose(t *testing.T) {
	is := newIssuers(t)
	m := newMulti(t, is)
	require.NoError(t, m.Ready(context.Background()))
	assert.Equal(t, 5, is.fetches(), "discovery and certs of two realms, Erply's PEM")
	require.NoError(t, m.Close())
	require.NoError(t, m.Close(), "idempotent")
}
