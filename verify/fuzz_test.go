package verify

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
)

// b64url marks the 64 characters of the unpadded base64url alphabet.
var b64url = func() (t [256]bool) {
	for _, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" {
		t[c] = true
	}
	return t
}()

// Seeds shared by the fuzz targets; more live in testdata/fuzz.
var fuzzTokens = []string{
	"eyJhbGciOiJIUzI1NiJ9.e30.c2ln",
	"eyJhbGciOiJub25lIn0.e30.",
	"a.b.c.d.e",
	"a.b",
	"{\"payload\":\"e30\"}",
	"eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJleHAiOjF9.AAAA",
	"eyJhbGciOiJSUzI1NiIsImNyaXQiOlsiZXhwIl19.e30.AA",
}

func FuzzSplitCompact(f *testing.F) {
	for _, s := range fuzzTokens {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		c, err := splitCompact(token, DefaultMaxTokenBytes)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrJWE) && !errors.Is(err, ErrJSONSerialization) {
				t.Fatalf("unexpected error class: %v", err)
			}
			return
		}
		if c.header+"."+c.payload+"."+c.signature != token || c.signingInput != c.header+"."+c.payload {
			t.Fatalf("segments do not rebuild the token")
		}
		// A segment decodes only when it is pure unpadded base64url.
		for _, seg := range []string{c.header, c.payload, c.signature} {
			_, err := decodeSegment(nil, seg)
			pure := !strings.ContainsFunc(seg, func(r rune) bool { return r > 127 || !b64url[r] })
			if err == nil && !pure {
				t.Fatalf("segment %q decoded with a character outside base64url", seg)
			}
			if err != nil && !errors.Is(err, ErrMalformed) {
				t.Fatalf("decode: %v", err)
			}
		}
	})
}

func FuzzDecodeHeader(f *testing.F) {
	for _, s := range []string{
		`{"alg":"RS256","kid":"k","typ":"JWT"}`,
		`{"alg":"RS256","alg":"none"}`,
		`{"alg":"ES256","crit":["b64"],"b64":false}`,
		`{"alg":"HS256","jwk":{"kty":"oct","k":"AA"}}`,
		"{\"alg\":\"\xff\"}",
		`{"alg":1}`,
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		h, got, err := decodeHeader(base64.RawURLEncoding.EncodeToString(raw))
		if err != nil {
			for _, want := range []error{ErrMalformed, ErrCritical, ErrHeaderKey} {
				if errors.Is(err, want) {
					return
				}
			}
			t.Fatalf("unexpected error class: %v", err)
		}
		if string(got) != string(raw) {
			t.Fatalf("raw header changed")
		}
		// What the strict decoder accepts is valid JSON, and its alg is the
		// member named exactly "alg" (never "ALG" or a duplicate).
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("accepted header is not JSON: %v", err)
		}
		if got, _ := m["alg"].(string); got != h.Alg {
			t.Fatalf("alg %q, the exact member holds %q", h.Alg, got)
		}
	})
}

func FuzzVerify(f *testing.F) {
	for _, s := range fuzzTokens {
		f.Add(s)
	}
	k, err := keysource.NewKey("1", "", &testkeys.RSA2048(f).PublicKey)
	if err != nil {
		f.Fatal(err)
	}
	src, err := keysource.NewStatic(k)
	if err != nil {
		f.Fatal(err)
	}
	v, err := New(Config[claims.Keycloak]{Keys: src, Algorithms: []string{"RS256", "PS256"}, Issuers: []string{"i"}, Audiences: []string{"a"}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(testkeys.SignClaims(f, "RS256", testkeys.RSA2048(f), map[string]any{"kid": "1"}, map[string]any{"iss": "i", "aud": "a", "exp": 1e10}))
	f.Fuzz(func(t *testing.T, token string) {
		c, err := v.Verify(context.Background(), token)
		if err == nil {
			if c == nil || c.Issuer != "i" {
				t.Fatalf("accepted without the expected issuer")
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) || e.Reason == "error" {
			t.Fatalf("error without a stable reason: %v", err)
		}
	})
}
