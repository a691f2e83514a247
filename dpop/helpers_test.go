package dpop_test

import (
	"context"
	"crypto"
	"net/url"
	"testing"
	"time"

	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/internal/testkeys"
)

// t0 is the tests' current time.
var t0 = time.Unix(1_700_000_000, 0)

const (
	testURL   = "https://api.example.com/resource"
	testToken = "an-access-token"
)

// claimsFor returns valid proof claims for GET testURL with testToken.
func claimsFor(jti string) map[string]any {
	return map[string]any{
		"jti": jti,
		"htm": "GET",
		"htu": testURL,
		"iat": t0.Unix(),
		"ath": dpop.ATH(testToken),
	}
}

// headerFor returns a valid proof header for key (minus alg, which
// testkeys.Sign sets).
func headerFor(t testing.TB, key crypto.Signer) map[string]any {
	t.Helper()
	return map[string]any{"typ": "dpop+jwt", "jwk": testkeys.JWK(t, "", "", key)}
}

// signProof signs a proof with testkeys (the standard library alone), so
// that the tests do not trust dpop's own builder.
func signProof(t testing.TB, alg string, key any, header, claims map[string]any) string {
	t.Helper()
	return testkeys.SignClaims(t, alg, key, header, claims)
}

// request returns a GET testURL request carrying proofs and testToken.
func request(t testing.TB, proofs ...string) dpop.Request {
	t.Helper()
	u, err := url.Parse(testURL)
	if err != nil {
		t.Fatal(err)
	}
	return dpop.Request{Method: "GET", URL: u, ProofHeaders: proofs, AccessToken: testToken}
}

// newChecker returns a Checker at time t0, with cfg's other fields.
func newChecker(t testing.TB, cfg dpop.Config) *dpop.Checker {
	t.Helper()
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return t0 }
	}
	c, err := dpop.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func check(c *dpop.Checker, r dpop.Request) (*dpop.Proof, error) {
	return c.Check(context.Background(), r)
}
