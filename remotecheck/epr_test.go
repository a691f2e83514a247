package remotecheck_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/fakeepr"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/remotecheck"
	"github.com/jwtguard/jwtguard/verify"
)

// eprSetup is a fake EPR, and a Checker for it sharing its clock.
type eprSetup struct {
	srv     *fakeepr.Server
	chk     *remotecheck.Checker[userClaims]
	partner string
	clk     *clock
	sl      *sleeper
}

func newEPR(t *testing.T, mod func(*remotecheck.EPRConfig)) *eprSetup {
	t.Helper()
	clk, sl := newClock(), &sleeper{}
	srv := fakeepr.New(t, fakeepr.Options{Now: clk.Now})
	cfg := remotecheck.EPRConfig{
		BaseURL:      srv.URL + "/",
		PartnerToken: login(t, srv, fakeepr.PartnerID, fakeepr.PartnerSecret),
		Options:      remotecheck.Options{Now: clk.Now, Sleep: sl.Sleep},
	}
	if mod != nil {
		mod(&cfg)
	}
	chk, err := remotecheck.NewEPR[userClaims](cfg)
	require.NoError(t, err)
	return &eprSetup{srv: srv, chk: chk, partner: cfg.PartnerToken, clk: clk, sl: sl}
}

// login logs in at the fake EPR over HTTP and returns the token.
func login(t *testing.T, srv *fakeepr.Server, name, password string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": name, "password": password})
	resp, err := http.Post(srv.URL+"/auth/login", "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var out struct {
		Token string `json:"token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return out.Token
}

// logout logs token out at the fake EPR over HTTP.
func logout(t *testing.T, srv *fakeepr.Server, token string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/auth/logout", nil)
	require.NoError(t, err)
	req.Header.Set("x-access-token", token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestEPRHappyPath(t *testing.T) {
	e := newEPR(t, nil)
	token := login(t, e.srv, fakeepr.UserName, fakeepr.UserPassword)

	got, err := e.chk.Verify(context.Background(), token)
	require.NoError(t, err)
	require.Equal(t, fakeepr.UserName, got.Subject)
	require.Equal(t, fakeepr.KindUser, got.Kind)
	require.Equal(t, e.srv.URL, got.Issuer)
	require.Equal(t, t0.Add(fakeepr.DefaultTokenTTL).Unix(), got.ExpiresAt.Unix(), "claims from the token's payload")
	require.Equal(t, 1, e.srv.Checks())

	partner, ua, ctype := e.srv.LastCheck()
	require.NotEmpty(t, partner)
	require.Equal(t, e.partner, partner, "the partner token is sent")
	require.True(t, strings.HasPrefix(ua, "jwtguard/"+keysource.Version), ua)
	require.Equal(t, "application/json", ctype)
	require.Zero(t, e.srv.PartnerRejects())

	_, err = e.chk.Verify(context.Background(), token)
	require.NoError(t, err)
	require.Equal(t, 1, e.srv.Checks(), "cache hit")
}

func TestEPRLoggedOut(t *testing.T) {
	t.Run("not cached: refused at once", func(t *testing.T) {
		e := newEPR(t, nil)
		token := login(t, e.srv, fakeepr.UserName, fakeepr.UserPassword)
		logout(t, e.srv, token)

		_, err := e.chk.Verify(context.Background(), token)
		requireReason(t, err, remotecheck.ErrInactive, remotecheck.ReasonInactive)
		require.Equal(t, 1, e.srv.Checks())

		// The negative answer is remembered for NegativeCacheTTL.
		e.clk.Add(remotecheck.DefaultNegativeCacheTTL - time.Second)
		_, err = e.chk.Verify(context.Background(), token)
		require.ErrorIs(t, err, remotecheck.ErrInactive)
		require.Equal(t, 1, e.srv.Checks())
		e.clk.Add(time.Second)
		_, err = e.chk.Verify(context.Background(), token)
		require.ErrorIs(t, err, remotecheck.ErrInactive)
		require.Equal(t, 2, e.srv.Checks())
	})
	t.Run("cached positive: accepted until CacheTTL runs out", func(t *testing.T) {
		e := newEPR(t, nil)
		token := login(t, e.srv, fakeepr.UserName, fakeepr.UserPassword)
		_, err := e.chk.Verify(context.Background(), token)
		require.NoError(t, err)
		logout(t, e.srv, token)

		e.clk.Add(remotecheck.DefaultCacheTTL - time.Second)
		_, err = e.chk.Verify(context.Background(), token)
		require.NoError(t, err, "the logout is not seen within CacheTTL")
		require.Equal(t, 1, e.srv.Checks())

		e.clk.Add(time.Second)
		_, err = e.chk.Verify(context.Background(), token)
		requireReason(t, err, remotecheck.ErrInactive, remotecheck.ReasonInactive)
		require.Equal(t, 2, e.srv.Checks())
	})
}

func TestEPRExpiredTokenNoCall(t *testing.T) {
	e := newEPR(t, nil)
	token := e.srv.TokenWithTTL(fakeepr.UserName, -2*time.Minute)
	_, err := e.chk.Verify(context.Background(), token)
	requireReason(t, err, verify.ErrExpired, verify.ReasonExpired)
	require.Zero(t, e.srv.Checks())

	// A token that expires while cached is not accepted past its exp.
	token = e.srv.TokenWithTTL(fakeepr.UserName, 10*time.Second)
	_, err = e.chk.Verify(context.Background(), token)
	require.NoError(t, err)
	e.clk.Add(10 * time.Second)
	_, err = e.chk.Verify(context.Background(), token)
	requireReason(t, err, remotecheck.ErrInactive, remotecheck.ReasonInactive) // the fake's own verdict, within the leeway
	require.Equal(t, 2, e.srv.Checks(), "the cached answer died at exp")
	e.clk.Add(remotecheck.DefaultLeeway)
	_, err = e.chk.Verify(context.Background(), token)
	requireReason(t, err, verify.ErrExpired, verify.ReasonExpired)
	require.Equal(t, 2, e.srv.Checks(), "past exp and leeway: no call")
}

func TestEPRDown(t *testing.T) {
	tests := []struct {
		name     string
		attempts int
		want     int
	}{
		{name: "one attempt", attempts: 1, want: 1},
		{name: "default", want: remotecheck.DefaultAttempts},
		{name: "five attempts", attempts: 5, want: 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEPR(t, func(c *remotecheck.EPRConfig) { c.Options.Attempts = tt.attempts })
			token := e.srv.Token(fakeepr.UserName)
			e.srv.SetMode(fakeepr.Down)

			_, err := e.chk.Verify(context.Background(), token)
			requireReason(t, err, keysource.ErrUnavailable, remotecheck.ReasonCheckUnavailable)
			require.ErrorIs(t, err, remotecheck.ErrCheckUnavailable)
			require.NotErrorIs(t, err, remotecheck.ErrInactive)
			require.Equal(t, tt.want, e.srv.Checks(), "exactly Attempts calls")
			require.Len(t, e.sl.Pauses(), tt.want-1)
			for _, p := range e.sl.Pauses() {
				require.Equal(t, remotecheck.DefaultRetryPause, p)
			}
			require.NotContains(t, err.Error(), token)

			e.srv.SetMode(fakeepr.Up)
			_, err = e.chk.Verify(context.Background(), token)
			require.NoError(t, err, "the outage was not cached")
		})
	}
}

func TestEPRRecoversWithinAttempts(t *testing.T) {
	e := newEPR(t, nil)
	token := e.srv.Token(fakeepr.UserName)
	e.srv.FailNext(2)
	_, err := e.chk.Verify(context.Background(), token)
	require.NoError(t, err)
	require.Equal(t, 3, e.srv.Checks())
}

func TestEPRHangs(t *testing.T) {
	t.Run("attempt timeout", func(t *testing.T) {
		e := newEPR(t, func(c *remotecheck.EPRConfig) {
			c.HTTP.Timeout = 20 * time.Millisecond
			c.Options.Attempts = 2
		})
		e.srv.SetMode(fakeepr.Hang)
		_, err := e.chk.Verify(context.Background(), e.srv.Token(fakeepr.UserName))
		requireReason(t, err, remotecheck.ErrCheckUnavailable, remotecheck.ReasonCheckUnavailable)
		require.ErrorContains(t, err, "timed out")
		require.Equal(t, 2, e.srv.Checks())
	})
	t.Run("caller gives up", func(t *testing.T) {
		e := newEPR(t, nil)
		e.srv.SetMode(fakeepr.Hang)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		_, err := e.chk.Verify(ctx, e.srv.Token(fakeepr.UserName))
		requireReason(t, err, context.DeadlineExceeded, verify.ReasonCanceled)
	})
}

func TestEPRPartnerToken(t *testing.T) {
	t.Run("wrong partner token reads as inactive", func(t *testing.T) {
		// EPR's answers are not published; the fake answers a dead partner
		// token with 401, which the default reading cannot tell from a dead
		// user token (see docs/remotecheck.md).
		e := newEPR(t, func(c *remotecheck.EPRConfig) { c.PartnerToken = "not-a-partner-token" })
		_, err := e.chk.Verify(context.Background(), e.srv.Token(fakeepr.UserName))
		require.ErrorIs(t, err, remotecheck.ErrInactive)
		require.Equal(t, 1, e.srv.PartnerRejects())
	})
	t.Run("user token as partner token", func(t *testing.T) {
		e := newEPR(t, nil)
		user := e.srv.Token(fakeepr.UserName)
		chk, err := remotecheck.NewEPR[userClaims](remotecheck.EPRConfig{
			BaseURL: e.srv.URL, PartnerToken: user, Options: remotecheck.Options{Now: e.clk.Now},
		})
		require.NoError(t, err)
		_, err = chk.Verify(context.Background(), user)
		require.ErrorIs(t, err, remotecheck.ErrInactive)
	})
	t.Run("PartnerTokenFunc", func(t *testing.T) {
		calls := 0
		e := newEPR(t, nil)
		chk, err := remotecheck.NewEPR[userClaims](remotecheck.EPRConfig{
			BaseURL: e.srv.URL,
			PartnerTokenFunc: func(context.Context) (string, error) {
				calls++
				return e.srv.PartnerToken(), nil
			},
			Options: remotecheck.Options{Now: e.clk.Now},
		})
		require.NoError(t, err)
		_, err = chk.Verify(context.Background(), e.srv.Token(fakeepr.UserName))
		require.NoError(t, err)
		require.Equal(t, 1, calls)
	})
	t.Run("PartnerTokenFunc fails", func(t *testing.T) {
		e := newEPR(t, func(c *remotecheck.EPRConfig) {
			c.PartnerToken = ""
			c.PartnerTokenFunc = func(context.Context) (string, error) { return "", errors.New("login failed") }
		})
		_, err := e.chk.Verify(context.Background(), e.srv.Token(fakeepr.UserName))
		requireReason(t, err, remotecheck.ErrCheckUnavailable, remotecheck.ReasonCheckUnavailable)
		require.Zero(t, e.srv.Checks())
	})
}

func TestEPRInterpretHook(t *testing.T) {
	// A custom reading that takes the claims from the response's "user"
	// object instead of the token.
	e := newEPR(t, func(c *remotecheck.EPRConfig) {
		c.Interpret = func(r remotecheck.EPRResponse) (remotecheck.Result, error) {
			res, err := remotecheck.DefaultEPRInterpret(r)
			if err != nil || !res.Active {
				return res, err
			}
			var body struct {
				User struct {
					ID string `json:"id"`
				} `json:"user"`
			}
			if err := json.Unmarshal(r.Body, &body); err != nil {
				return remotecheck.Result{}, fmt.Errorf("%w: %v", remotecheck.ErrBadResponse, err)
			}
			claimsJSON, _ := json.Marshal(map[string]string{"sub": "epr:" + body.User.ID, "kind": "from-response"})
			return remotecheck.Result{Active: true, Claims: claimsJSON}, nil
		}
	})
	got, err := e.chk.Verify(context.Background(), e.srv.Token(fakeepr.UserName))
	require.NoError(t, err)
	require.Equal(t, "epr:"+fakeepr.UserName, got.Subject)
	require.Equal(t, "from-response", got.Kind)
}

// TestEPRFailsClosed: an answer that does not say yes never accepts a token
// whose payload the attacker wrote (alg none, any claims).
func TestEPRFailsClosed(t *testing.T) {
	forged := "eyJhbGciOiJIUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"admin","exp":99999999999}`)) + ".Zm9yZ2Vk"
	for _, body := range []string{"", "OK", "<html>proxy error</html>", `{"status":401,"message":"jwt expired"}`, `{"message":"Invalid token"}`, `{"valid":null}`} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(body))
		}))
		chk, err := remotecheck.NewEPR[claims.Map](remotecheck.EPRConfig{BaseURL: srv.URL, PartnerToken: "p"})
		require.NoError(t, err)
		got, err := chk.Verify(context.Background(), forged)
		require.Error(t, err, "body %q", body)
		require.Nil(t, got)
		srv.Close()
	}
}

func TestEPRLargeResponseRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(bytes.Repeat([]byte(" "), 5<<20))
	}))
	t.Cleanup(srv.Close)
	chk, err := remotecheck.NewEPR[claims.Map](remotecheck.EPRConfig{BaseURL: srv.URL, PartnerToken: "p"})
	require.NoError(t, err)
	_, err = chk.Verify(context.Background(), garbageJWT(time.Now().Add(time.Hour)))
	requireReason(t, err, remotecheck.ErrBadResponse, remotecheck.ReasonBadResponse)
}

func TestEPRRequest(t *testing.T) {
	var gotPath, gotHeader, gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b bytes.Buffer
		_, _ = b.ReadFrom(r.Body)
		gotPath, gotHeader, gotBody = r.Method+" "+r.URL.Path, r.Header.Get("X-Partner"), b.String()
		_, _ = w.Write([]byte(`{"success":true}`))
	}))
	t.Cleanup(srv.Close)
	chk, err := remotecheck.NewEPR[claims.Map](remotecheck.EPRConfig{
		BaseURL: srv.URL + "/api/v2", PartnerToken: "p-1", PartnerTokenHeader: "X-Partner", CheckPath: "/auth/check",
	})
	require.NoError(t, err)
	token := garbageJWT(time.Now().Add(time.Hour))
	_, err = chk.Verify(context.Background(), token)
	require.NoError(t, err)
	require.Equal(t, "POST /api/v2/auth/check", gotPath)
	require.Equal(t, "p-1", gotHeader)
	var body map[string]string
	require.NoError(t, json.Unmarshal([]byte(gotBody), &body))
	require.Equal(t, map[string]string{"token": token}, body)
}

func TestNewEPR(t *testing.T) {
	tests := []struct {
		name string
		cfg  remotecheck.EPRConfig
		want error
	}{
		{name: "no base URL", cfg: remotecheck.EPRConfig{PartnerToken: "p"}},
		{name: "http to a remote host", cfg: remotecheck.EPRConfig{BaseURL: "http://epr.example", PartnerToken: "p"}, want: remotecheck.ErrInsecureURL},
		{name: "no partner token", cfg: remotecheck.EPRConfig{BaseURL: "https://epr.example"}},
		{name: "both partner token and func", cfg: remotecheck.EPRConfig{BaseURL: "https://epr.example", PartnerToken: "p",
			PartnerTokenFunc: func(context.Context) (string, error) { return "p", nil }}},
		{name: "partner token with a line break", cfg: remotecheck.EPRConfig{BaseURL: "https://epr.example", PartnerToken: "p\r\nX-Evil: 1"}},
		{name: "bad header name", cfg: remotecheck.EPRConfig{BaseURL: "https://epr.example", PartnerToken: "p", PartnerTokenHeader: "x access"}},
		{name: "relative check path", cfg: remotecheck.EPRConfig{BaseURL: "https://epr.example", PartnerToken: "p", CheckPath: "auth/checkToken"}},
		{name: "query in base URL", cfg: remotecheck.EPRConfig{BaseURL: "https://epr.example?x=1", PartnerToken: "p"}},
		{name: "UserAgent with a line break", cfg: remotecheck.EPRConfig{BaseURL: "https://epr.example", PartnerToken: "p",
			HTTP: remotecheck.HTTPOptions{UserAgent: "a\nb"}}},
		{name: "negative MaxBodyBytes", cfg: remotecheck.EPRConfig{BaseURL: "https://epr.example", PartnerToken: "p",
			HTTP: remotecheck.HTTPOptions{MaxBodyBytes: -1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := remotecheck.NewEPR[claims.Map](tt.cfg)
			require.Error(t, err)
			require.Nil(t, c)
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
			}
		})
	}
}
