package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// knownGaps are the bad tokens a contender accepts in the configuration
// the benchmark uses; anything else accepted fails the test.
var knownGaps = map[string][]string{
	"jwtauth": {"unknown kid"}, // one key, no JWK Set: the kid is never read
}

// TestContendersRefuseTheSameTokens: every contender's server answers 204
// to a valid token and refuses the bad ones (none excepted, which
// authenticates nothing), so that no server is faster for checking less.
func TestContendersRefuseTheSameTokens(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	priv, km, err := loadKey("../../../testdata/keys")
	if err != nil {
		t.Fatal(err)
	}
	valid, err := signToken(priv, header, keycloakClaims(time.Now(), "valid"))
	if err != nil {
		t.Fatal(err)
	}
	bad, err := badTokens(priv, valid)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range contenders {
		t.Run(name, func(t *testing.T) {
			h, stop, err := newContender(name, km)
			if err != nil {
				t.Fatal(err)
			}
			defer stop()
			srv := httptest.NewServer(h)
			defer srv.Close()
			client := srv.Client()
			ctx := context.Background()
			if status, err := get(ctx, client, srv.URL+apiPath, valid); err != nil || status != http.StatusNoContent {
				t.Fatalf("valid token: %d, %v", status, err)
			}
			if name == "none" {
				return
			}
			for what, tok := range bad {
				status, err := get(ctx, client, srv.URL+apiPath, tok)
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				if status == http.StatusNoContent && !slices.Contains(knownGaps[name], what) {
					t.Errorf("%s: accepted", what)
				}
				if status != http.StatusNoContent && slices.Contains(knownGaps[name], what) {
					t.Errorf("%s: refused (%d), but listed as a known gap", what, status)
				}
			}
		})
	}
}

// TestRunLoad: a short closed-loop run against a loopback server counts
// the wanted answers and the others apart.
func TestRunLoad(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer good" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer srv.Close()
	client := newClient(2)
	defer client.CloseIdleConnections()
	for _, tc := range []struct {
		name         string
		tokens       []string
		wantFailures bool
	}{
		{"all wanted", []string{"good"}, false},
		{"half refused", []string{"good", "bad"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runLoad(context.Background(), client, loadConfig{url: srv.URL, tokens: tc.tokens,
				want: http.StatusNoContent, conns: 2, duration: 5 * time.Second, maxRequests: 200})
			if r.requests == 0 || r.p99 < r.p50 || r.requests+r.failures > 200 {
				t.Fatalf("requests %d, failures %d, p50 %s, p99 %s", r.requests, r.failures, r.p50, r.p99)
			}
			if (r.failures > 0) != tc.wantFailures {
				t.Fatalf("failures %d (first: %s)", r.failures, r.firstErr)
			}
		})
	}
}

// TestForge: a forged token differs from the original only in its
// signature.
func TestForge(t *testing.T) {
	tok := "aGVhZA.Ym9keQ.c2lnbmF0dXJl"
	f := forge(tok)
	if f == tok || f[:len("aGVhZA.Ym9keQ.")] != "aGVhZA.Ym9keQ." {
		t.Fatalf("forge(%q) = %q", tok, f)
	}
}
