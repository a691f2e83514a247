package profile_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/fakeidp"
	"github.com/jwtguard/jwtguard/profile"
	"github.com/jwtguard/jwtguard/revocation"
)

// newLogoutStore is the in-memory revocation store, closed with the test.
func newLogoutStore(t *testing.T) *revocation.Memory {
	t.Helper()
	m, err := revocation.NewMemory(revocation.MemoryConfig{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, m.Close()) })
	return m
}

// postLogout sends a logout token to h and returns the status and body.
func postLogout(h http.Handler, token string) (int, string) {
	req := httptest.NewRequest(http.MethodPost, "/backchannel-logout", strings.NewReader(url.Values{"logout_token": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func TestKeycloakBackchannelLogout(t *testing.T) {
	realm := fakeidp.NewRealm(t, fakeidp.RealmOptions{})
	store := newLogoutStore(t)
	p := newKeycloak(t, realm, func(c *profile.KeycloakConfig) { c.Revocation = store })
	quietLog := slog.New(slog.DiscardHandler)

	h, err := p.BackchannelLogout(profile.BackchannelConfig{ClientID: realm.ClientID, Logger: quietLog})
	require.NoError(t, err)

	t.Run("Keycloak 25+ logout token revokes the session", func(t *testing.T) {
		access := realm.AccessClaims()
		session := access["sid"].(string)
		status, body := postLogout(h, realm.TypedLogoutToken(fakeidp.Claims{"sid": session}))
		require.Equal(t, http.StatusOK, status, body)
		assert.ErrorIs(t, store.Check(&revocation.Token{Issuer: realm.Issuer, SessionID: session}), revocation.ErrRevoked)
	})

	t.Run("replay refused", func(t *testing.T) {
		token := realm.TypedLogoutToken(nil)
		status, _ := postLogout(h, token)
		require.Equal(t, http.StatusOK, status)
		status, body := postLogout(h, token)
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Contains(t, body, "already used")
	})

	t.Run("Keycloak before 25 refused by default", func(t *testing.T) {
		status, body := postLogout(h, realm.LogoutToken(nil))
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Contains(t, body, "typ header must be logout+jwt")
	})

	t.Run("Keycloak before 25 with the option", func(t *testing.T) {
		loose, err := p.BackchannelLogout(profile.BackchannelConfig{ClientID: realm.ClientID, Store: store, Logger: quietLog, InsecureAllowUntypedLogoutTokens: true})
		require.NoError(t, err)
		status, body := postLogout(loose, realm.LogoutToken(nil))
		assert.Equal(t, http.StatusOK, status, body)
	})

	t.Run("logout token for another client", func(t *testing.T) {
		status, body := postLogout(h, realm.TypedLogoutToken(fakeidp.Claims{"aud": "account"}))
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Contains(t, body, "aud does not name this client")
	})

	t.Run("an access token is no logout token", func(t *testing.T) {
		status, body := postLogout(h, realm.Sign(realm.AccessClaims()))
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Contains(t, body, "typ header")
	})
}

// TestKeycloakBackchannelLogoutUsesTheProfile: the receiver takes the
// profile's algorithms and clock.
func TestKeycloakBackchannelLogoutUsesTheProfile(t *testing.T) {
	t.Run("algorithms", func(t *testing.T) {
		realm := fakeidp.NewRealm(t, fakeidp.RealmOptions{})
		store := newLogoutStore(t)
		p := newKeycloak(t, realm, func(c *profile.KeycloakConfig) { c.Algorithms = []string{"PS256"}; c.Revocation = store })
		h, err := p.BackchannelLogout(profile.BackchannelConfig{ClientID: realm.ClientID, Store: store, Logger: slog.New(slog.DiscardHandler)})
		require.NoError(t, err)
		status, body := postLogout(h, realm.TypedLogoutToken(nil))
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Contains(t, body, "signature algorithm not accepted")
	})
	t.Run("clock", func(t *testing.T) {
		realm := fakeidp.NewRealm(t, fakeidp.RealmOptions{})
		late := func() time.Time { return time.Now().Add(time.Hour) }
		p := newKeycloak(t, realm, func(c *profile.KeycloakConfig) { c.Now = late; c.Revocation = newLogoutStore(t) })
		h, err := p.BackchannelLogout(profile.BackchannelConfig{ClientID: realm.ClientID, Logger: slog.New(slog.DiscardHandler)})
		require.NoError(t, err)
		status, body := postLogout(h, realm.TypedLogoutToken(fakeidp.Claims{"exp": nil}))
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Contains(t, body, "too old")
	})
}

func TestBackchannelLogoutConfigErrors(t *testing.T) {
	realm := fakeidp.NewRealm(t, fakeidp.RealmOptions{})
	kcStore := newLogoutStore(t)
	kc := newKeycloak(t, realm, func(c *profile.KeycloakConfig) { c.Revocation = kcStore })
	unchecked := newKeycloak(t, realm, nil)
	checkerOnly := newKeycloak(t, realm, func(c *profile.KeycloakConfig) {
		c.Revocation = checkerFunc(func(*revocation.Token) error { return nil })
	})
	erply := newErply(t, fakeidp.NewErply(t, fakeidp.ErplyOptions{}), nil)
	tests := []struct {
		name string
		call func() error
	}{
		{name: "no client id", call: func() error {
			_, err := kc.BackchannelLogout(profile.BackchannelConfig{Store: newLogoutStore(t)})
			return err
		}},
		{name: "the profile's verifier checks no revocations", call: func() error {
			_, err := unchecked.BackchannelLogout(profile.BackchannelConfig{ClientID: realm.ClientID, Store: newLogoutStore(t)})
			return err
		}},
		{name: "a store other than the profile's", call: func() error {
			_, err := kc.BackchannelLogout(profile.BackchannelConfig{ClientID: realm.ClientID, Store: newLogoutStore(t)})
			return err
		}},
		{name: "the profile's checker is no store and none is given", call: func() error {
			_, err := checkerOnly.BackchannelLogout(profile.BackchannelConfig{ClientID: realm.ClientID})
			return err
		}},
		{name: "negative MaxAge", call: func() error {
			_, err := kc.BackchannelLogout(profile.BackchannelConfig{ClientID: realm.ClientID, Store: kcStore, MaxAge: -1})
			return err
		}},
		{name: "not a Keycloak profile", call: func() error {
			_, err := erply.BackchannelLogout(profile.BackchannelConfig{ClientID: "x", Store: newLogoutStore(t)})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			require.Error(t, err)
			assert.ErrorIs(t, err, profile.ErrConfig)
		})
	}
}

type checkerFunc func(*revocation.Token) error

func (f checkerFunc) Check(t *revocation.Token) error { return f(t) }
