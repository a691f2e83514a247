package profile_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/internal/fakeidp"
	"github.com/jwtguard/jwtguard/profile"
	"github.com/jwtguard/jwtguard/verify"
)

// newKeycloak returns a profile for realm, changed by edit.
func newKeycloak(t *testing.T, realm *fakeidp.Realm, edit func(*profile.KeycloakConfig)) *profile.Profile[claims.Keycloak] {
	t.Helper()
	cfg := profile.KeycloakConfig{
		Issuer:            realm.Issuer,
		AuthorizedParties: []string{fakeidp.DefaultClientID},
		Settings:          quiet(),
	}
	if edit != nil {
		edit(&cfg)
	}
	p, err := profile.Keycloak(cfg)
	require.NoError(t, err)
	return closeAtEnd(t, p)
}

func TestKeycloakAccessTokenBothIssuerForms(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		t.Run(fmt.Sprintf("legacy=%v", legacy), func(t *testing.T) {
			realm := fakeidp.NewRealm(t, fakeidp.RealmOptions{Legacy: legacy})
			want := "/realms/eat_realm"
			if legacy {
				want = "/auth/realms/eat_realm"
			}
			require.Contains(t, realm.Issuer, want)
			p := newKeycloak(t, realm, nil)
			assert.Equal(t, realm.Issuer, p.Issuer())
			require.NoError(t, p.Ready(context.Background()))

			c, err := p.Verifier.Verify(context.Background(), realm.AccessToken(nil))
			require.NoError(t, err)
			assert.Equal(t, "Bearer", c.Type)
			assert.Equal(t, "ea-api-edge", c.AuthorizedParty)
			assert.Equal(t, realm.Issuer, c.Issuer)
			assert.Equal(t, claims.Audience{"account"}, c.Audience)
			assert.NotEmpty(t, c.Session())
			assert.Equal(t, "1", c.ACR)
			assert.True(t, c.HasScope("profile") && c.HasScope("email"))
			assert.True(t, c.HasRealmRole("offline_access"))
			assert.True(t, c.HasClientRole("account", "view-profile"))
			ids, ok := c.Claim("account_ids")
			assert.True(t, ok)
			assert.Equal(t, "118466", ids)
			assert.Equal(t, int64(0), c.NotBefore.Unix(), "nbf 0 is 1970, accepted")
		})
	}
}

func TestKeycloakRefusals(t *testing.T) {
	realm := fakeidp.NewRealm(t, fakeidp.RealmOptions{})
	other := fakeidp.NewRealm(t, fakeidp.RealmOptions{Realm: "other_realm"})
	p := newKeycloak(t, realm, nil)
	withAud := newKeycloak(t, realm, func(c *profile.KeycloakConfig) { c.Audiences = []string{"ea-api"} })
	past := time.Now().Add(-time.Hour).Unix()

	tests := []struct {
		name   string
		p      *profile.Profile[claims.Keycloak]
		token  string
		want   error
		reason string
		typ    string // the TokenTypeError's Got, when want is ErrTokenType
	}{
		{name: "refresh token (HS256, typ Refresh)", token: realm.RefreshToken(nil), want: verify.ErrAlgorithm, reason: verify.ReasonAlgorithm},
		{name: "typ Refresh signed RS256", token: realm.AccessToken(fakeidp.Claims{"typ": "Refresh"}), want: verify.ErrTokenType, reason: verify.ReasonTokenType, typ: "Refresh"},
		{name: "typ Offline", token: realm.AccessToken(fakeidp.Claims{"typ": "Offline"}), want: verify.ErrTokenType, reason: verify.ReasonTokenType, typ: "Offline"},
		{name: "ID token", token: realm.IDToken(nil), want: verify.ErrTokenType, reason: verify.ReasonTokenType, typ: "ID"},
		{name: "logout token", token: realm.LogoutToken(nil), want: verify.ErrTokenType, reason: verify.ReasonTokenType, typ: "Logout"},
		{name: "no typ", token: realm.AccessToken(fakeidp.Claims{"typ": nil}), want: verify.ErrTokenType, reason: verify.ReasonTokenType, typ: ""},
		{name: "typ in another case", token: realm.AccessToken(fakeidp.Claims{"typ": "bearer"}), want: verify.ErrTokenType, reason: verify.ReasonTokenType, typ: "bearer"},
		{name: "wrong realm: its key is unknown here", token: other.AccessToken(nil), want: verify.ErrUnknownKey, reason: verify.ReasonUnknownKey},
		{name: "right key, other realm's iss", token: realm.AccessToken(fakeidp.Claims{"iss": other.Issuer}), want: verify.ErrIssuer, reason: verify.ReasonIssuer},
		{name: "test environment's iss", token: realm.AccessToken(fakeidp.Claims{"iss": profile.EAttestationsTestIssuer}), want: verify.ErrIssuer, reason: verify.ReasonIssuer},
		{name: "azp mismatch", token: realm.AccessToken(fakeidp.Claims{"azp": "other-client"}), want: profile.ErrAuthorizedParty, reason: verify.ReasonClaims},
		{name: "no azp", token: realm.AccessToken(fakeidp.Claims{"azp": nil}), want: profile.ErrAuthorizedParty, reason: verify.ReasonClaims},
		{name: "expired", token: realm.AccessToken(fakeidp.Claims{"exp": past}), want: verify.ErrExpired, reason: verify.ReasonExpired},
		{name: "aud account only, API audience required", p: withAud, token: realm.AccessToken(nil), want: verify.ErrAudience, reason: verify.ReasonAudience},
		{name: "no aud, API audience required", p: withAud, token: realm.AccessToken(fakeidp.Claims{"aud": nil}), want: verify.ErrMissingClaim, reason: verify.ReasonMissingClaim},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pp := tt.p
			if pp == nil {
				pp = p
			}
			_, err := pp.Verifier.Verify(context.Background(), tt.token)
			requireRefused(t, err, tt.want, tt.reason)
			if tt.want == verify.ErrTokenType {
				var te *profile.TokenTypeError
				require.True(t, errors.As(err, &te))
				assert.Equal(t, tt.typ, te.Got)
				assert.Equal(t, "Bearer", te.Want)
				assert.ErrorIs(t, err, verify.ErrClaims, "a validator's error")
			}
			if tt.want == profile.ErrAuthorizedParty {
				assert.ErrorIs(t, err, verify.ErrClaims)
			}
		})
	}
}

func TestKeycloakAccepts(t *testing.T) {
	realm := fakeidp.NewRealm(t, fakeidp.RealmOptions{})
	tests := []struct {
		name  string
		edit  func(*profile.KeycloakConfig)
		token string
	}{
		{name: "no aud, audience not checked", token: realm.AccessToken(fakeidp.Claims{"aud": nil})},
		{name: "aud array with the API", edit: func(c *profile.KeycloakConfig) { c.Audiences = []string{"ea-api"} },
			token: realm.AccessToken(fakeidp.Claims{"aud": []string{"account", "ea-api"}})},
		{name: "azp not checked", edit: func(c *profile.KeycloakConfig) { c.AuthorizedParties, c.InsecureAcceptAnyClient = nil, true },
			token: realm.AccessToken(fakeidp.Claims{"azp": "another-client"})},
		{name: "one of two clients", edit: func(c *profile.KeycloakConfig) { c.AuthorizedParties = []string{"web", fakeidp.DefaultClientID} },
			token: realm.AccessToken(nil)},
		{name: "sid only (newer Keycloak)", token: realm.AccessToken(fakeidp.Claims{"session_state": nil})},
		{name: "account_ids as an array", token: realm.AccessToken(fakeidp.Claims{"account_ids": []string{"118466", "118467"}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newKeycloak(t, realm, tt.edit)
			_, err := p.Verifier.Verify(context.Background(), tt.token)
			require.NoError(t, err)
		})
	}
}

func TestKeycloakKeyRotation(t *testing.T) {
	realm := fakeidp.NewRealm(t, fakeidp.RealmOptions{})
	p := newKeycloak(t, realm, nil)
	before := realm.AccessToken(nil)
	_, err := p.Verifier.Verify(context.Background(), before)
	require.NoError(t, err)
	fetches := realm.Fetches()

	kid, err := realm.Rotate()
	require.NoError(t, err)
	after := realm.AccessToken(nil)
	_, err = p.Verifier.Verify(context.Background(), after)
	require.NoError(t, err, "the new kid causes one refresh")
	assert.Equal(t, kid, realm.KeyID())
	assert.Greater(t, realm.Fetches(), fetches)

	_, err = p.Verifier.Verify(context.Background(), before)
	assert.NoError(t, err, "the passive key still verifies")
}

// TestKeycloakFetchBaseURL reaches a realm whose public issuer is
// e-Attestations' by its internal (loopback) address.
func TestKeycloakFetchBaseURL(t *testing.T) {
	realm := fakeidp.NewRealm(t, fakeidp.RealmOptions{Legacy: true, Issuer: profile.EAttestationsIssuer})
	p := newKeycloak(t, realm, func(c *profile.KeycloakConfig) {
		c.Issuer = profile.EAttestationsIssuer
		c.FetchBaseURL = realm.URL
	})
	c, err := p.Verifier.Verify(context.Background(), realm.AccessToken(nil))
	require.NoError(t, err)
	assert.Equal(t, profile.EAttestationsIssuer, c.Issuer)

	// Without the base URL the profile would fetch from the public host;
	// with the wrong issuer, discovery names another one.
	wrong := newKeycloak(t, realm, func(c *profile.KeycloakConfig) {
		c.Issuer = profile.EAttestationsTestIssuer
		c.FetchBaseURL = realm.URL
	})
	_, err = wrong.Verifier.Verify(context.Background(), realm.AccessToken(nil))
	requireRefused(t, err, verify.ErrKeysUnavailable, verify.ReasonKeysUnavailable)
}

func TestKeycloakRealmDown(t *testing.T) {
	realm := fakeidp.NewRealm(t, fakeidp.RealmOptions{})
	realm.SetDown(true)
	p := newKeycloak(t, realm, nil)
	_, err := p.Verifier.Verify(context.Background(), realm.AccessToken(nil))
	requireRefused(t, err, verify.ErrKeysUnavailable, verify.ReasonKeysUnavailable)
	resp := serve(t, p, bearer(realm.AccessToken(nil)))
	assert.Equal(t, 503, resp.StatusCode)
}

func TestKeycloakConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  profile.KeycloakConfig
		want string
	}{
		{name: "no issuer", cfg: profile.KeycloakConfig{}, want: "Issuer is required"},
		{name: "trailing slash", cfg: profile.KeycloakConfig{Issuer: profile.EAttestationsIssuer + "/"}, want: "ends with a slash"},
		{name: "HMAC algorithm", cfg: profile.KeycloakConfig{Issuer: profile.EAttestationsIssuer, Algorithms: []string{"RS256", "HS256"}}, want: "asymmetric"},
		{name: "empty client", cfg: profile.KeycloakConfig{Issuer: profile.EAttestationsIssuer, AuthorizedParties: []string{""}}, want: "empty client"},
		{name: "unknown algorithm", cfg: profile.KeycloakConfig{Issuer: profile.EAttestationsIssuer, AuthorizedParties: []string{profile.EAttestationsClient}, Algorithms: []string{"RS1"}}, want: "RS1"},
		{name: "neither azp nor aud", cfg: profile.KeycloakConfig{Issuer: profile.EAttestationsIssuer}, want: "InsecureAcceptAnyClient"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := profile.Keycloak(tt.cfg)
			require.Error(t, err)
			assert.Nil(t, p)
			assert.ErrorIs(t, err, profile.ErrConfig)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	_, err := profile.Keycloak(profile.KeycloakConfig{Issuer: "http://sso.example.com/realms/a", AuthorizedParties: []string{"api"}})
	assert.Error(t, err, "http to a non-loopback host")
}

func TestTokenTypeErrorMessage(t *testing.T) {
	realm := fakeidp.NewRealm(t, fakeidp.RealmOptions{})
	p := newKeycloak(t, realm, nil)
	_, err := p.Verifier.Verify(context.Background(), realm.IDToken(nil))
	assert.Contains(t, err.Error(), `typ claim "ID" is not "Bearer": an ID token, not an access token`)
	resp := serve(t, p, bearer(realm.RefreshToken(nil)))
	assert.Equal(t, 401, resp.StatusCode)
	assert.Equal(t, `Bearer realm="api", error="invalid_token", error_description="algorithm"`, resp.Header.Get("WWW-Authenticate"))
	resp = serve(t, p, bearer(realm.LogoutToken(nil)))
	assert.Equal(t, 401, resp.StatusCode)
	assert.Equal(t, `Bearer realm="api", error="invalid_token", error_description="token_type"`, resp.Header.Get("WWW-Authenticate"))
}

// TestKeycloakDPoPType: a token whose typ is "DPoP" is accepted only when
// it is bound (cnf.jkt) and came with a valid proof signed by that key.
func TestKeycloakDPoPType(t *testing.T) {
	realm := fakeidp.NewRealm(t, fakeidp.RealmOptions{})
	p := newKeycloak(t, realm, nil)
	require.NoError(t, p.Ready(context.Background()))
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	jkt, err := dpop.Thumbprint(key.Public())
	require.NoError(t, err)
	bound := realm.AccessToken(fakeidp.Claims{"typ": "DPoP", "cnf": map[string]any{"jkt": jkt}})
	unbound := realm.AccessToken(fakeidp.Claims{"typ": "DPoP"})

	withProof := func(token string) http.Header {
		proof, err := dpop.NewProof(key, http.MethodGet, "http://example.com/api", token, "")
		require.NoError(t, err)
		return http.Header{"Authorization": {"DPoP " + token}, "Dpop": {proof}}
	}
	cases := []struct {
		name   string
		header http.Header
		status int
	}{
		{name: "bound, with its proof", header: withProof(bound), status: http.StatusOK},
		{name: "bound, as Bearer", header: bearer(bound), status: http.StatusUnauthorized},
		{name: "typ DPoP but not bound, as Bearer", header: bearer(unbound), status: http.StatusUnauthorized},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := serve(t, p, c.header)
			require.Equal(t, c.status, resp.StatusCode)
		})
	}

	_, err = p.Verifier.Verify(context.Background(), unbound)
	requireRefused(t, err, verify.ErrTokenType, verify.ReasonTokenType)
	_, err = p.Verifier.Verify(context.Background(), bound)
	requireRefused(t, err, verify.ErrBinding, verify.ReasonBinding)
}
