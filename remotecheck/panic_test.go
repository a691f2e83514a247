package remotecheck_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/fakeintrospect"
	"github.com/jwtguard/jwtguard/remotecheck"
)

// ptrClaims embeds *claims.Registered, which stays nil when the answer has
// no registered claim.
type ptrClaims struct {
	*claims.Registered
	Scope string `json:"scope"`
}

// panicky panics when decoded.
type panicky struct{}

func (*panicky) UnmarshalJSON([]byte) error { panic("decoder bug") }

// TestNilEmbeddedRegistered: a claims type embedding *claims.Registered
// works with an answer that has no registered claim (the bare RFC 7662
// {"active":true}) and with one that has them.
func TestNilEmbeddedRegistered(t *testing.T) {
	srv := fakeintrospect.New(t, fakeintrospect.Options{ClientID: "api", ClientSecret: "s"})
	srv.Activate("bare", nil)
	srv.Activate("full", map[string]any{"sub": "alice", "scope": "read"})
	chk, err := remotecheck.NewIntrospection[ptrClaims](remotecheck.IntrospectionConfig{
		Endpoint: srv.Endpoint, ClientID: "api", ClientSecret: "s", InsecureSkipAudienceCheck: true,
	})
	require.NoError(t, err)

	c, err := chk.Verify(context.Background(), "bare")
	require.NoError(t, err)
	require.Nil(t, c.Registered, "nothing to decode into it")
	c, err = chk.Verify(context.Background(), "full")
	require.NoError(t, err)
	require.Equal(t, "alice", c.Subject)
	require.Equal(t, "read", c.Scope)
}

// TestBareActiveAnswer: an RFC 7662 answer of just {"active":true} is
// accepted by every claims type, when no audience is required.
func TestBareActiveAnswer(t *testing.T) {
	srv := fakeintrospect.New(t, fakeintrospect.Options{ClientID: "api", ClientSecret: "s"})
	srv.SetRaw(http.StatusOK, "application/json", []byte(`{"active":true}`))
	cfg := remotecheck.IntrospectionConfig{Endpoint: srv.Endpoint, ClientID: "api", ClientSecret: "s", InsecureSkipAudienceCheck: true}

	ic, err := remotecheck.NewIntrospection[remotecheck.Introspection](cfg)
	require.NoError(t, err)
	got, err := ic.Verify(context.Background(), "tok")
	require.NoError(t, err)
	require.True(t, got.Active)
	require.Empty(t, got.Subject)

	m, err := remotecheck.NewIntrospection[claims.Map](cfg)
	require.NoError(t, err)
	gotMap, err := m.Verify(context.Background(), "tok")
	require.NoError(t, err)
	require.Equal(t, claims.Map{"active": true}, *gotMap)
}

// TestPanicsBecome503: a panic in decoding the answer, in a validator or in
// the OnCheck hook never reaches the process: the request gets 503
// (ErrBadResponse), and the Checker keeps working.
func TestPanicsBecome503(t *testing.T) {
	ok := answering(active(`{"sub":"alice"}`), nil)
	t.Run("decoding", func(t *testing.T) {
		var logs bytes.Buffer
		c := mustNew(t, remotecheck.Config[panicky]{Check: ok, Options: remotecheck.Options{
			Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelError})),
		}})
		_, err := c.Verify(context.Background(), "tok")
		requireReason(t, err, remotecheck.ErrBadResponse, remotecheck.ReasonBadResponse)
		require.Contains(t, logs.String(), "level=ERROR")
		require.Contains(t, logs.String(), "panic recovered")
		require.NotContains(t, logs.String(), "decoder bug", "a panic's own value may hold claims: not logged")
		_, err = c.Verify(context.Background(), "tok")
		requireReason(t, err, remotecheck.ErrBadResponse, remotecheck.ReasonBadResponse)
	})
	t.Run("validator", func(t *testing.T) {
		c := mustNew(t, remotecheck.Config[claims.Map]{Check: ok, Validators: []func(context.Context, *claims.Map) error{
			func(_ context.Context, m *claims.Map) error {
				var roles []string
				_ = roles[len(*m)] // index out of range: a runtime panic
				return nil
			},
		}})
		_, err := c.Verify(context.Background(), "tok")
		requireReason(t, err, remotecheck.ErrBadResponse, remotecheck.ReasonBadResponse)
	})
	t.Run("OnCheck", func(t *testing.T) {
		c := mustNew(t, remotecheck.Config[claims.Map]{Check: ok, Options: remotecheck.Options{
			OnCheck: func(remotecheck.CheckEvent) { panic(errors.New("metrics bug")) },
		}})
		_, err := c.Verify(context.Background(), "tok")
		requireReason(t, err, remotecheck.ErrBadResponse, remotecheck.ReasonBadResponse)
	})
}
