package profile_test

import (
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/fakeidp"
	"github.com/jwtguard/jwtguard/profile"
	"github.com/jwtguard/jwtguard/verify"
)

// TestReview_KeycloakLogoutEnforcedByProfileVerifier: a Keycloak profile
// builds its back-channel logout receiver in one call and the README shows
// it as the way to revoke sessions, but the profile's own verifier never
// asks the store: KeycloakConfig/Settings has no Revocation field and
// BackchannelLogout does not wire cfg.Store into p.Verifier. The issuer
// gets 200 for the logout while the session's access tokens stay accepted
// until they expire.
func TestReview_KeycloakLogoutEnforcedByProfileVerifier(t *testing.T) {
	realm := fakeidp.NewRealm(t, fakeidp.RealmOptions{})
	store := newLogoutStore(t)
	p := newKeycloak(t, realm, func(c *profile.KeycloakConfig) { c.Revocation = store })
	h, err := p.BackchannelLogout(profile.BackchannelConfig{ClientID: realm.ClientID, Store: store, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)

	access := realm.AccessClaims()
	token := realm.AccessToken(access)
	_, err = p.Verifier.Verify(t.Context(), token)
	require.NoError(t, err, "the access token is good before the logout")

	status, body := postLogout(h, realm.TypedLogoutToken(fakeidp.Claims{"sid": access["sid"]}))
	require.Equal(t, http.StatusOK, status, body)

	_, err = p.Verifier.Verify(t.Context(), token)
	require.ErrorIs(t, err, verify.ErrRevoked, "the logged-out session's access token is still accepted by the profile's verifier")
}
