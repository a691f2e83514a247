package keysource

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestHookNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  string
		want string
	}{
		{"first", TriggerFirst.String(), "first"},
		{"scheduled", TriggerScheduled.String(), "scheduled"},
		{"retry", TriggerRetry.String(), "retry"},
		{"unknown_kid", TriggerUnknownKID.String(), "unknown_kid"},
		{"signature", TriggerSignature.String(), "signature"},
		{"trigger zero", Trigger(0).String(), "unknown"},
		{"updated", OutcomeUpdated.String(), "updated"},
		{"unchanged", OutcomeUnchanged.String(), "unchanged"},
		{"not_modified", OutcomeNotModified.String(), "not_modified"},
		{"failed", OutcomeFailed.String(), "failed"},
		{"outcome zero", Outcome(0).String(), "unknown"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Fatalf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}

// TestUnknownKIDHookCutsKID: the kid handed to the UnknownKID hook comes
// from an untrusted token: it is cut to at most maxHookKIDBytes bytes, on a
// rune boundary, so that it stays valid UTF-8.
func TestUnknownKIDHookCutsKID(t *testing.T) {
	srv := newKeyServer(t)
	srv.setJWKS(newECJWK(t, "k1"))
	clk, rec := newFakeClock(), newRecorder()
	var got []string
	src := newTestJWKS(t, srv, clk, rec, func(c *JWKSConfig) {
		c.Hooks.UnknownKID = func(_, kid string) { got = append(got, kid) }
	})
	set := keysNow(t, src)
	rec.next(t)
	for _, tc := range []struct {
		name, kid, want string
	}{
		{name: "short", kid: "next-key", want: "next-key"},
		{name: "at the limit", kid: strings.Repeat("a", maxHookKIDBytes), want: strings.Repeat("a", maxHookKIDBytes)},
		{name: "long ASCII", kid: strings.Repeat("a", 300), want: strings.Repeat("a", maxHookKIDBytes) + "..."},
		// 64 is not a multiple of 3: a cut by bytes splits a rune.
		{name: "three-byte runes", kid: strings.Repeat("€", 40), want: strings.Repeat("€", maxHookKIDBytes/3) + "..."},
		{name: "four-byte rune across the limit", kid: strings.Repeat("a", maxHookKIDBytes-1) + "😀", want: strings.Repeat("a", maxHookKIDBytes-1) + "..."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got = nil
			refreshFor(t, src, set, tc.kid)
			if len(got) != 1 {
				t.Fatalf("hook called %d times", len(got))
			}
			if got[0] != tc.want || !utf8.ValidString(got[0]) {
				t.Fatalf("hook got %q (valid UTF-8: %v), want %q", got[0], utf8.ValidString(got[0]), tc.want)
			}
		})
	}
}
