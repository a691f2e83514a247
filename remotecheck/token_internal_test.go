package remotecheck

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/verify"
)

func enc(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestUnverifiedExpiry(t *testing.T) {
	hdr := enc(`{"alg":"RS256"}`)
	tests := []struct {
		name  string
		token string
		want  time.Time
		err   error
	}{
		{name: "JWT with exp", token: hdr + "." + enc(`{"exp":1700000000}`) + ".c2ln", want: time.Unix(1700000000, 0).UTC()},
		{name: "JWT with fractional exp", token: hdr + "." + enc(`{"exp":1700000000.5}`) + ".c2ln", want: time.Unix(1700000000, 5e8).UTC()},
		{name: "JWT without exp", token: hdr + "." + enc(`{"sub":"a"}`) + ".c2ln"},
		{name: "JWT with null exp", token: hdr + "." + enc(`{"exp":null}`) + ".c2ln"},
		{name: "JWT with empty signature", token: hdr + "." + enc(`{"exp":1700000000}`) + ".", want: time.Unix(1700000000, 0).UTC()},
		{name: "opaque", token: "2YotnFZFEjr1zCsicMWpAA"},
		{name: "two segments", token: hdr + "." + enc(`{"exp":1}`)},
		{name: "four segments", token: hdr + "." + enc(`{"exp":1}`) + ".a.b"},
		{name: "header not JSON", token: enc("hello") + "." + enc(`{"exp":1}`) + ".c2ln"},
		{name: "header an array", token: enc("[1]") + "." + enc(`{"exp":1}`) + ".c2ln"},
		{name: "padded header", token: hdr + "=." + enc(`{"exp":1}`) + ".c2ln"},
		{name: "bad signature alphabet", token: hdr + "." + enc(`{"exp":1}`) + ".c2l+"},
		{name: "exp a string", token: hdr + "." + enc(`{"exp":"1700000000"}`) + ".c2ln", err: verify.ErrMalformed},
		{name: "duplicate exp", token: hdr + "." + enc(`{"exp":1,"exp":2}`) + ".c2ln", err: verify.ErrMalformed},
		{name: "payload not JSON", token: hdr + "." + enc(`hello`) + ".c2ln", err: verify.ErrMalformed},
		{name: "payload an array", token: hdr + "." + enc(`[]`) + ".c2ln", err: verify.ErrMalformed},
		{name: "payload bad base64", token: hdr + ".e30=.c2ln"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := unverifiedExpiry(tt.token)
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.True(t, tt.want.Equal(got), "got %v, want %v", got, tt.want)
		})
	}
}

func TestCheckShape(t *testing.T) {
	require.NoError(t, checkShape("abc.DEF-_~+/=", 100))
	require.ErrorIs(t, checkShape(strings.Repeat("a", 11), 10), verify.ErrTooLarge)
	require.ErrorIs(t, checkShape("", 10), verify.ErrMalformed)
	require.ErrorIs(t, checkShape("a\x7f", 10), verify.ErrMalformed)
}

// FuzzUnverifiedExpiry checks that reading a token never panics and fails
// only with verify.ErrMalformed.
func FuzzUnverifiedExpiry(f *testing.F) {
	hdr := enc(`{"alg":"RS256"}`)
	for _, s := range []string{
		hdr + "." + enc(`{"exp":1700000000}`) + ".c2ln",
		hdr + "." + enc(`{"exp":"x"}`) + ".c2ln",
		hdr + "." + enc(`{"exp":1e400}`) + ".",
		"opaque", "a.b.c", "..", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		_, err := unverifiedExpiry(token)
		if err != nil && !errors.Is(err, verify.ErrMalformed) {
			t.Fatalf("unexpected error %v", err)
		}
	})
}
