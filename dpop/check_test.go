package dpop_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/internal/testkeys"
)

func TestCheckAccepts(t *testing.T) {
	keys := []struct {
		alg string
		key crypto.Signer
	}{
		{"ES256", testkeys.P256(t)},
		{"ES384", testkeys.P384(t)},
		{"RS256", testkeys.RSA2048(t)},
		{"PS256", testkeys.RSA3072(t)},
		{"EdDSA", testkeys.Ed25519(t)},
	}
	for _, k := range keys {
		t.Run(k.alg, func(t *testing.T) {
			c := newChecker(t, dpop.Config{})
			p, err := check(c, request(t, signProof(t, k.alg, k.key, headerFor(t, k.key), claimsFor("jti-"+k.alg))))
			if err != nil {
				t.Fatal(err)
			}
			want, err := dpop.Thumbprint(k.key.Public())
			if err != nil {
				t.Fatal(err)
			}
			if p.JKT != want || p.Algorithm != k.alg || p.ID != "jti-"+k.alg || p.Method != "GET" ||
				p.URI != testURL || !p.IssuedAt.Equal(t0) {
				t.Errorf("Proof = %+v", p)
			}
		})
	}
}

// TestHTUNormalization lists htu and request URIs that name the same
// resource (RFC 3986 section 6.2.2 and 6.2.3, query and fragment dropped).
func TestHTUNormalization(t *testing.T) {
	p256 := testkeys.P256(t)
	tests := []struct {
		name, htu, reqURL string
	}{
		{"identical", "https://api.example.com/resource", testURL},
		{"query in htu", "https://api.example.com/resource?a=1", testURL},
		{"query in the request", "https://api.example.com/resource", "https://api.example.com/resource?b=2"},
		{"different queries", "https://api.example.com/resource?a=1", "https://api.example.com/resource?b=2"},
		{"empty query in htu", "https://api.example.com/resource?", testURL},
		{"fragment in htu", "https://api.example.com/resource#top", testURL},
		{"scheme and host case", "HTTPS://API.Example.COM/resource", testURL},
		{"host case in the request", "https://api.example.com/resource", "https://Api.Example.com/resource"},
		{"default port in htu", "https://api.example.com:443/resource", testURL},
		{"default port in the request", "https://api.example.com/resource", "https://api.example.com:443/resource"},
		{"http default port", "http://api.example.com:80/resource", "http://api.example.com/resource"},
		{"empty port", "https://api.example.com:/resource", testURL},
		{"other port on both", "https://api.example.com:8443/resource", "https://api.example.com:8443/resource"},
		{"empty path", "https://api.example.com", "https://api.example.com/"},
		{"encoded unreserved in htu", "https://api.example.com/%72esource", testURL},
		{"percent-encoding case", "https://api.example.com/a%2fb", "https://api.example.com/a%2Fb"},
		{"dot segments in htu", "https://api.example.com/x/../resource", testURL},
		{"dot segments in the request", "https://api.example.com/resource", "https://api.example.com/./x/../resource"},
		{"IPv6 literal", "https://[::1]:8443/resource", "https://[::1]:8443/resource"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChecker(t, dpop.Config{})
			u, err := url.Parse(tt.reqURL)
			if err != nil {
				t.Fatal(err)
			}
			r := dpop.Request{
				Method:       "GET",
				URL:          u,
				AccessToken:  testToken,
				ProofHeaders: []string{signProof(t, "ES256", p256, headerFor(t, p256), with(claimsFor("n"+string(rune('a'+i))), "htu", tt.htu))},
			}
			if _, err := check(c, r); err != nil {
				t.Fatalf("Check = %v; want accepted", err)
			}
		})
	}
}

func TestExternalBaseURL(t *testing.T) {
	p256 := testkeys.P256(t)
	hdr := headerFor(t, p256)
	c := newChecker(t, dpop.Config{ExternalBaseURL: "https://API.example.com:443/"})
	tests := []struct {
		name    string
		htu     string
		reqHost string
		want    error
	}{
		{"proof for the public URL, request seen on an internal address", testURL, "http://10.0.0.7:8080", nil},
		{"proof for the Host the client sent", "https://evil.example.com/resource", "https://evil.example.com", dpop.ErrHTU},
		{"proof for the internal address", "http://10.0.0.7:8080/resource", "http://10.0.0.7:8080", dpop.ErrHTU},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, _ := url.Parse(tt.reqHost + "/resource")
			r := dpop.Request{Method: "GET", URL: u, AccessToken: testToken,
				ProofHeaders: []string{signProof(t, "ES256", p256, hdr, with(claimsFor("b"+string(rune('a'+i))), "htu", tt.htu))}}
			if _, err := check(c, r); !errors.Is(err, tt.want) {
				t.Fatalf("Check = %v; want %v", err, tt.want)
			}
		})
	}
	t.Run("request with a path only", func(t *testing.T) {
		r := dpop.Request{Method: "GET", URL: &url.URL{Path: "/resource"}, AccessToken: testToken,
			ProofHeaders: []string{signProof(t, "ES256", p256, hdr, claimsFor("path-only"))}}
		if _, err := check(c, r); err != nil {
			t.Fatal(err)
		}
	})
}

func TestIATWindowEdges(t *testing.T) {
	p256 := testkeys.P256(t)
	for _, d := range []time.Duration{-60 * time.Second, 60 * time.Second} {
		c := newChecker(t, dpop.Config{})
		p := signProof(t, "ES256", p256, headerFor(t, p256), with(claimsFor("edge"), "iat", t0.Add(d).Unix()))
		if _, err := check(c, request(t, p)); err != nil {
			t.Errorf("iat now%+v: %v; want accepted", d, err)
		}
	}
}

func TestTokenEndpointWithoutAccessToken(t *testing.T) {
	p256 := testkeys.P256(t)
	c := newChecker(t, dpop.Config{})
	r := request(t, signProof(t, "ES256", p256, headerFor(t, p256), with(claimsFor("te"), "ath", nil)))
	r.AccessToken = ""
	if _, err := check(c, r); err != nil {
		t.Fatal(err)
	}
}

func TestNonces(t *testing.T) {
	p256 := testkeys.P256(t)
	hdr := headerFor(t, p256)
	secret := []byte("0123456789abcdef0123456789abcdef")
	step := time.Minute
	at := func(now time.Time, s []byte) *dpop.Checker {
		return newChecker(t, dpop.Config{
			Now:    func() time.Time { return now },
			Nonces: &dpop.NonceConfig{Secret: s, Step: step},
		})
	}
	current := at(t0, secret).Nonce()
	if current == "" || current != at(t0, secret).Nonce() {
		t.Fatalf("Nonce() = %q, not stable", current)
	}
	if other := at(t0, []byte("another secret of at least 32 bytes")).Nonce(); other == current {
		t.Fatal("two secrets give one nonce")
	}
	tests := []struct {
		name  string
		now   time.Time
		nonce any
		want  error
	}{
		{"current nonce", t0, current, nil},
		{"previous step's nonce", t0.Add(step), current, nil},
		{"nonce missing", t0, nil, dpop.ErrUseNonce},
		{"nonce two steps old", t0.Add(2 * step), current, dpop.ErrUseNonce},
		{"nonce from the future", t0.Add(-step), current, dpop.ErrUseNonce},
		{"nonce of another secret", t0, at(t0, []byte("another secret of at least 32 bytes")).Nonce(), dpop.ErrUseNonce},
		{"nonce not a string", t0, 7, dpop.ErrMalformed},
		{"garbage nonce", t0, "not-a-nonce", dpop.ErrUseNonce},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := at(tt.now, secret)
			cl := with(claimsFor("nonce-"+string(rune('a'+i))), "iat", tt.now.Unix(), "nonce", tt.nonce)
			_, err := check(c, request(t, signProof(t, "ES256", p256, hdr, cl)))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Check = %v; want %v", err, tt.want)
			}
			if tt.want == dpop.ErrUseNonce {
				var e *dpop.Error
				if !errors.As(err, &e) || e.Nonce != c.Nonce() || e.Reason != "use_dpop_nonce" {
					t.Fatalf("error %#v does not carry the current nonce %q", err, c.Nonce())
				}
			}
		})
	}
	t.Run("nonce ignored when off", func(t *testing.T) {
		c := newChecker(t, dpop.Config{})
		if c.Nonce() != "" {
			t.Fatal("Nonce() not empty with nonces off")
		}
		if _, err := check(c, request(t, signProof(t, "ES256", p256, hdr, with(claimsFor("off"), "nonce", "x")))); err != nil {
			t.Fatal(err)
		}
	})
}

func TestNew(t *testing.T) {
	tests := []struct {
		name string
		cfg  dpop.Config
		ok   bool
	}{
		{"zero value", dpop.Config{}, true},
		{"HS256 refused", dpop.Config{Algorithms: []string{"ES256", "HS256"}}, false},
		{"none refused", dpop.Config{Algorithms: []string{"none"}}, false},
		{"unknown refused", dpop.Config{Algorithms: []string{"ES256K"}}, false},
		{"empty list", dpop.Config{Algorithms: []string{}}, false},
		{"negative window", dpop.Config{IATWindow: -time.Second}, false},
		{"negative size", dpop.Config{MaxProofBytes: -1}, false},
		{"base URL with path", dpop.Config{ExternalBaseURL: "https://api.example.com/v1"}, false},
		{"base URL with query", dpop.Config{ExternalBaseURL: "https://api.example.com?x"}, false},
		{"base URL not http", dpop.Config{ExternalBaseURL: "ftp://api.example.com"}, false},
		{"base URL relative", dpop.Config{ExternalBaseURL: "api.example.com"}, false},
		{"short nonce secret", dpop.Config{Nonces: &dpop.NonceConfig{Secret: []byte("short")}}, false},
		{"short nonce step", dpop.Config{Nonces: &dpop.NonceConfig{Secret: make([]byte, 32), Step: time.Millisecond}}, false},
		{"nonces", dpop.Config{Nonces: &dpop.NonceConfig{Secret: make([]byte, 32)}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := dpop.New(tt.cfg)
			if (err == nil) != tt.ok {
				t.Fatalf("New = %v, %v; want ok %v", c, err, tt.ok)
			}
		})
	}
	c := newChecker(t, dpop.Config{})
	if got := c.Algorithms(); !slices.Equal(got, dpop.DefaultAlgorithms) {
		t.Errorf("Algorithms() = %v", got)
	}
}

// TestNewProofRoundTrip checks the builder against the checker, for every
// key type it signs with.
func TestNewProofRoundTrip(t *testing.T) {
	p521, err := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	for _, key := range []crypto.Signer{testkeys.P256(t), testkeys.P384(t), p521, ed, testkeys.RSA2048(t)} {
		c, err := dpop.New(dpop.Config{})
		if err != nil {
			t.Fatal(err)
		}
		p, err := dpop.NewProof(key, "POST", "https://api.example.com/resource?x=1#f", testToken, "")
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse("https://api.example.com/resource")
		r := dpop.Request{Method: "POST", URL: u, ProofHeaders: []string{p}, AccessToken: testToken}
		got, err := check(c, r)
		if err != nil {
			t.Fatalf("%T: %v", key.Public(), err)
		}
		if got.URI != "https://api.example.com/resource" {
			t.Errorf("htu = %q, want query and fragment dropped", got.URI)
		}
		if _, err := check(c, r); !errors.Is(err, dpop.ErrReplayed) {
			t.Errorf("second Check = %v; want ErrReplayed", err)
		}
		// Two proofs never share a jti.
		p2, _ := dpop.NewProof(key, "POST", "https://api.example.com/resource", testToken, "")
		r.ProofHeaders = []string{p2}
		if _, err := check(c, r); err != nil {
			t.Errorf("fresh proof: %v", err)
		}
	}
	if _, err := dpop.NewProof(testkeys.P256(t), "GET", "/relative", "", ""); err == nil {
		t.Error("NewProof accepted a relative URL")
	}
}

func TestRequestFromHTTP(t *testing.T) {
	key := testkeys.P256(t)
	var got error
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := dpop.New(dpop.Config{})
		if err != nil {
			got = err
			return
		}
		_, got = check(c, dpop.RequestFromHTTP(r, testToken))
	}))
	defer srv.Close()
	p, err := dpop.NewProof(key, "PUT", srv.URL+"/a%2Fb/c?q=1", testToken, "")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("PUT", srv.URL+"/a%2Fb/c?q=1", nil)
	req.Header.Set("DPoP", p)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got != nil {
		t.Fatalf("Check = %v", got)
	}
}

func TestThumbprintRefusesSecrets(t *testing.T) {
	if _, err := dpop.Thumbprint([]byte("secret")); err == nil {
		t.Fatal("Thumbprint accepted an HMAC secret")
	}
	// The thumbprint is the SHA-256 of the canonical JWK (RFC 7638 section 3).
	k := testkeys.Ed25519(t).Public().(ed25519.PublicKey)
	sum := sha256.Sum256([]byte(`{"crv":"Ed25519","kty":"OKP","x":"` + b64.EncodeToString(k) + `"}`))
	if got, _ := dpop.Thumbprint(k); got != b64.EncodeToString(sum[:]) {
		t.Fatalf("Thumbprint = %q", got)
	}
}
