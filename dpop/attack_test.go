package dpop_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
)

var b64 = base64.RawURLEncoding

// with returns a copy of m with the given members set (nil deletes).
func with(m map[string]any, kv ...any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
			continue
		}
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAttacks runs every refused proof through a fresh Checker and asserts
// the exact sentinel and reason.
func TestAttacks(t *testing.T) {
	p256 := testkeys.P256(t)
	p384 := testkeys.P384(t)
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	weakRSA, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	hdr := headerFor(t, p256)
	cl := claimsFor("jti-1")
	good := func(t *testing.T) string { return signProof(t, "ES256", p256, hdr, cl) }

	tests := []struct {
		name   string
		cfg    dpop.Config
		req    func(t *testing.T) dpop.Request
		want   error
		reason string
	}{
		{"no DPoP header", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t)
		}, dpop.ErrMissing, dpop.ReasonMissing},
		{"two DPoP headers", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, good(t), signProof(t, "ES256", p256, hdr, claimsFor("jti-2")))
		}, dpop.ErrMultipleProofs, dpop.ReasonMultipleProofs},
		{"two identical DPoP headers", dpop.Config{}, func(t *testing.T) dpop.Request {
			p := good(t)
			return request(t, p, p)
		}, dpop.ErrMultipleProofs, dpop.ReasonMultipleProofs},
		{"proof for another method", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, hdr, with(cl, "htm", "POST")))
		}, dpop.ErrHTM, dpop.ReasonHTM},
		{"htm in lower case", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, hdr, with(cl, "htm", "get")))
		}, dpop.ErrHTM, dpop.ReasonHTM},
		{"proof for another path", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, hdr, with(cl, "htu", "https://api.example.com/admin")))
		}, dpop.ErrHTU, dpop.ReasonHTU},
		{"proof for another host", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, hdr, with(cl, "htu", "https://evil.example.com/resource")))
		}, dpop.ErrHTU, dpop.ReasonHTU},
		{"proof for plain http", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, hdr, with(cl, "htu", "http://api.example.com/resource")))
		}, dpop.ErrHTU, dpop.ReasonHTU},
		{"proof for another port", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, hdr, with(cl, "htu", "https://api.example.com:8443/resource")))
		}, dpop.ErrHTU, dpop.ReasonHTU},
		{"query in htu does not hide another path", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, hdr, with(cl, "htu", "https://api.example.com/other?/resource")))
		}, dpop.ErrHTU, dpop.ReasonHTU},
		{"path prefix is not the path", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, hdr, with(cl, "htu", "https://api.example.com/resource/x")))
		}, dpop.ErrHTU, dpop.ReasonHTU},
		{"encoded slash is not a slash", dpop.Config{}, func(t *testing.T) dpop.Request {
			r := request(t, signProof(t, "ES256", p256, hdr, with(cl, "htu", "https://api.example.com/a%2Fb")))
			r.URL.Path = "/a/b"
			return r
		}, dpop.ErrHTU, dpop.ReasonHTU},
		{"htu with user information", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, hdr, with(cl, "htu", "https://user@api.example.com/resource")))
		}, dpop.ErrHTU, dpop.ReasonHTU},
		{"relative htu", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, hdr, with(cl, "htu", "/resource")))
		}, dpop.ErrHTU, dpop.ReasonHTU},
		{"signed by a key other than the jwk", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", other, hdr, cl))
		}, dpop.ErrSignature, dpop.ReasonSignature},
		{"payload swapped under a signature", dpop.Config{}, func(t *testing.T) dpop.Request {
			a := strings.Split(good(t), ".")
			b := strings.Split(signProof(t, "ES256", p256, hdr, with(cl, "jti", "jti-9")), ".")
			return request(t, a[0]+"."+b[1]+"."+a[2])
		}, dpop.ErrSignature, dpop.ReasonSignature},
		{"HS256 proof with an oct jwk", dpop.Config{}, func(t *testing.T) dpop.Request {
			secret := testkeys.HMAC(t)
			h := map[string]any{"typ": "dpop+jwt", "jwk": testkeys.JWK(t, "", "", secret)}
			return request(t, signProof(t, "HS256", secret, h, cl))
		}, dpop.ErrAlgorithm, dpop.ReasonAlgorithm},
		{"HS256 proof keyed with the public jwk", dpop.Config{}, func(t *testing.T) dpop.Request {
			jwk := mustJSON(t, testkeys.JWK(t, "", "", p256))
			return request(t, signProof(t, "HS256", jwk, hdr, cl))
		}, dpop.ErrAlgorithm, dpop.ReasonAlgorithm},
		{"alg none", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "none", nil, hdr, cl))
		}, dpop.ErrAlgorithm, dpop.ReasonAlgorithm},
		{"alg missing", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, map[string]any{"typ": "dpop+jwt", "jwk": hdr["jwk"], "alg": nil}, cl))
		}, dpop.ErrAlgorithm, dpop.ReasonAlgorithm},
		{"alg outside the allow-list", dpop.Config{Algorithms: []string{"ES256"}}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES384", p384, headerFor(t, p384), cl))
		}, dpop.ErrAlgorithm, dpop.ReasonAlgorithm},
		{"private key in jwk", dpop.Config{}, func(t *testing.T) dpop.Request {
			jwk := testkeys.JWK(t, "", "", p256)
			d, err := p256.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			jwk["d"] = b64.EncodeToString(d)
			return request(t, signProof(t, "ES256", p256, with(hdr, "jwk", jwk), cl))
		}, dpop.ErrPrivateKey, dpop.ReasonPrivateKey},
		{"RSA private key in jwk", dpop.Config{}, func(t *testing.T) dpop.Request {
			k := testkeys.RSA2048(t)
			jwk := testkeys.JWK(t, "", "", k)
			jwk["p"] = b64.EncodeToString(k.Primes[0].Bytes())
			return request(t, signProof(t, "RS256", k, map[string]any{"typ": "dpop+jwt", "jwk": jwk}, cl))
		}, dpop.ErrPrivateKey, dpop.ReasonPrivateKey},
		{"no jwk", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, with(hdr, "jwk", nil), cl))
		}, dpop.ErrJWK, dpop.ReasonJWK},
		{"jwk not an object", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, with(hdr, "jwk", "key"), cl))
		}, dpop.ErrJWK, dpop.ReasonJWK},
		{"RSA 1024 jwk", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "RS256", weakRSA, headerFor(t, weakRSA), cl))
		}, dpop.ErrJWK, dpop.ReasonJWK},
		{"RSA jwk over 4096 bits", dpop.Config{}, func(t *testing.T) dpop.Request {
			// Refused before any signature check: the modulus need only
			// have the size, not be a real key's.
			n := make([]byte, 520)
			if _, err := rand.Read(n); err != nil {
				t.Fatal(err)
			}
			n[0] |= 0x80
			n[len(n)-1] |= 1
			jwk := map[string]any{"kty": "RSA", "n": b64.EncodeToString(n), "e": "AQAB"}
			return request(t, signProof(t, "RS256", testkeys.RSA2048(t), map[string]any{"typ": "dpop+jwt", "jwk": jwk}, cl))
		}, dpop.ErrJWK, dpop.ReasonJWK},
		{"EC point off its curve", dpop.Config{}, func(t *testing.T) dpop.Request {
			jwk := testkeys.JWK(t, "", "", p256)
			y, _ := b64.DecodeString(jwk["y"].(string))
			y[len(y)-1] ^= 1
			jwk["y"] = b64.EncodeToString(y)
			return request(t, signProof(t, "ES256", p256, with(hdr, "jwk", jwk), cl))
		}, dpop.ErrJWK, dpop.ReasonJWK},
		{"jwk for encryption", dpop.Config{}, func(t *testing.T) dpop.Request {
			jwk := testkeys.JWK(t, "", "", p256)
			jwk["use"] = "enc"
			return request(t, signProof(t, "ES256", p256, with(hdr, "jwk", jwk), cl))
		}, dpop.ErrJWK, dpop.ReasonJWK},
		{"jwk restricted to another alg", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, with(hdr, "jwk", testkeys.JWK(t, "", "ES384", p256)), cl))
		}, dpop.ErrJWK, dpop.ReasonJWK},
		{"alg does not fit the jwk", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES384", p256, hdr, cl))
		}, dpop.ErrJWK, dpop.ReasonJWK},
		{"iat too old", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, hdr, with(cl, "iat", t0.Add(-61*time.Second).Unix())))
		}, dpop.ErrIAT, dpop.ReasonIAT},
		{"iat in the future", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, hdr, with(cl, "iat", t0.Add(61*time.Second).Unix())))
		}, dpop.ErrIAT, dpop.ReasonIAT},
		{"iat outside a shorter window", dpop.Config{IATWindow: 5 * time.Second}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, hdr, with(cl, "iat", t0.Add(-6*time.Second).Unix())))
		}, dpop.ErrIAT, dpop.ReasonIAT},
		{"iat as a string", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, hdr, with(cl, "iat", "1700000000")))
		}, dpop.ErrMalformed, dpop.ReasonMalformed},
		{"ath missing", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, hdr, with(cl, "ath", nil)))
		}, dpop.ErrATH, dpop.ReasonATH},
		{"ath of another token", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, hdr, with(cl, "ath", dpop.ATH("another-token"))))
		}, dpop.ErrATH, dpop.ReasonATH},
		{"ath not a string", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, hdr, with(cl, "ath", 1)))
		}, dpop.ErrATH, dpop.ReasonATH},
		{"ath padded", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, hdr, with(cl, "ath", dpop.ATH(testToken)+"=")))
		}, dpop.ErrATH, dpop.ReasonATH},
		{"typ JWT", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, with(hdr, "typ", "JWT"), cl))
		}, dpop.ErrType, dpop.ReasonType},
		{"typ in upper case", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, with(hdr, "typ", "DPOP+JWT"), cl))
		}, dpop.ErrType, dpop.ReasonType},
		{"typ missing", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, with(hdr, "typ", nil), cl))
		}, dpop.ErrType, dpop.ReasonType},
		{"typ member in upper case only", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, with(hdr, "typ", nil, "TYP", "dpop+jwt"), cl))
		}, dpop.ErrType, dpop.ReasonType},
		{"htm member in another case beside htm", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, hdr, with(cl, "htm", "POST", "HTM", "GET")))
		}, dpop.ErrHTM, dpop.ReasonHTM},
		{"crit header", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, with(hdr, "crit", []string{"exp"}), cl))
		}, dpop.ErrMalformed, dpop.ReasonMalformed},
		{"x5c header beside jwk", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, with(hdr, "x5c", []string{"MIIB"}), cl))
		}, dpop.ErrMalformed, dpop.ReasonMalformed},
		{"duplicate typ in the header", dpop.Config{}, func(t *testing.T) dpop.Request {
			jwk := mustJSON(t, testkeys.JWK(t, "", "", p256))
			h := `{"typ":"JWT","typ":"dpop+jwt","alg":"ES256","jwk":` + string(jwk) + `}`
			return request(t, testkeys.SignRawHeader(t, "ES256", p256, []byte(h), mustJSON(t, cl)))
		}, dpop.ErrMalformed, dpop.ReasonMalformed},
		{"duplicate htu in the claims", dpop.Config{}, func(t *testing.T) dpop.Request {
			p := `{"jti":"j","htm":"GET","htu":"https://evil.example/","htu":"` + testURL + `","iat":1700000000,"ath":"` + dpop.ATH(testToken) + `"}`
			return request(t, testkeys.Sign(t, "ES256", p256, hdr, []byte(p)))
		}, dpop.ErrMalformed, dpop.ReasonMalformed},
		{"invalid UTF-8 in the claims", dpop.Config{}, func(t *testing.T) dpop.Request {
			p := `{"jti":"j` + "\xff" + `","htm":"GET","htu":"` + testURL + `","iat":1700000000,"ath":"` + dpop.ATH(testToken) + `"}`
			return request(t, testkeys.Sign(t, "ES256", p256, hdr, []byte(p)))
		}, dpop.ErrMalformed, dpop.ReasonMalformed},
		{"jti missing", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, hdr, with(cl, "jti", nil)))
		}, dpop.ErrMissingClaim, dpop.ReasonMissingClaim},
		{"htu missing", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, hdr, with(cl, "htu", nil)))
		}, dpop.ErrMissingClaim, dpop.ReasonMissingClaim},
		{"iat missing", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, hdr, with(cl, "iat", nil)))
		}, dpop.ErrMissingClaim, dpop.ReasonMissingClaim},
		{"jti too long", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, signProof(t, "ES256", p256, hdr, with(cl, "jti", strings.Repeat("j", dpop.MaxJTIBytes+1))))
		}, dpop.ErrMalformed, dpop.ReasonMalformed},
		{"proof too large", dpop.Config{MaxProofBytes: 200}, func(t *testing.T) dpop.Request {
			return request(t, good(t))
		}, dpop.ErrMalformed, dpop.ReasonMalformed},
		{"four segments", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, good(t)+".x")
		}, dpop.ErrMalformed, dpop.ReasonMalformed},
		{"padded signature", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, good(t)+"==")
		}, dpop.ErrMalformed, dpop.ReasonMalformed},
		{"JSON serialization", dpop.Config{}, func(t *testing.T) dpop.Request {
			return request(t, `{"payload":"e30","signatures":[]}`)
		}, dpop.ErrMalformed, dpop.ReasonMalformed},
		// The Host header is the client's: a request whose host no htu can
		// name fails the htu check (401), not the server (500).
		{"request without host", dpop.Config{}, func(t *testing.T) dpop.Request {
			r := request(t, good(t))
			r.URL = &url.URL{Path: "/resource"}
			return r
		}, dpop.ErrHTU, dpop.ReasonHTU},
		{"request without URL", dpop.Config{}, func(t *testing.T) dpop.Request {
			r := request(t, good(t))
			r.URL = nil
			return r
		}, dpop.ErrRequest, dpop.ReasonRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChecker(t, tt.cfg)
			p, err := check(c, tt.req(t))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Check = %v, %v; want %v", p, err, tt.want)
			}
			if testing.Verbose() {
				t.Log(err)
			}
			if got := dpop.Reason(err); got != tt.reason {
				t.Errorf("Reason = %q, want %q", got, tt.reason)
			}
			var e *dpop.Error
			if !errors.As(err, &e) || e.Nonce != "" {
				t.Errorf("error %v is not an *Error without nonce", err)
			}
		})
	}
	t.Run("weak key refusal comes from keysource's rules", func(t *testing.T) {
		c := newChecker(t, dpop.Config{})
		_, err := check(c, request(t, signProof(t, "RS256", weakRSA, headerFor(t, weakRSA), cl)))
		var ke *keysource.KeyError
		if !errors.As(err, &ke) || ke.Rule != "rsa-min-bits" {
			t.Fatalf("Check = %v; want a keysource.KeyError rsa-min-bits", err)
		}
	})
}

// TestReplay checks that a proof is accepted once, whatever its encoding.
func TestReplay(t *testing.T) {
	p256 := testkeys.P256(t)
	hdr := headerFor(t, p256)
	proof := signProof(t, "ES256", p256, hdr, claimsFor("jti-replay"))

	t.Run("same proof twice", func(t *testing.T) {
		c := newChecker(t, dpop.Config{})
		if _, err := check(c, request(t, proof)); err != nil {
			t.Fatal(err)
		}
		_, err := check(c, request(t, proof))
		if !errors.Is(err, dpop.ErrReplayed) || dpop.Reason(err) != dpop.ReasonReplayed {
			t.Fatalf("second Check = %v; want ErrReplayed", err)
		}
	})
	t.Run("re-encoded ECDSA signature", func(t *testing.T) {
		// (r, n-s) verifies as well as (r, s): the store must not be keyed
		// on the proof's text.
		c := newChecker(t, dpop.Config{})
		if _, err := check(c, request(t, proof)); err != nil {
			t.Fatal(err)
		}
		parts := strings.Split(proof, ".")
		sig, _ := b64.DecodeString(parts[2])
		s := new(big.Int).SetBytes(sig[32:])
		s.Sub(elliptic.P256().Params().N, s)
		s.FillBytes(sig[32:])
		twin := parts[0] + "." + parts[1] + "." + b64.EncodeToString(sig)
		if twin == proof {
			t.Fatal("twin is the same string")
		}
		_, err := check(c, request(t, twin))
		if !errors.Is(err, dpop.ErrReplayed) {
			t.Fatalf("Check(twin) = %v; want ErrReplayed", err)
		}
	})
	t.Run("same jti, another key", func(t *testing.T) {
		// One client's jti does not burn another's.
		c := newChecker(t, dpop.Config{})
		if _, err := check(c, request(t, proof)); err != nil {
			t.Fatal(err)
		}
		p384 := testkeys.P384(t)
		if _, err := check(c, request(t, signProof(t, "ES384", p384, headerFor(t, p384), claimsFor("jti-replay")))); err != nil {
			t.Fatalf("Check = %v; want accepted", err)
		}
	})
	t.Run("refused proof is not remembered", func(t *testing.T) {
		c := newChecker(t, dpop.Config{})
		r := request(t, proof)
		r.Method = "POST"
		if _, err := check(c, r); !errors.Is(err, dpop.ErrHTM) {
			t.Fatalf("Check = %v; want ErrHTM", err)
		}
		if _, err := check(c, request(t, proof)); err != nil {
			t.Fatalf("Check = %v; want accepted", err)
		}
	})
}
