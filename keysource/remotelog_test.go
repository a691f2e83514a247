package keysource

import (
	"errors"
	"log/slog"
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
