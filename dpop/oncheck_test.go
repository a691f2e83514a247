package dpop_test

import (
	"context"
	"testing"

	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/internal/testkeys"
)

// TestOnCheck checks that Config.OnCheck hears every Check's result once:
// "" for an accepted proof, the failure's reason otherwise.
func TestOnCheck(t *testing.T) {
	var got []string
	c := newChecker(t, dpop.Config{OnCheck: func(reason string) { got = append(got, reason) }})
	key := testkeys.P256(t)
	proof := signProof(t, "ES256", key, headerFor(t, key), claimsFor("jti-1"))
	tests := []struct {
		name   string
		req    dpop.Request
		reason string
	}{
		{name: "accepted", req: request(t, proof), reason: ""},
		{name: "replayed", req: request(t, proof), reason: dpop.ReasonReplayed},
		{name: "missing", req: request(t), reason: dpop.ReasonMissing},
		{name: "malformed", req: request(t, "a.b"), reason: dpop.ReasonMalformed},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := check(c, tt.req)
			if dpop.Reason(err) != tt.reason {
				t.Fatalf("Check: reason %q, want %q (%v)", dpop.Reason(err), tt.reason, err)
			}
			if len(got) != i+1 || got[i] != tt.reason {
				t.Fatalf("OnCheck heard %q, want %d calls ending with %q", got, i+1, tt.reason)
			}
		})
	}
}

// TestOnCheckDeferred checks that with DeferReplay a proof is reported once,
// by Use: accepted the first time, replayed the second.
func TestOnCheckDeferred(t *testing.T) {
	var got []string
	c := newChecker(t, dpop.Config{DeferReplay: true, OnCheck: func(reason string) { got = append(got, reason) }})
	key := testkeys.P256(t)
	proof := signProof(t, "ES256", key, headerFor(t, key), claimsFor("jti-1"))
	for i, want := range []string{"", dpop.ReasonReplayed} {
		p, err := check(c, request(t, proof))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != i {
			t.Fatalf("Check reported %q before Use", got)
		}
		err = c.Use(context.Background(), p)
		if dpop.Reason(err) != want {
			t.Fatalf("Use: reason %q, want %q", dpop.Reason(err), want)
		}
		if len(got) != i+1 || got[i] != want {
			t.Fatalf("OnCheck heard %q, want %d calls ending with %q", got, i+1, want)
		}
	}
}
