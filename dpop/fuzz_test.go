package dpop_test

import (
	"context"
	"errors"
	"net/url"
	"testing"

	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/internal/testkeys"
)

// FuzzCheck feeds arbitrary DPoP header values to Check. Every result must
// be an accepted proof or an *Error wrapping one of the sentinels; nothing
// may panic. Accepted proofs must be for the request and be refused when
// replayed.
func FuzzCheck(f *testing.F) {
	key := testkeys.P256(f)
	good := signProof(f, "ES256", key, headerFor(f, key), claimsFor("seed"))
	f.Add(good)
	f.Add(rfcProof)
	f.Add("")
	f.Add("a.b.c")
	f.Add("eyJ0eXAiOiJkcG9wK2p3dCJ9.e30.")
	f.Add(signProof(f, "ES256", key, with(headerFor(f, key), "crit", []string{"x"}), claimsFor("s2")))
	f.Add(signProof(f, "none", nil, headerFor(f, key), claimsFor("s3")))
	sentinels := []error{
		dpop.ErrMissing, dpop.ErrMultipleProofs, dpop.ErrMalformed, dpop.ErrType, dpop.ErrAlgorithm,
		dpop.ErrJWK, dpop.ErrPrivateKey, dpop.ErrSignature, dpop.ErrMissingClaim, dpop.ErrHTM, dpop.ErrHTU,
		dpop.ErrIAT, dpop.ErrATH, dpop.ErrUseNonce, dpop.ErrReplayed, dpop.ErrReplayUnavailable,
	}
	u, _ := url.Parse(testURL)
	f.Fuzz(func(t *testing.T, proof string) {
		c := newChecker(t, dpop.Config{})
		r := dpop.Request{Method: "GET", URL: u, ProofHeaders: []string{proof}, AccessToken: testToken}
		p, err := c.Check(context.Background(), r)
		if err == nil {
			if p.Method != "GET" || p.JKT == "" {
				t.Fatalf("accepted %+v", p)
			}
			if _, err := c.Check(context.Background(), r); !errors.Is(err, dpop.ErrReplayed) {
				t.Fatalf("replay: %v", err)
			}
			return
		}
		var e *dpop.Error
		if !errors.As(err, &e) {
			t.Fatalf("not an *Error: %v", err)
		}
		for _, s := range sentinels {
			if errors.Is(err, s) {
				return
			}
		}
		t.Fatalf("no sentinel: %v", err)
	})
}

// FuzzHTU compares arbitrary htu values with the request's URI: no panic,
// and an accepted htu names the request's scheme and host.
func FuzzHTU(f *testing.F) {
	key := testkeys.P256(f)
	for _, s := range []string{testURL, "HTTPS://API.EXAMPLE.COM:443/%72esource?x#y", "https://api.example.com/x/../resource", "https://[::1]/", "https://api.example.com/%zz"} {
		f.Add(s)
	}
	hdr := headerFor(f, key)
	u, _ := url.Parse(testURL)
	f.Fuzz(func(t *testing.T, htu string) {
		c := newChecker(t, dpop.Config{})
		proof := signProof(t, "ES256", key, hdr, with(claimsFor("j"), "htu", htu))
		_, err := c.Check(context.Background(), dpop.Request{Method: "GET", URL: u, ProofHeaders: []string{proof}, AccessToken: testToken})
		if err == nil {
			pu, perr := url.Parse(htu)
			if perr != nil || !equalFold(pu.Scheme, "https") || !equalFold(pu.Hostname(), "api.example.com") {
				t.Fatalf("accepted htu %q", htu)
			}
			return
		}
		if !errors.Is(err, dpop.ErrHTU) && !errors.Is(err, dpop.ErrMissingClaim) {
			t.Fatalf("htu %q: %v", htu, err)
		}
	})
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i]|0x20, b[i]|0x20
		if x != y {
			return false
		}
	}
	return true
}
