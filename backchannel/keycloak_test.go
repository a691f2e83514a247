package backchannel_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/backchannel"
	"github.com/jwtguard/jwtguard/internal/fakeidp"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/revocation"
)

// keycloakHandler returns a Handler for a fake Keycloak realm, with the
// realm's keys found by discovery and served over loopback HTTP.
func keycloakHandler(t *testing.T, realm *fakeidp.Realm, store revocation.Store, untyped bool) *backchannel.Handler {
	t.Helper()
	src, err := keysource.NewOIDC(keysource.OIDCConfig{
		Issuer:      realm.Issuer,
		FetchConfig: keysource.FetchConfig{Logger: slog.New(slog.DiscardHandler)},
	})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, src.Close()) })
	h, err := backchannel.New(backchannel.Config{
		Keys:                             src,
		Issuer:                           realm.Issuer,
		ClientID:                         realm.ClientID,
		Store:                            store,
		InsecureAllowUntypedLogoutTokens: untyped,
		Logger:                           slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	return h
}

// TestKeycloakLogoutTokens: the shapes Keycloak sends, through the realm's
// JWK Set: since version 25 typ logout+jwt, accepted with the
// revoke_offline_access event; before, typ JWT, refused unless
// InsecureAllowUntypedLogoutTokens. Its other tokens are never logout
// tokens.
func TestKeycloakLogoutTokens(t *testing.T) {
	realm := fakeidp.NewRealm(t, fakeidp.RealmOptions{})
	store := newMemStore(nil)
	strict := keycloakHandler(t, realm, store, false)
	loose := keycloakHandler(t, realm, store, true)

	t.Run("Keycloak 25+: typ logout+jwt, both events", func(t *testing.T) {
		session := "kc-session-25"
		token := realm.TypedLogoutToken(fakeidp.Claims{"sid": session})
		requireAnswer(t, post(strict, token), http.StatusOK, "", "")
		assert.ErrorIs(t, store.Check(&revocation.Token{Issuer: realm.Issuer, SessionID: session}), revocation.ErrRevoked)
		assert.NoError(t, store.Check(&revocation.Token{Issuer: realm.Issuer, SessionID: "other"}))
		// The second replica (sharing the store) refuses the replay.
		requireAnswer(t, post(loose, token), http.StatusBadRequest, "invalid_request", descReplayed)
	})

	t.Run("Keycloak before 25: typ JWT refused by default", func(t *testing.T) {
		token := realm.LogoutToken(nil)
		requireAnswer(t, post(strict, token), http.StatusBadRequest, "invalid_request", descType)
		requireAnswer(t, post(loose, token), http.StatusOK, "", "")
	})

	t.Run("Keycloak before 25, revoke_offline_access", func(t *testing.T) {
		token := realm.LogoutToken(fakeidp.Claims{"events": map[string]any{
			backchannel.EventBackchannelLogout: map[string]any{},
			fakeidp.KeycloakEventRevokeOffline: true,
		}})
		requireAnswer(t, post(loose, token), http.StatusOK, "", "")
	})

	t.Run("after a key rotation", func(t *testing.T) {
		_, err := realm.Rotate()
		require.NoError(t, err)
		requireAnswer(t, post(strict, realm.TypedLogoutToken(nil)), http.StatusOK, "", "")
	})

	t.Run("other tokens of the realm are not logout tokens", func(t *testing.T) {
		tests := []struct {
			name  string
			token string
			desc  string
		}{
			{name: "access token", token: realm.AccessToken(fakeidp.Claims{"aud": realm.ClientID}), desc: descEvents},
			{name: "ID token", token: realm.IDToken(nil), desc: descEvents},
			{name: "ID token with events added", token: realm.IDToken(fakeidp.Claims{"events": map[string]any{backchannel.EventBackchannelLogout: map[string]any{}}, "nonce": "n"}), desc: descNonce},
			{name: "refresh token (HS256)", token: realm.RefreshToken(nil), desc: descAlg},
			{name: "logout token for another client", token: realm.TypedLogoutToken(fakeidp.Claims{"aud": "account"}), desc: descAudience},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				requireAnswer(t, post(loose, tt.token), http.StatusBadRequest, "invalid_request", tt.desc)
			})
		}
	})

	t.Run("a token of another realm", func(t *testing.T) {
		other := fakeidp.NewRealm(t, fakeidp.RealmOptions{Realm: "other"})
		requireAnswer(t, post(strict, other.TypedLogoutToken(fakeidp.Claims{"iss": realm.Issuer})), http.StatusBadRequest, "invalid_request", descUnknown)
	})
}

// TestLogsHoldNoTokenData: the records name the outcome and never carry
// the token, the sid or the sub.
func TestLogsHoldNoTokenData(t *testing.T) {
	f := newFixture(t, nil)
	ok := f.token(t, nil)
	requireAnswer(t, post(f.h, ok), http.StatusOK, "", "")
	requireAnswer(t, post(f.h, ok), http.StatusBadRequest, "invalid_request", descReplayed)
	bad := f.token(t, map[string]any{"nonce": "secret-nonce"})
	requireAnswer(t, post(f.h, bad), http.StatusBadRequest, "invalid_request", descNonce)
	subOnly := f.token(t, map[string]any{"sid": nil})
	requireAnswer(t, post(f.h, subOnly), http.StatusOK, "", "")

	logs := f.logs.String()
	lines := strings.Split(strings.TrimSpace(logs), "\n")
	require.Len(t, lines, 4, logs)
	assert.Contains(t, lines[0], `"level":"INFO","msg":"backchannel logout"`)
	assert.Contains(t, lines[0], `"kind":"session"`)
	assert.Contains(t, lines[0], `"sid_fp":`)
	assert.Contains(t, lines[1], `"reason":"replayed"`)
	assert.Contains(t, lines[2], `"reason":"nonce"`)
	assert.Contains(t, lines[3], `"kind":"subject"`)
	for _, secret := range []string{ok, bad, subOnly, sid, sub, "secret-nonce", strings.Split(ok, ".")[1]} {
		assert.NotContains(t, logs, secret)
	}
}

// TestKeysUnavailable: when the issuer's keys cannot be had, the answer is
// 503 (the issuer may retry), not 400.
func TestKeysUnavailable(t *testing.T) {
	realm := fakeidp.NewRealm(t, fakeidp.RealmOptions{})
	realm.SetDown(true)
	h := keycloakHandler(t, realm, newMemStore(nil), false)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := h.Logout(ctx, realm.TypedLogoutToken(nil))
	require.ErrorIs(t, err, keysource.ErrUnavailable)
	rec := post(h, realm.TypedLogoutToken(nil))
	requireAnswer(t, rec, http.StatusServiceUnavailable, "temporarily_unavailable", "the issuer's keys are unavailable; retry")
}
