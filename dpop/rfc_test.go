package dpop_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/jwtguard/jwtguard/dpop"
)

// The example proof of RFC 9449 section 4.2 (Figure 4), made by the
// authors' client for POST https://server.example.com/token at iat
// 1562262616, and the members of its jwk.
const (
	rfcProof = "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19" +
		".eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIjoiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwiaWF0IjoxNTYyMjYyNjE2fQ" +
		".2-GxA6T8lP4vfrg8v-FdWP0A0zdrj8igiMLvqRMUvwnQg4PtFLbdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg"
	rfcX = "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs"
	rfcY = "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"
)

// rfcJKT derives the RFC 7638 thumbprint of the example key by hand: the
// SHA-256 of the required members in lexical order, without white space.
func rfcJKT() string {
	sum := sha256.Sum256([]byte(`{"crv":"P-256","kty":"EC","x":"` + rfcX + `","y":"` + rfcY + `"}`))
	return b64.EncodeToString(sum[:])
}

// TestRFC9449ExampleProof checks the example proof of section 4.2 at the
// token endpoint it names (no access token), at its own iat.
func TestRFC9449ExampleProof(t *testing.T) {
	iat := time.Unix(1562262616, 0)
	c := newChecker(t, dpop.Config{Now: func() time.Time { return iat.Add(10 * time.Second) }})
	u, _ := url.Parse("https://server.example.com/token")
	r := dpop.Request{Method: "POST", URL: u, ProofHeaders: []string{rfcProof}}
	p, err := c.Check(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "-BwC3ESc6acc2lTc" || p.Method != "POST" || p.URI != "https://server.example.com/token" ||
		!p.IssuedAt.Equal(iat) || p.Algorithm != "ES256" {
		t.Errorf("Proof = %+v", p)
	}
	if p.JKT != rfcJKT() {
		t.Errorf("JKT = %q, want %q", p.JKT, rfcJKT())
	}
	// The same proof at a resource server, with a token, lacks ath.
	r.AccessToken = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"
	if _, err := newChecker(t, dpop.Config{Now: func() time.Time { return iat }}).Check(context.Background(), r); !errors.Is(err, dpop.ErrATH) {
		t.Errorf("with an access token: %v; want ErrATH", err)
	}
	// Ten minutes later it is stale.
	late := newChecker(t, dpop.Config{Now: func() time.Time { return iat.Add(10 * time.Minute) }})
	if _, err := late.Check(context.Background(), dpop.Request{Method: "POST", URL: u, ProofHeaders: []string{rfcProof}}); !errors.Is(err, dpop.ErrIAT) {
		t.Errorf("late: %v; want ErrIAT", err)
	}
}

// TestRFC9449Thumbprint checks the jkt of section 6.1 (the thumbprint of the
// example key) through Thumbprint, against the hand derivation.
func TestRFC9449Thumbprint(t *testing.T) {
	x, _ := b64.DecodeString(rfcX)
	y, _ := b64.DecodeString(rfcY)
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
	if err != nil {
		t.Fatal(err)
	}
	got, err := dpop.Thumbprint(pub)
	if err != nil {
		t.Fatal(err)
	}
	if got != rfcJKT() {
		t.Fatalf("Thumbprint = %q, want %q", got, rfcJKT())
	}
}

// TestRFC9449ATH checks ath for the access token of section 7.1 against
// SHA-256 computed here.
func TestRFC9449ATH(t *testing.T) {
	const token = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"
	sum := sha256.Sum256([]byte(token))
	if got, want := dpop.ATH(token), b64.EncodeToString(sum[:]); got != want {
		t.Fatalf("ATH = %q, want %q", got, want)
	}
	// The value section 7.1 prints, which the computation above reproduces.
	if got := dpop.ATH(token); got != "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo" {
		t.Fatalf("ATH = %q, not the RFC's", got)
	}
}
