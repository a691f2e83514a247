package keysource

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"testing"

	"github.com/jwtguard/jwtguard/internal/testkeys"
)

func newTestPEM(t *testing.T, srv *keyServer, clk *fakeClock, rec *recorder) *Remote {
	t.Helper()
	src, err := NewPEM(PEMConfig{URL: srv.URL() + "/jwt/pubkey.pem", FetchConfig: testConfig(srv, clk, rec)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = src.Close() })
	return src
}

// TestPEMRotation: two keys in one file serve without kid; when the file's
// key is replaced, a RefreshSignature hint picks it up with one fetch, at
// most once per cooldown.
func TestPEMRotation(t *testing.T) {
	srv := newKeyServer(t)
	srv.setBody(testkeys.Read(t, "multi.pub.pem")) // RSA 2048, then P-256
	clk, rec := newFakeClock(), newRecorder()
	src := newTestPEM(t, srv, clk, rec)

	set := keysNow(t, src)
	rec.next(t)
	if set.Len() != 2 || len(set.WithoutID()) != 2 || len(set.KeyIDs()) != 0 {
		t.Fatalf("set: %d keys, %d without kid", set.Len(), len(set.WithoutID()))
	}
	if !set.Contains(keyOf(t, "", &testkeys.RSA2048(t).PublicKey)) || !set.Contains(keyOf(t, "", &testkeys.P256(t).PublicKey)) {
		t.Fatal("the file's keys are not in the set")
	}

	// The issuer rotates: the file now holds the RSA 3072 key.
	srv.setBody(testkeys.Read(t, "rsa3072.pub.pem"))
	hint := RefreshHint{Reason: RefreshSignature, Current: set}
	got, err := src.Refresh(context.Background(), hint)
	if err != nil {
		t.Fatal(err)
	}
	if got == set || got.Len() != 1 || !got.Contains(keyOf(t, "", &testkeys.RSA3072(t).PublicKey)) {
		t.Fatal("rotated key not picked up")
	}
	if ev := rec.next(t); ev.Trigger != TriggerSignature || ev.Outcome != OutcomeUpdated {
		t.Fatalf("fetch %v/%v", ev.Trigger, ev.Outcome)
	}
	// Forged signatures keep coming: no fetch during the cooldown.
	hint.Current = got
	for range 100 {
		if again, err := src.Refresh(context.Background(), hint); err != nil || again != got {
			t.Fatalf("Refresh during cooldown: %v", err)
		}
	}
	if n := srv.requests.Load(); n != 2 {
		t.Fatalf("requests = %d, want 2", n)
	}
	if rec.cooldown.Load() != 100 {
		t.Fatalf("CooldownRejected %d times, want 100", rec.cooldown.Load())
	}
	// After it, one more fetch; the same file gives the same *Set, so the
	// verifier does not retry.
	clk.Advance(DefaultRefreshCooldown)
	if again, err := src.Refresh(context.Background(), hint); err != nil || again != got {
		t.Fatalf("Refresh after cooldown: %v, same set %v", err, again == got)
	}
	if n := srv.requests.Load(); n != 3 {
		t.Fatalf("requests = %d, want 3", n)
	}
}

func keyOf(t *testing.T, kid string, pub any) *Key {
	t.Helper()
	k, err := NewKey(kid, "", pub)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestPEMBadBlockSkipped: one unusable block (a 1024-bit RSA key) is skipped
// and the document's other keys serve; a document of nothing but unusable
// blocks is a failed fetch.
func TestPEMBadBlockSkipped(t *testing.T) {
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&weak.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	weakPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})

	doc := append(append([]byte{}, weakPEM...), testkeys.Read(t, "rsa2048.pub.pem")...)
	srv := newKeyServer(t)
	srv.setBody(doc)
	clk, rec := newFakeClock(), newRecorder()
	src := newTestPEM(t, srv, clk, rec)
	set := keysNow(t, src)
	rec.next(t)
	if set.Len() != 1 || !set.Contains(keyOf(t, "", &testkeys.RSA2048(t).PublicKey)) {
		t.Fatalf("set has %d keys, want the RSA 2048 key alone", set.Len())
	}

	only := newKeyServer(t)
	only.setBody(weakPEM)
	weakSrc := newTestPEM(t, only, newFakeClock(), newRecorder())
	if _, err := weakSrc.Keys(context.Background()); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Keys over a file of unusable keys = %v, want ErrUnavailable", err)
	}
	if err := weakSrc.Status().LastError; !errors.Is(err, ErrNoKeys) {
		t.Fatalf("LastError = %v, want ErrNoKeys", err)
	}

	if _, err := ParsePEM(weakPEM); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("ParsePEM (strict) = %v, want ErrInvalidKey", err)
	}
	if _, err := StaticFromPEM(doc); err == nil {
		t.Fatal("StaticFromPEM accepted a file with a weak key")
	}
}
