package keysource

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestSkipLevel(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want slog.Level
	}{
		{"encryption key", &KeyError{Rule: "use-enc"}, slog.LevelDebug},
		{"key_ops without verify", &KeyError{Rule: "key-ops"}, slog.LevelDebug},
		{"weak RSA key", &KeyError{Rule: "rsa-min-bits"}, slog.LevelWarn},
		{"not a KeyError", errors.New("x"), slog.LevelWarn},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := skipLevel(tc.err); got != tc.want {
				t.Fatalf("skipLevel = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestRemoteKeysChangedLogIsShort: the Info line for a key change names at
// most maxLoggedKids kids per direction and counts them all, so a 1,000-key
// set does not write an 11 KB line.
func TestRemoteKeysChangedLogIsShort(t *testing.T) {
	const n = 1000
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	first, second := make([]map[string]any, n), make([]map[string]any, n)
	for i := range n {
		first[i] = ecJWKOf(fmt.Sprintf("kid-a-%04d", i), &k.PublicKey)
		second[i] = ecJWKOf(fmt.Sprintf("kid-b-%04d", i), &k.PublicKey)
	}
	srv := newKeyServer(t)
	srv.setJWKS(first...)
	var logs logBuffer
	clk, rec := newFakeClock(), newRecorder()
	src := newTestJWKS(t, srv, clk, rec, func(c *JWKSConfig) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	})
	set := keysNow(t, src)
	srv.setJWKS(second...)
	refreshFor(t, src, set, "kid-b-0000")

	// The line is written after the new set is published: wait for it.
	var lines []string
	eventually(t, func() bool {
		lines = lines[:0]
		for _, l := range strings.Split(logs.String(), "\n") {
			if strings.Contains(l, `msg="keys changed"`) {
				lines = append(lines, l)
			}
		}
		return len(lines) >= 2
	})
	for _, tc := range []struct {
		name string
		line string
		want []string
		not  []string
	}{
		{"first fetch", lines[0],
			[]string{"added_count=1000", "removed_count=0", "keys=1000", "kid-a-0000", "kid-a-0004"},
			[]string{"kid-a-0005"}},
		{"rotation of every key", lines[1],
			[]string{"added_count=1000", "removed_count=1000", "keys=1000", "kid-b-0004", "kid-a-0004"},
			[]string{"kid-b-0005", "kid-a-0005"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.line) > 512 {
				t.Errorf("the line is %d bytes long (want <= 512): %.200s...", len(tc.line), tc.line)
			}
			for _, w := range tc.want {
				if !strings.Contains(tc.line, w) {
					t.Errorf("the line lacks %q: %.300s", w, tc.line)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(tc.line, w) {
					t.Errorf("the line names %q", w)
				}
			}
		})
	}
}
