package keysource

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/jwtguard/jwtguard/internal/testkeys"
)

// logBuffer is a bytes.Buffer safe for a logger and a test to share.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestJWKSKeycloakCerts: Keycloak's certs document holds an RS256 "use: sig"
// key and an RSA-OAEP "use: enc" key, both with x5c, x5t and x5t#S256. The
// sig key serves; the enc key is skipped and logged.
func TestJWKSKeycloakCerts(t *testing.T) {
	doc := testkeys.Read(t, "keycloak-certs.json")
	var parsed struct {
		Keys []struct {
			KID string `json:"kid"`
			Use string `json:"use"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(doc, &parsed); err != nil {
		t.Fatal(err)
	}
	var sigKID, encKID string
	for _, k := range parsed.Keys {
		if k.Use == "sig" {
			sigKID = k.KID
		} else {
			encKID = k.KID
		}
	}
	if sigKID == "" || encKID == "" {
		t.Fatal("keycloak-certs.json lacks a sig or an enc key")
	}

	srv := newKeyServer(t)
	srv.setBody(doc)
	srv.update(func(s *keyServer) {
		s.header.Set("Content-Type", "application/json")
		s.header.Set("Cache-Control", "no-cache") // as Keycloak sends
	})
	var logs logBuffer
	clk, rec := newFakeClock(), newRecorder()
	src := newTestJWKS(t, srv, clk, rec, func(c *JWKSConfig) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	set := keysNow(t, src)
	rec.next(t)
	if set.Len() != 1 || set.ByID(sigKID) == nil || set.ByID(encKID) != nil || set.ByID(sigKID).Algorithm() != "RS256" {
		t.Fatalf("served kids %v, want only %s", set.KeyIDs(), sigKID)
	}
	out := logs.String()
	if !strings.Contains(out, "level=DEBUG msg=\"key skipped\"") || !strings.Contains(out, encKID) || !strings.Contains(out, "use-enc") {
		t.Fatalf("enc key not logged as skipped (at Debug: it is expected in every Keycloak set):\n%s", out)
	}
	if !strings.Contains(out, "keys changed") || !strings.Contains(out, sigKID) {
		t.Fatalf("key change not logged:\n%s", out)
	}
	// The skip is logged once per document, not once per refresh.
	clk.Advance(DefaultRefreshInterval)
	rec.next(t)
	if n := strings.Count(logs.String(), "key skipped"); n != 1 {
		t.Fatalf("skip logged %d times", n)
	}
}

// TestJWKSBadKeys: an unusable key is skipped, the rest serves; a document
// with no usable key is a failed fetch that keeps the old keys.
func TestJWKSBadKeys(t *testing.T) {
	offCurve := newECJWK(t, "bad-point")
	offCurve["y"] = offCurve["x"]
	hmac := map[string]any{"kty": "oct", "kid": "secret", "k": b64url(bytes.Repeat([]byte{7}, 64))}
	good := newECJWK(t, "good")

	srv := newKeyServer(t)
	srv.setJWKS(offCurve, good, map[string]any{"kty": "OKP", "crv": "X448", "kid": "x448", "x": b64url(make([]byte, 56))})
	clk, rec := newFakeClock(), newRecorder()
	src := newTestJWKS(t, srv, clk, rec, nil)
	set := keysNow(t, src)
	if got := set.KeyIDs(); len(got) != 1 || got[0] != "good" {
		t.Fatalf("served %v, want [good]", got)
	}
	rec.next(t)

	for _, tc := range []struct {
		name string
		doc  []byte
		want error
	}{
		{name: "only an HMAC secret", doc: jwkSetBytes(hmac), want: ErrNoKeys},
		{name: "only bad keys", doc: jwkSetBytes(offCurve), want: ErrNoKeys},
		{name: "empty set", doc: jwkSetBytes(), want: ErrNoKeys},
		{name: "not a JWK set", doc: []byte(`{"kty":"EC"}`), want: ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv.setBody(tc.doc)
			clk.Advance(backoffMax + DefaultRefreshInterval)
			ev := rec.next(t)
			if !errors.Is(ev.Err, tc.want) || ev.Keys != 1 {
				t.Fatalf("fetch: %+v, want %v", ev, tc.want)
			}
			if got := keysNow(t, src); got != set {
				t.Fatal("old keys not kept")
			}
		})
	}

	// HMAC secrets beside asymmetric keys are skipped, not fatal.
	srv.setJWKS(good, hmac)
	clk.Advance(backoffMax)
	if ev := rec.next(t); ev.Err != nil {
		t.Fatal(ev.Err)
	}
	if got := keysNow(t, src); got != set {
		t.Fatalf("served %v; want the same set", got.KeyIDs())
	}
}

func TestBuildSet(t *testing.T) {
	mk := func(kid string) *Key {
		k, _, err := ParseJWKS(jwkSetBytes(newECJWK(t, kid)))
		if err != nil || len(k) != 1 {
			t.Fatal(err)
		}
		return k[0]
	}
	a, b, c := mk("a"), mk("b"), mk("c")
	a2 := mk("a") // other material, same kid
	noID1, noID2 := mk(""), mk("")

	old, _, _, _, err := buildSet(nil, []*Key{a, b, noID1}, nil)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("same keys keep the set", func(t *testing.T) {
		set, added, removed, _, err := buildSet(old, []*Key{a, b, noID1}, nil)
		if err != nil || set != old || added != nil || removed != nil {
			t.Fatalf("set changed: %v %v %v", err, added, removed)
		}
	})
	t.Run("unchanged keys keep their pointers", func(t *testing.T) {
		// Fresh *Key values with the same material, as a re-parse makes.
		b2 := rekey(t, b)
		n2 := rekey(t, noID1)
		set, added, removed, _, err := buildSet(old, []*Key{b2, c, n2, noID2}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if set.ByID("b") != b || set.WithoutID()[0] != noID1 {
			t.Fatal("unchanged keys got new pointers")
		}
		if keyNames(added)[0] != "c" || len(added) != 2 || len(removed) != 1 || removed[0] != a {
			t.Fatalf("added %v removed %v", keyNames(added), keyNames(removed))
		}
	})
	t.Run("new material under an old kid is a new key", func(t *testing.T) {
		set, added, removed, _, err := buildSet(old, []*Key{a2, b, noID1}, nil)
		if err != nil || set.ByID("a") != a2 || len(added) != 1 || len(removed) != 1 || removed[0] != a {
			t.Fatalf("err %v, added %v removed %v", err, keyNames(added), keyNames(removed))
		}
	})
	t.Run("duplicate kids are all skipped", func(t *testing.T) {
		set, _, _, skipped, err := buildSet(nil, []*Key{a, a2, b}, nil)
		if err != nil || set.Len() != 1 || set.ByID("b") == nil || len(skipped) != 2 || !errors.Is(skipped[0], ErrInvalidKey) {
			t.Fatalf("err %v, skipped %v", err, skipped)
		}
	})
	t.Run("nothing left", func(t *testing.T) {
		if _, _, _, _, err := buildSet(old, nil, nil); !errors.Is(err, ErrNoKeys) {
			t.Fatalf("err = %v", err)
		}
	})
}

// rekey returns a new *Key with k's kid, alg and material.
func rekey(t *testing.T, k *Key) *Key {
	t.Helper()
	c, err := NewKey(k.ID(), k.Algorithm(), k.Public())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestJWKSUserAgent: the server sees jwtguard's User-Agent.
func TestJWKSUserAgent(t *testing.T) {
	srv := newKeyServer(t)
	srv.setJWKS(newECJWK(t, "k1"))
	clk, rec := newFakeClock(), newRecorder()
	src := newTestJWKS(t, srv, clk, rec, func(c *JWKSConfig) { c.UserAgent = "acme-api/1.0" })
	if _, err := src.Keys(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ua := srv.userAgent.Load(); ua != "acme-api/1.0 jwtguard/"+Version {
		t.Fatalf("User-Agent %q", ua)
	}
}
