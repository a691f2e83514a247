package profile_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/fakeidp"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/profile"
	"github.com/jwtguard/jwtguard/verify"
)

// reasons is an Observer that records the reasons it is told.
type reasons struct {
	mu  sync.Mutex
	got []string
}

func (r *reasons) VerifyStart(ctx context.Context) context.Context { return ctx }

func (r *reasons) VerifyEnd(_ context.Context, e verify.VerifyEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, e.Reason)
}

func TestSettingsObserver(t *testing.T) {
	is := newIssuers(t)
	obs := map[string]*reasons{"a": {}, "erply": {}}
	sa, se := quiet(), quiet()
	sa.Observer, se.Observer = obs["a"], obs["erply"]
	a, err := profile.Keycloak(profile.KeycloakConfig{Issuer: is.a.Issuer, AuthorizedParties: []string{fakeidp.DefaultClientID}, Settings: sa})
	require.NoError(t, err)
	e, err := profile.Erply(profile.ErplyConfig{PEMURL: is.erply.PEMURL, Account: fakeidp.DefaultErplyAccount, Issuer: erplyIssuer, InsecureSkipAudienceCheck: true, Settings: se})
	require.NoError(t, err)
	m, err := profile.Multi(a, e)
	require.NoError(t, err)
	closeAtEnd(t, m)

	_, err = m.Verifier.Verify(context.Background(), is.a.AccessToken(nil))
	require.NoError(t, err)
	_, err = m.Verifier.Verify(context.Background(), is.erply.Token(fakeidp.Claims{"exp": 1}))
	require.Error(t, err)
	assert.Equal(t, []string{""}, obs["a"].got)
	assert.Equal(t, []string{verify.ReasonExpired}, obs["erply"].got)
}

func TestKeySources(t *testing.T) {
	is := newIssuers(t)
	m := newMulti(t, is)
	srcs := m.KeySources()
	require.Len(t, srcs, 3, "one per member")
	names := map[string]bool{}
	for _, s := range srcs {
		r, ok := s.(interface{ Status() keysource.Status })
		require.True(t, ok, "%T reports no Status", s)
		names[r.Status().Source] = true
	}
	assert.Equal(t, map[string]bool{is.a.Issuer: true, is.b.Issuer: true, is.erply.PEMURL: true}, names)
	srcs[0] = nil
	assert.NotNil(t, m.KeySources()[0], "KeySources returns a copy")
}
