package backchannel_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/backchannel"
	"github.com/jwtguard/jwtguard/revocation"
)

func TestNewRefusesIncompleteConfig(t *testing.T) {
	store := newMemStore(nil)
	keys := staticKeys(t)
	good := backchannel.Config{Keys: keys, Issuer: issuer, ClientID: clientID, Store: store}
	tests := []struct {
		name string
		edit func(*backchannel.Config)
		msg  string
	}{
		{name: "no keys", edit: func(c *backchannel.Config) { c.Keys = nil }, msg: "Config.Keys is required"},
		{name: "no issuer", edit: func(c *backchannel.Config) { c.Issuer = "" }, msg: "Config.Issuer is required"},
		{name: "no client", edit: func(c *backchannel.Config) { c.ClientID = "" }, msg: "Config.ClientID is required"},
		{name: "no store", edit: func(c *backchannel.Config) { c.Store = nil }, msg: "Config.Store is required"},
		{name: "negative MaxAge", edit: func(c *backchannel.Config) { c.MaxAge = -time.Second }, msg: "MaxAge is negative"},
		{name: "negative MaxBodyBytes", edit: func(c *backchannel.Config) { c.MaxBodyBytes = -1 }, msg: "MaxBodyBytes is negative"},
		{name: "negative StoreTimeout", edit: func(c *backchannel.Config) { c.StoreTimeout = -1 }, msg: "StoreTimeout is negative"},
		{name: "alg none", edit: func(c *backchannel.Config) { c.Algorithms = []string{"none"} }, msg: `"none" is never accepted`},
		{name: "HMAC mixed with RS256", edit: func(c *backchannel.Config) { c.Algorithms = []string{"RS256", "HS256"} }, msg: "mixes HMAC and asymmetric"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			tt.edit(&cfg)
			h, err := backchannel.New(cfg)
			require.Error(t, err)
			assert.Nil(t, h)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
	_, err := backchannel.New(good)
	require.NoError(t, err)
}

// TestRequestShape: the method, the content type, the body size and the
// form field, each refused alone.
func TestRequestShape(t *testing.T) {
	f := newFixture(t, func(c *backchannel.Config) { c.MaxBodyBytes = 4096 })
	form := func(tok string) string { return "logout_token=" + url.QueryEscape(tok) }

	t.Run("another method: 405 with Allow: POST", func(t *testing.T) {
		for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodHead, http.MethodOptions} {
			req := httptest.NewRequest(m, "/backchannel-logout?logout_token="+url.QueryEscape(f.token(t, nil)), nil)
			rec := httptest.NewRecorder()
			f.h.ServeHTTP(rec, req)
			assert.Equal(t, http.StatusMethodNotAllowed, rec.Code, m)
			assert.Equal(t, http.MethodPost, rec.Header().Get("Allow"), m)
			assert.Equal(t, "no-store", rec.Header().Get("Cache-Control"), m)
		}
		assert.Zero(t, f.store.revokes)
	})

	tests := []struct {
		name        string
		contentType string
		body        string
		status      int
		desc        string
	}{
		{name: "good", contentType: "application/x-www-form-urlencoded", body: form(f.token(t, nil)), status: http.StatusOK},
		{name: "content type with charset", contentType: "application/x-www-form-urlencoded; charset=UTF-8", body: form(f.token(t, nil)), status: http.StatusOK},
		{name: "other fields beside", contentType: "application/x-www-form-urlencoded", body: "a=b&" + form(f.token(t, nil)) + "&c=d", status: http.StatusOK},
		{name: "no content type", contentType: "", body: form(f.token(t, nil)), status: http.StatusBadRequest, desc: descRequest},
		{name: "JSON body", contentType: "application/json", body: `{"logout_token":"` + f.token(t, nil) + `"}`, status: http.StatusBadRequest, desc: descRequest},
		{name: "multipart", contentType: "multipart/form-data; boundary=x", body: "--x\r\nContent-Disposition: form-data; name=\"logout_token\"\r\n\r\n" + f.token(t, nil) + "\r\n--x--\r\n", status: http.StatusBadRequest, desc: descRequest},
		{name: "field missing", contentType: "application/x-www-form-urlencoded", body: "token=" + url.QueryEscape(f.token(t, nil)), status: http.StatusBadRequest, desc: descRequest},
		{name: "field empty", contentType: "application/x-www-form-urlencoded", body: "logout_token=", status: http.StatusBadRequest, desc: descRequest},
		{name: "field repeated", contentType: "application/x-www-form-urlencoded", body: form(f.token(t, nil)) + "&" + form(f.token(t, nil)), status: http.StatusBadRequest, desc: descRequest},
		{name: "empty body", contentType: "application/x-www-form-urlencoded", body: "", status: http.StatusBadRequest, desc: descRequest},
		{name: "bad escape", contentType: "application/x-www-form-urlencoded", body: "logout_token=%zz", status: http.StatusBadRequest, desc: descRequest},
		{name: "garbage bytes", contentType: "application/x-www-form-urlencoded", body: "\x00\xff\xfe=&&=\x7f;;%", status: http.StatusBadRequest, desc: descRequest},
		{name: "garbage token", contentType: "application/x-www-form-urlencoded", body: "logout_token=not.a.jwt", status: http.StatusBadRequest, desc: descMalformed},
		{name: "five segments (JWE)", contentType: "application/x-www-form-urlencoded", body: "logout_token=a.b.c.d.e", status: http.StatusBadRequest, desc: descMalformed},
		{name: "body over MaxBodyBytes", contentType: "application/x-www-form-urlencoded", body: form(f.token(t, nil)) + "&pad=" + strings.Repeat("x", 4096), status: http.StatusBadRequest, desc: descRequest},
		{name: "token field over MaxBodyBytes", contentType: "application/x-www-form-urlencoded", body: "logout_token=" + strings.Repeat("A", 1<<20), status: http.StatusBadRequest, desc: descRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := postBody(f.h, tt.contentType, tt.body)
			if tt.status == http.StatusOK {
				requireAnswer(t, rec, http.StatusOK, "", "")
				return
			}
			requireAnswer(t, rec, tt.status, "invalid_request", tt.desc)
		})
	}

	t.Run("token in the query string only", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPost, "/backchannel-logout?logout_token="+url.QueryEscape(f.token(t, nil)), strings.NewReader("x=y"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, req)
		requireAnswer(t, rec, http.StatusBadRequest, "invalid_request", descRequest)
	})

	t.Run("token over verify's size limit in a body the handler takes", func(t *testing.T) {
		g := newFixture(t, nil) // default MaxBodyBytes, 64 KiB
		rec := postBody(g.h, "application/x-www-form-urlencoded", "logout_token="+strings.Repeat("A", 20<<10)+".e30.AA")
		requireAnswer(t, rec, http.StatusBadRequest, "invalid_request", descMalformed)
	})
}

// TestRevokes: sid revokes the session whether or not sub is present;
// sub alone revokes the subject's tokens issued at or before the logout
// token's iat.
func TestRevokes(t *testing.T) {
	iat := t0.Add(-30 * time.Second)
	tests := []struct {
		name string
		over map[string]any
		want revocation.Entry
	}{
		{name: "sid and sub: the session", over: map[string]any{"iat": iat.Unix()}, want: revocation.Entry{Kind: revocation.KindSession, Issuer: issuer, Value: sid}},
		{name: "sid alone: the session", over: map[string]any{"iat": iat.Unix(), "sub": nil}, want: revocation.Entry{Kind: revocation.KindSession, Issuer: issuer, Value: sid}},
		{name: "sub alone: the subject up to iat", over: map[string]any{"iat": iat.Unix(), "sid": nil}, want: revocation.Entry{Kind: revocation.KindSubject, Issuer: issuer, Value: sub, Before: iat}},
		{name: "empty sid and sub: the subject", over: map[string]any{"iat": iat.Unix(), "sid": ""}, want: revocation.Entry{Kind: revocation.KindSubject, Issuer: issuer, Value: sub, Before: iat}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			got, err := f.h.Logout(context.Background(), f.token(t, tt.over))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			entries, err := f.store.Entries(context.Background())
			require.NoError(t, err)
			assert.Equal(t, []revocation.Entry{tt.want}, entries)
		})
	}

	t.Run("the store then refuses what was revoked, and only that", func(t *testing.T) {
		f := newFixture(t, nil)
		requireAnswer(t, post(f.h, f.token(t, map[string]any{"sid": nil, "iat": iat.Unix()})), http.StatusOK, "", "")
		before := &revocation.Token{Issuer: issuer, Subject: sub, IssuedAt: iat}
		after := &revocation.Token{Issuer: issuer, Subject: sub, IssuedAt: iat.Add(time.Second)}
		otherIss := &revocation.Token{Issuer: issuer + "2", Subject: sub, IssuedAt: iat}
		assert.ErrorIs(t, f.store.Check(before), revocation.ErrRevoked)
		assert.NoError(t, f.store.Check(after))
		assert.NoError(t, f.store.Check(otherIss))
	})
}

// TestJTIRememberedUntilTheTokenDies: the jti is kept until the token
// would fail its time checks anyway: iat + MaxAge + leeway, or exp +
// leeway when that is earlier.
func TestJTIRememberedUntilTheTokenDies(t *testing.T) {
	tests := []struct {
		name string
		edit func(*backchannel.Config)
		over map[string]any
		want time.Time
	}{
		{name: "exp earlier than the iat window", over: map[string]any{"exp": t0.Add(2 * time.Minute).Unix()}, want: t0.Add(3 * time.Minute)},
		{name: "no exp", over: map[string]any{"exp": nil}, want: t0.Add(6 * time.Minute)},
		{name: "exp later than the iat window", over: map[string]any{"exp": t0.Add(time.Hour).Unix()}, want: t0.Add(6 * time.Minute)},
		{name: "configured MaxAge and leeway", edit: func(c *backchannel.Config) { c.MaxAge = time.Minute; c.Leeway = 10 * time.Second }, over: map[string]any{"exp": nil}, want: t0.Add(70 * time.Second)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.edit)
			claims := logoutClaims(tt.over)
			requireAnswer(t, post(f.h, f.sign(t, nil, claims)), http.StatusOK, "", "")
			until, ok := f.store.usedUntil(issuer, claims["jti"].(string))
			require.True(t, ok, "jti not recorded")
			assert.Equal(t, tt.want, until)
		})
	}
}

// TestReplay: the same logout token twice: the second is refused, and
// the jti is scoped to the issuer.
func TestReplay(t *testing.T) {
	f := newFixture(t, nil)
	token := f.token(t, nil)
	requireAnswer(t, post(f.h, token), http.StatusOK, "", "")
	requireAnswer(t, post(f.h, token), http.StatusBadRequest, "invalid_request", descReplayed)
	_, err := f.h.Logout(context.Background(), token)
	require.ErrorIs(t, err, revocation.ErrReplayed)

	// Another token with the same jti is a replay too: the jti, not the
	// token string, is what is remembered.
	claims := logoutClaims(nil)
	claims["jti"] = "shared-jti"
	requireAnswer(t, post(f.h, f.sign(t, nil, claims)), http.StatusOK, "", "")
	claims["sid"] = "another-session"
	requireAnswer(t, post(f.h, f.sign(t, nil, claims)), http.StatusBadRequest, "invalid_request", descReplayed)
}

// TestReplayAcrossReplicas: two handlers (two replicas) sharing one store:
// a token accepted by one is refused by the other.
func TestReplayAcrossReplicas(t *testing.T) {
	a := newFixture(t, nil)
	b := newFixture(t, func(c *backchannel.Config) { c.Store = a.store })
	token := a.token(t, nil)
	requireAnswer(t, post(a.h, token), http.StatusOK, "", "")
	requireAnswer(t, post(b.h, token), http.StatusBadRequest, "invalid_request", descReplayed)
	requireAnswer(t, post(a.h, token), http.StatusBadRequest, "invalid_request", descReplayed)

	t.Run("concurrent deliveries: exactly one accepted", func(t *testing.T) {
		token := a.token(t, nil)
		const n = 16
		codes := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				h := a.h
				if i%2 == 1 {
					h = b.h
				}
				codes[i] = post(h, token).Code
			}()
		}
		wg.Wait()
		ok, replay := 0, 0
		for _, c := range codes {
			switch c {
			case http.StatusOK:
				ok++
			case http.StatusBadRequest:
				replay++
			}
		}
		assert.Equal(t, 1, ok, "codes %v", codes)
		assert.Equal(t, n-1, replay, "codes %v", codes)
	})
}

// TestStoreFailure: a Revoke that fails answers 503 and leaves the jti
// unused, so the issuer's retry of the very same token succeeds; then a
// replay is refused.
func TestStoreFailure(t *testing.T) {
	for _, cause := range []error{errors.New("redis: connection refused"), revocation.ErrFull, revocation.ErrUnavailable} {
		t.Run(cause.Error(), func(t *testing.T) {
			f := newFixture(t, nil)
			claims := logoutClaims(nil)
			token := f.sign(t, nil, claims)

			f.store.setFail(cause, nil)
			requireAnswer(t, post(f.h, token), http.StatusServiceUnavailable, "temporarily_unavailable", descStore)
			_, err := f.h.Logout(context.Background(), token)
			require.ErrorIs(t, err, backchannel.ErrNotStored)
			require.ErrorIs(t, err, cause)
			_, used := f.store.usedUntil(issuer, claims["jti"].(string))
			assert.False(t, used, "the jti of a logout that was not stored was recorded")
			entries, _ := f.store.Entries(context.Background())
			assert.Empty(t, entries)
			assert.Contains(t, f.logs.String(), `"level":"ERROR"`)
			assert.Contains(t, f.logs.String(), cause.Error())

			f.store.setFail(nil, nil)
			requireAnswer(t, post(f.h, token), http.StatusOK, "", "")
			entries, _ = f.store.Entries(context.Background())
			assert.Len(t, entries, 1)
			requireAnswer(t, post(f.h, token), http.StatusBadRequest, "invalid_request", descReplayed)
		})
	}
}

// TestUseFailsAfterRevoke: the revocation is stored and only the replay
// memory failed: the logout stands (200), with a warning.
func TestUseFailsAfterRevoke(t *testing.T) {
	f := newFixture(t, nil)
	f.store.setFail(nil, fmt.Errorf("%w: redis unreachable", revocation.ErrUnavailable))
	requireAnswer(t, post(f.h, f.token(t, nil)), http.StatusOK, "", "")
	entries, _ := f.store.Entries(context.Background())
	assert.Len(t, entries, 1)
	assert.Contains(t, f.logs.String(), "jti not recorded")
}

// ctxStore records the contexts the handler gives the store, and runs
// onRevoke first.
type ctxStore struct {
	*memStore
	onRevoke            func()
	revokeErr, useErr   error
	revokeDL, useDL     time.Time
	revokeSeen, useSeen bool
}

func (s *ctxStore) Revoke(ctx context.Context, e revocation.Entry) error {
	if s.onRevoke != nil {
		s.onRevoke()
	}
	s.revokeErr, s.revokeSeen = ctx.Err(), true
	s.revokeDL, _ = ctx.Deadline()
	return s.memStore.Revoke(ctx, e)
}

func (s *ctxStore) Use(ctx context.Context, issuer, id string, until time.Time) error {
	s.useErr, s.useSeen = ctx.Err(), true
	s.useDL, _ = ctx.Deadline()
	return s.memStore.Use(ctx, issuer, id, until)
}

// TestStoreCallsOutliveTheRequest: an issuer that hangs up after its
// token was verified does not interrupt the revocation; the store calls
// are bounded by StoreTimeout instead.
func TestStoreCallsOutliveTheRequest(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store := &ctxStore{memStore: newMemStore(func() time.Time { return t0 }), onRevoke: cancel}
	f := newFixture(t, func(c *backchannel.Config) {
		c.Store = store
		c.StoreTimeout = 3 * time.Second
	})
	start := time.Now()
	_, err := f.h.Logout(ctx, f.token(t, nil))
	require.NoError(t, err)
	require.Error(t, ctx.Err(), "the test did not cancel the caller's context")
	require.True(t, store.revokeSeen && store.useSeen)
	assert.NoError(t, store.revokeErr)
	assert.NoError(t, store.useErr)
	for _, dl := range []time.Time{store.revokeDL, store.useDL} {
		require.False(t, dl.IsZero(), "no deadline on the store call")
		assert.WithinDuration(t, start.Add(3*time.Second), dl, 2*time.Second)
	}
	entries, _ := store.Entries(context.Background())
	assert.Len(t, entries, 1)
}
