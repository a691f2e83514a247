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
// (ErrReplayUnavailable, a 503). Check records a proof before anyone
// compares its key with a token's cnf.jkt, and at a token endpoint no token
// is needed at all, so one client (or anyone, with a key of its own) that
// sends valid proofs faster than MaxEntries per iat window plus margin
// (about 8,400 a second at the defaults: 2^20 entries kept up to 125 s,
// iat up to 60 s ahead) denies DPoP to every other client. One client's
// proofs should not use up the room of the others.
func TestReview_OneClientFillsReplayStore(t *testing.T) {
	store, err := dpop.NewMemoryReplay(dpop.MemoryReplayConfig{MaxEntries: 64, Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	c := newChecker(t, dpop.Config{Replay: store})

	attacker := testkeys.P256(t)
	hdr := headerFor(t, attacker)
	for i := range 200 {
		// Every proof is valid: signed, fresh jti, right htm/htu/iat/ath.
		_, _ = check(c, request(t, signProof(t, "ES256", attacker, hdr, claimsFor("flood-"+strconv.Itoa(i)))))
	}

	victim, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, err = check(c, request(t, signProof(t, "ES256", victim, headerFor(t, victim), claimsFor("victim-1"))))
	if err != nil {
		t.Fatalf("another client's first proof after one client's flood: %v (reason %q); want accepted",
			err, dpop.Reason(err))
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
