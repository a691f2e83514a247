package profile_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/profile"
	"github.com/jwtguard/jwtguard/verify"
)

// TestMain checks that no test leaves a goroutine behind: every profile
// owns a remote key source, whose refresh goroutine Close must stop.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// quiet returns settings whose key source logs nothing.
func quiet() profile.Settings {
	var s profile.Settings
	s.Fetch.Logger = slog.New(slog.DiscardHandler)
	return s
}

// closeAtEnd closes p when the test ends.
func closeAtEnd[C any](t *testing.T, p *profile.Profile[C]) *profile.Profile[C] {
	t.Helper()
	t.Cleanup(func() { assert.NoError(t, p.Close()) })
	return p
}

// requireRefused checks that err is a *verify.Error with reason, matching
// want.
func requireRefused(t *testing.T, err error, want error, reason string) {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, want)
	var ve *verify.Error
	require.True(t, errors.As(err, &ve), "%T is not a *verify.Error", err)
	assert.Equal(t, reason, ve.Reason)
}

// serve runs one request with header through p's middleware in front of a
// handler that answers 200, behind the extra middlewares, and returns the
// response.
func serve[C any](t *testing.T, p *profile.Profile[C], header http.Header, extra ...func(http.Handler) http.Handler) *http.Response {
	t.Helper()
	mw, err := middleware.New(p.MiddlewareConfig())
	require.NoError(t, err)
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, ok := middleware.ClaimsFrom[C](r.Context())
		assert.True(t, ok)
		w.WriteHeader(http.StatusOK)
	})
	for i := len(extra) - 1; i >= 0; i-- {
		h = extra[i](h)
	}
	h = mw.Handler(h)
	req := httptest.NewRequestWithContext(context.Background(), http.MethodGet, "/api", nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

// bearer returns an Authorization: Bearer header.
func bearer(token string) http.Header {
	return http.Header{"Authorization": {"Bearer " + token}}
}

// jsonDecode decodes resp's body into v.
func jsonDecode(resp *http.Response, v any) error {
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}
