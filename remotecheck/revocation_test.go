package remotecheck_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/fakeepr"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/remotecheck"
	"github.com/jwtguard/jwtguard/revocation"
	"github.com/jwtguard/jwtguard/verify"
)

// memoryStore returns a revocation.Memory on clk, closed with the test.
func memoryStore(t *testing.T, clk *clock) *revocation.Memory {
	t.Helper()
	m, err := revocation.NewMemory(revocation.MemoryConfig{Now: clk.Now})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, m.Close()) })
	return m
}

// checkerFunc is a revocation.Checker made of a function.
type checkerFunc func(*revocation.Token) error

func (f checkerFunc) Check(t *revocation.Token) error { return f(t) }

// TestEPRCachedAnswerDoesNotOutliveRevocation: a token EPR vouched for, in
// the cache, is refused as soon as it is revoked, without asking EPR again.
func TestEPRCachedAnswerDoesNotOutliveRevocation(t *testing.T) {
	for _, tc := range []struct {
		name  string
		entry func(iss, jti string, exp time.Time) revocation.Entry
	}{
		{"by jti", func(iss, jti string, exp time.Time) revocation.Entry { return revocation.TokenEntry(iss, jti, exp) }},
		{"by subject", func(iss, _ string, _ time.Time) revocation.Entry {
			return revocation.SubjectEntry(iss, fakeepr.UserName, time.Time{})
		}},
		{"issuer cut-off", func(iss, _ string, _ time.Time) revocation.Entry {
			return revocation.IssuerEntry(iss, time.Time{})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			store := memoryStore(t, clk)
			e := newEPR(t, func(c *remotecheck.EPRConfig) {
				c.Options.Now = clk.Now
				c.Options.Revocation = store
			})
			token := login(t, e.srv, fakeepr.UserName, fakeepr.UserPassword)
			got, err := e.chk.Verify(context.Background(), token)
			require.NoError(t, err)
			require.Equal(t, 1, e.srv.Checks())

			// Another token of the same user, not revoked by jti.
			other := login(t, e.srv, fakeepr.UserName, fakeepr.UserPassword)

			clk.Add(time.Second)
			require.NoError(t, store.Revoke(context.Background(), tc.entry(got.Issuer, got.ID, got.ExpiresAt.Time)))

			_, err = e.chk.Verify(context.Background(), token)
			requireReason(t, err, verify.ErrRevoked, verify.ReasonRevoked)
			require.Equal(t, 1, e.srv.Checks(), "refused from the cache, no call")

			_, err = e.chk.Verify(context.Background(), other)
			if tc.name == "by jti" {
				require.NoError(t, err, "another token of the subject stands")
			} else {
				requireReason(t, err, verify.ErrRevoked, verify.ReasonRevoked)
			}
		})
	}
}

// TestIntrospectionRevocation matches each kind of entry on an
// introspection answer's claims, fresh and from the cache.
func TestIntrospectionRevocation(t *testing.T) {
	const iss = "https://idp.example"
	claimsOf := func(extra string) string {
		return fmt.Sprintf(`{"iss":%q,"sub":"alice","jti":"j1","iat":%d,"exp":%d%s}`,
			iss, t0.Unix()-10, t0.Add(time.Hour).Unix(), extra)
	}
	for _, tc := range []struct {
		name    string
		claims  string
		entry   revocation.Entry
		revoked bool
	}{
		{"jti", claimsOf(""), revocation.TokenEntry(iss, "j1", t0.Add(time.Hour)), true},
		{"other jti", claimsOf(""), revocation.TokenEntry(iss, "j2", t0.Add(time.Hour)), false},
		{"sid", claimsOf(`,"sid":"s1"`), revocation.SessionEntry(iss, "s1"), true},
		{"session_state", claimsOf(`,"session_state":"s1"`), revocation.SessionEntry(iss, "s1"), true},
		{"azp", claimsOf(`,"azp":"c1"`), revocation.ClientEntry(iss, "c1", time.Time{}), true},
		{"client_id", claimsOf(`,"client_id":"c1"`), revocation.ClientEntry(iss, "c1", time.Time{}), true},
		{"subject", claimsOf(""), revocation.SubjectEntry(iss, "alice", time.Time{}), true},
		{"subject cut-off before iat", claimsOf(""), revocation.SubjectEntry(iss, "alice", t0.Add(-time.Minute)), false},
		{"other issuer", claimsOf(""), revocation.IssuerEntry("https://other.example", time.Time{}), false},
		{"no iss matches nothing", `{"sub":"alice","jti":"j1"}`, revocation.SubjectEntry(iss, "alice", time.Time{}), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk, sl := newClock(), &sleeper{}
			store := memoryStore(t, clk)
			chk := answering(active(tc.claims), nil)
			opts := options(clk, sl)
			opts.Revocation = store
			c := mustNew(t, remotecheck.Config[claims.Map]{Check: chk, Options: opts})

			_, err := c.Verify(context.Background(), "opaque-token")
			require.NoError(t, err)
			require.NoError(t, store.Revoke(context.Background(), tc.entry))

			_, err = c.Verify(context.Background(), "opaque-token")
			if tc.revoked {
				requireReason(t, err, verify.ErrRevoked, verify.ReasonRevoked)
			} else {
				require.NoError(t, err)
			}
			require.Equal(t, 1, chk.Calls(), "the second answer came from the cache")
		})
	}
}

// TestRevocationCheckerFailure: a checker that cannot know refuses the
// token (503 in the middleware), whatever its error; nothing is cached.
func TestRevocationCheckerFailure(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"unavailable", fmt.Errorf("replica: %w", revocation.ErrUnavailable)},
		{"unknown error counts as unavailable", errors.New("boom")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk, sl := newClock(), &sleeper{}
			var fail bool
			opts := options(clk, sl)
			opts.Revocation = checkerFunc(func(*revocation.Token) error {
				if fail {
					return tc.err
				}
				return nil
			})
			chk := answering(active(`{"iss":"i","sub":"s"}`), nil)
			c := mustNew(t, remotecheck.Config[claims.Map]{Check: chk, Options: opts})
			fail = true
			_, err := c.Verify(context.Background(), "tok")
			requireReason(t, err, verify.ErrRevocationUnavailable, verify.ReasonRevocationUnavailable)
			require.False(t, errors.Is(err, verify.ErrRevoked))
			fail = false
			_, err = c.Verify(context.Background(), "tok")
			require.NoError(t, err, "the refusal was not cached")
			require.Equal(t, 1, chk.Calls(), "the positive answer was")
		})
	}
}

// TestRevocationClaimOfWrongType: a claim the check matches on that is
// not a string refuses the answer, as the verifier does.
func TestRevocationClaimOfWrongType(t *testing.T) {
	clk := newClock()
	opts := options(clk, &sleeper{})
	opts.Revocation = memoryStore(t, clk)
	c := mustNew(t, remotecheck.Config[claims.Map]{Check: answering(active(`{"iss":"i","sid":7}`), nil), Options: opts})
	_, err := c.Verify(context.Background(), "tok")
	requireReason(t, err, verify.ErrClaims, verify.ReasonClaims)
}

// TestRevocationThroughMiddleware: revoked → 401 invalid_token "revoked";
// unavailable → 503 without a challenge.
func TestRevocationThroughMiddleware(t *testing.T) {
	clk := newClock()
	var unavailable bool
	store := memoryStore(t, clk)
	opts := options(clk, &sleeper{})
	opts.Revocation = checkerFunc(func(tok *revocation.Token) error {
		if unavailable {
			return revocation.ErrUnavailable
		}
		return store.Check(tok)
	})
	c := mustNew(t, remotecheck.Config[claims.Map]{Check: answering(active(`{"iss":"i","sub":"s","sid":"x"}`), nil), Options: opts})
	auth, err := middleware.New(middleware.Config[claims.Map]{Verifier: c})
	require.NoError(t, err)
	h := auth.Handler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	do := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("Authorization", "Bearer tok")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	require.Equal(t, http.StatusOK, do().Code)
	require.NoError(t, store.Revoke(context.Background(), revocation.SessionEntry("i", "x")))
	rec := do()
	require.Equal(t, http.StatusUnauthorized, rec.Code)
	require.Contains(t, rec.Header().Get("WWW-Authenticate"), `error_description="revoked"`)
	unavailable = true
	rec = do()
	require.Equal(t, http.StatusServiceUnavailable, rec.Code)
	require.NotEmpty(t, rec.Header().Get("Retry-After"))
	require.Empty(t, rec.Header().Get("WWW-Authenticate"))
}
