package remotecheck_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/fakeepr"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/remotecheck"
)

// garbageJWT is a token shaped like EPR's, with a live exp, that EPR never
// issued: it passes every check that can be made without asking EPR.
func garbageJWT(exp time.Time) string {
	sig := make([]byte, 32)
	_, _ = rand.Read(sig)
	return b64(`{"alg":"HS256","typ":"JWT"}`) + "." +
		b64(fmt.Sprintf(`{"sub":"mallory","exp":%d,"jti":%q}`, exp.Unix(), rand.Text())) + "." +
		b64(string(sig))
}

// TestGarbageCannotStarveLegitimateUsers: 128 clients flood a slow issuer
// (300 ms a check) with distinct JWT-shaped tokens that only the issuer can
// refuse, so every check slot is always taken. 20 legitimate users, each
// with a fresh token (nothing cached), must still get in: a check that
// finds every slot taken waits in line for one (Options.QueueTimeout)
// instead of being refused at once.
func TestGarbageCannotStarveLegitimateUsers(t *testing.T) {
	const (
		attackers = 128
		users     = 20
		delay     = 300 * time.Millisecond
	)
	srv := fakeepr.New(t, fakeepr.Options{})
	srv.SetDelay(delay)
	chk, err := remotecheck.NewEPR[claims.Map](remotecheck.EPRConfig{
		BaseURL:      srv.URL,
		PartnerToken: srv.PartnerToken(),
		// The defaults, but for retries, which a 401 never needs.
		Options: remotecheck.Options{Attempts: 1},
	})
	require.NoError(t, err)
	auth, err := middleware.New(middleware.Config[claims.Map]{
		Verifier:   chk,
		Extractors: []middleware.Extractor{middleware.Header(remotecheck.EPRTokenHeader)},
	})
	require.NoError(t, err)
	h := auth.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	serve := func(ctx context.Context, token string) int {
		req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/", nil)
		req.Header.Set(remotecheck.EPRTokenHeader, token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}

	flood, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	exp := time.Now().Add(time.Hour)
	for range attackers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for flood.Err() == nil {
				serve(flood, garbageJWT(exp))
			}
		}()
	}
	defer func() { stop(); wg.Wait() }()
	require.Eventually(t, func() bool { return srv.Checks() >= remotecheck.DefaultMaxConcurrentChecks },
		10*time.Second, time.Millisecond, "the flood fills every check slot")

	codes := make([]int, users)
	took := make([]time.Duration, users)
	var uw sync.WaitGroup
	for i := range users {
		token := srv.Token(fmt.Sprintf("user-%d", i))
		uw.Add(1)
		go func() {
			defer uw.Done()
			start := time.Now()
			codes[i] = serve(context.Background(), token)
			took[i] = time.Since(start)
		}()
	}
	uw.Wait()
	ok := 0
	for _, c := range codes {
		if c == http.StatusOK {
			ok++
		}
	}
	t.Logf("legitimate first requests answered 200: %d of %d (slowest %s; statuses %v)", ok, users, slices.Max(took).Round(time.Millisecond), codes)
	require.Equal(t, users, ok, "every legitimate user gets in while the flood goes on")
}
