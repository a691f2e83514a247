package dpop_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/internal/testkeys"
)

// TestReview_OneClientFillsReplayStore: the replay store is one pool shared
// by every client, and a full MemoryReplay refuses every proof
// (ErrReplayUnavailable, a 503). When Check recorded every proof before
// anyone compared its key with a token's cnf.jkt, one client with keys of
// its own that sent valid proofs faster than MaxEntries per window could
// deny DPoP to every other client. With Config.DeferReplay (what the
// middleware sets), Check records nothing: the caller records a proof with
// Use only once the access token is known to be valid and bound to the
// proof's key, so proofs without such a token take no room. Without
// DeferReplay Check still records every proof, as a caller that has no
// token to check (a token endpoint) needs.
func TestReview_OneClientFillsReplayStore(t *testing.T) {
	store, err := dpop.NewMemoryReplay(dpop.MemoryReplayConfig{MaxEntries: 64, Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	c := newChecker(t, dpop.Config{Replay: store, DeferReplay: true})

	attacker := testkeys.P256(t)
	hdr := headerFor(t, attacker)
	for i := range 200 {
		// Every proof is valid: signed, fresh jti, right htm/htu/iat/ath;
		// no token is bound to the attacker's key, so Use never follows.
		if _, err := check(c, request(t, signProof(t, "ES256", attacker, hdr, claimsFor("flood-"+strconv.Itoa(i))))); err != nil {
			t.Fatalf("flood proof %d: %v", i, err)
		}
	}

	victim, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	proof := signProof(t, "ES256", victim, headerFor(t, victim), claimsFor("victim-1"))
	p, err := check(c, request(t, proof))
	if err != nil {
		t.Fatalf("another client's first proof after one client's flood: %v (reason %q); want accepted",
			err, dpop.Reason(err))
	}
	if err := c.Use(t.Context(), p); err != nil {
		t.Fatalf("Use of the victim's proof: %v", err)
	}
	// The recorded proof is now refused as a replay.
	p, err = check(c, request(t, proof))
	if err != nil {
		t.Fatalf("a deferred check of a used proof: %v", err)
	}
	if err := c.Use(t.Context(), p); !errors.Is(err, dpop.ErrReplayed) || dpop.Reason(err) != dpop.ReasonReplayed {
		t.Fatalf("Use of a replayed proof: %v (reason %q); want ErrReplayed", err, dpop.Reason(err))
	}

	// Without DeferReplay, Check records, and Use refuses to record twice.
	direct := newChecker(t, dpop.Config{})
	p, err = check(direct, request(t, signProof(t, "ES256", victim, headerFor(t, victim), claimsFor("victim-2"))))
	if err != nil {
		t.Fatal(err)
	}
	if err := direct.Use(t.Context(), p); err == nil {
		t.Fatal("Use of a proof Check recorded already: nil error")
	}
	if err := direct.Use(t.Context(), nil); err == nil {
		t.Fatal("Use(nil): nil error")
	}
}

// TestReview_HTUUnicodeHostFolding: htu's host was lower-cased with
// strings.ToLower, which folds non-ASCII letters too: KELVIN SIGN (U+212A,
// percent-encoded in the URI) becomes "k", so a proof made for
// https://\u212Aapi.example.com (another host, xn--api-...) passed at
// https://kapi.example.com. RFC 3986 case normalization is ASCII only.
func TestReview_HTUUnicodeHostFolding(t *testing.T) {
	c := newChecker(t, dpop.Config{ExternalBaseURL: "https://kapi.example.com"})
	key := testkeys.P256(t)
	cl := claimsFor("kelvin")
	cl["htu"] = "https://%E2%84%AAapi.example.com/resource"
	r := request(t, signProof(t, "ES256", key, headerFor(t, key), cl))
	r.URL.Host = "kapi.example.com"
	if _, err := check(c, r); !errors.Is(err, dpop.ErrHTU) {
		t.Fatalf("Check = %v; want ErrHTU", err)
	}
}
