package keysource_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/jose"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
)

// with returns a copy of a JWK map with members set (a nil value deletes).
func with(jwk map[string]any, members map[string]any) map[string]any {
	out := make(map[string]any, len(jwk)+len(members))
	for k, v := range jwk {
		out[k] = v
	}
	for k, v := range members {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// jwksDoc builds a JWK Set document from members that are JWK maps or raw
// JSON (json.RawMessage or string).
func jwksDoc(t *testing.T, members ...any) []byte {
	t.Helper()
	raw := make([]string, len(members))
	for i, m := range members {
		switch m := m.(type) {
		case string:
			raw[i] = m
		case json.RawMessage:
			raw[i] = string(m)
		default:
			b, err := json.Marshal(m)
			require.NoError(t, err)
			raw[i] = string(b)
		}
	}
	return []byte(`{"keys":[` + strings.Join(raw, ",") + `]}`)
}

func TestParseJWKSFiles(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		wantKIDs []string
		wantAlgs []string
	}{
		{"jwks.json", "jwks.json", []string{testkeys.KIDRSA2048, testkeys.KIDRSA3072, testkeys.KIDP256, testkeys.KIDP384, testkeys.KIDEd25519}, []string{"RS256", "", "ES256", "ES384", "EdDSA"}},
		{"rsa2048.jwks.json", "rsa2048.jwks.json", []string{testkeys.KIDRSA2048}, []string{"RS256"}},
		{"rsa3072.jwks.json", "rsa3072.jwks.json", []string{testkeys.KIDRSA3072}, []string{""}},
		{"hmac.jwks.json", "hmac.jwks.json", []string{testkeys.KIDHMAC}, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, skipped, err := keysource.ParseJWKS(testkeys.Read(t, tt.file))
			require.NoError(t, err)
			assert.Empty(t, skipped)
			require.Len(t, keys, len(tt.wantKIDs))
			for i, k := range keys {
				assert.Equal(t, tt.wantKIDs[i], k.ID())
				assert.Equal(t, tt.wantAlgs[i], k.Algorithm())
			}
		})
	}
}

// TestParseJWKSKeycloak: the "use": "enc" RSA-OAEP key of a Keycloak realm
// is skipped, the signing key serves.
func TestParseJWKSKeycloak(t *testing.T) {
	keys, skipped, err := keysource.ParseJWKS(testkeys.Read(t, "keycloak-certs.json"))
	require.NoError(t, err)
	require.Len(t, keys, 1)
	assert.Equal(t, "RS256", keys[0].Algorithm())
	assert.True(t, testkeys.RSA2048(t).PublicKey.Equal(keys[0].Public()))
	thumb, err := jose.Thumbprint(keys[0].Public())
	require.NoError(t, err)
	assert.Equal(t, thumb, keys[0].ID())

	require.Len(t, skipped, 1)
	ke := requireKeyError(t, skipped[0], skipped[0].(*keysource.KeyError).KID, "use-enc")
	assert.Equal(t, 1, ke.Index)
	assert.NotEmpty(t, ke.KID)
}

// TestParseJWKSSkips puts one bad key beside a good one: the bad one is
// skipped with an error naming its kid, index and rule, the good one serves.
func TestParseJWKSSkips(t *testing.T) {
	good := testkeys.JWK(t, "good", "RS256", testkeys.RSA2048(t))
	rsaJWK := testkeys.JWK(t, "bad", "", testkeys.RSA3072(t))
	ecJWK := testkeys.JWK(t, "bad", "ES256", testkeys.P256(t))
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	y, err := base64.RawURLEncoding.DecodeString(ecJWK["y"].(string))
	require.NoError(t, err)
	y[0] ^= 1
	b64 := base64.RawURLEncoding.EncodeToString
	secret := testkeys.HMAC(t)

	tests := []struct {
		name      string
		bad       any
		kid       string // "" when the member is too broken to name
		rule      string
		malformed bool // also matches ErrMalformed
	}{
		{name: "private RSA key", bad: with(rsaJWK, map[string]any{"d": "AQAB", "p": "AQAB", "q": "AQAB"}), kid: "bad", rule: "private-key"},
		{name: "private EC key", bad: with(ecJWK, map[string]any{"d": "yy49oPcINGK2ps0LmtxpB6UTEOiITghHBif6wDqmJ3c"}), kid: "bad", rule: "private-key"},
		{name: "private OKP key", bad: with(testkeys.JWK(t, "bad", "", testkeys.Ed25519(t)), map[string]any{"d": "AAAA"}), kid: "bad", rule: "private-key"},
		{name: "private key for encryption", bad: with(rsaJWK, map[string]any{"d": "AQAB", "use": "enc"}), kid: "bad", rule: "private-key"},
		{name: "use enc", bad: with(rsaJWK, map[string]any{"use": "enc"}), kid: "bad", rule: "use-enc"},
		{name: "use unknown", bad: with(rsaJWK, map[string]any{"use": "signature"}), kid: "bad", rule: "use"},
		{name: "key_ops sign only", bad: with(rsaJWK, map[string]any{"key_ops": []string{"sign"}}), kid: "bad", rule: "key-ops"},
		{name: "key_ops empty", bad: with(rsaJWK, map[string]any{"key_ops": []string{}}), kid: "bad", rule: "key-ops"},
		{name: "key_ops encrypt", bad: with(rsaJWK, map[string]any{"key_ops": []string{"encrypt", "wrapKey"}}), kid: "bad", rule: "key-ops"},
		{name: "alg RSA-OAEP", bad: with(rsaJWK, map[string]any{"alg": "RSA-OAEP"}), kid: "bad", rule: "alg"},
		{name: "alg RSA-OAEP-256", bad: with(rsaJWK, map[string]any{"alg": "RSA-OAEP-256"}), kid: "bad", rule: "alg"},
		{name: "alg RSA1_5", bad: with(rsaJWK, map[string]any{"alg": "RSA1_5"}), kid: "bad", rule: "alg"},
		{name: "alg ECDH-ES", bad: with(ecJWK, map[string]any{"alg": "ECDH-ES"}), kid: "bad", rule: "alg"},
		{name: "alg none", bad: with(rsaJWK, map[string]any{"alg": "none"}), kid: "bad", rule: "alg"},
		{name: "alg ES224", bad: with(ecJWK, map[string]any{"alg": "ES224"}), kid: "bad", rule: "alg"},
		{name: "Ed25519 key with alg Ed448", bad: testkeys.JWK(t, "bad", "Ed448", testkeys.Ed25519(t)), kid: "bad", rule: "alg"},
		{name: "RSA key for Ed25519", bad: with(rsaJWK, map[string]any{"alg": "Ed25519"}), kid: "bad", rule: "alg-mismatch"},
		{name: "EC key for Ed25519", bad: with(ecJWK, map[string]any{"alg": "Ed25519"}), kid: "bad", rule: "alg-mismatch"},
		{name: "AES-GCM key", bad: map[string]any{"kty": "oct", "kid": "bad", "alg": "A256GCM", "k": b64(secret[:32])}, kid: "bad", rule: "alg"},
		{name: "AES-KW key", bad: map[string]any{"kty": "oct", "kid": "bad", "alg": "A256KW", "k": b64(secret[:32])}, kid: "bad", rule: "alg"},
		{name: "AES key for encryption, no alg", bad: map[string]any{"kty": "oct", "kid": "bad", "use": "enc", "k": b64(secret[:32])}, kid: "bad", rule: "use-enc"},
		{name: "Ed448", bad: map[string]any{"kty": "OKP", "kid": "bad", "crv": "Ed448", "x": b64(make([]byte, 57))}, kid: "bad", rule: "unsupported"},
		{name: "X25519", bad: map[string]any{"kty": "OKP", "kid": "bad", "crv": "X25519", "x": b64(make([]byte, 32))}, kid: "bad", rule: "unsupported"},
		{name: "AKP ML-DSA", bad: map[string]any{"kty": "AKP", "kid": "bad", "alg": "ML-DSA-44", "pub": b64(make([]byte, 1312))}, kid: "bad", rule: "unsupported"},
		{name: "Ed448 with a fully-specified alg", bad: map[string]any{"kty": "OKP", "kid": "bad", "crv": "Ed448", "alg": "Ed448", "x": b64(make([]byte, 57))}, kid: "bad", rule: "unsupported"},
		{name: "AKP without alg", bad: map[string]any{"kty": "AKP", "kid": "bad", "pub": b64(make([]byte, 1312))}, kid: "bad", rule: "unsupported"},
		{name: "secp256k1", bad: with(ecJWK, map[string]any{"crv": "secp256k1", "alg": nil}), kid: "bad", rule: "unsupported"},
		{name: "RSA 1024 bits", bad: testkeys.JWK(t, "bad", "RS256", &small.PublicKey), kid: "bad", rule: "rsa-min-bits"},
		{name: "RSA exponent 1", bad: with(rsaJWK, map[string]any{"e": "AQ"}), kid: "bad", rule: "rsa-exponent"},
		{name: "RSA exponent even", bad: with(rsaJWK, map[string]any{"e": "AQAA"}), kid: "bad", rule: "rsa-exponent"},
		{name: "RSA ROCA form", bad: testkeys.JWK(t, "bad", "", &rsa.PublicKey{N: rocaModulus(t), E: 65537}), kid: "bad", rule: "rsa-roca"},
		{name: "EC point off the curve", bad: with(ecJWK, map[string]any{"y": b64(y)}), kid: "bad", rule: "ec-point"},
		{name: "EC key for another curve's alg", bad: testkeys.JWK(t, "bad", "ES256", testkeys.P384(t)), kid: "bad", rule: "alg-mismatch"},
		{name: "RSA key for ES256", bad: with(rsaJWK, map[string]any{"alg": "ES256"}), kid: "bad", rule: "alg-mismatch"},
		{name: "EC key for RS256", bad: with(ecJWK, map[string]any{"alg": "RS256"}), kid: "bad", rule: "alg-mismatch"},
		{name: "oct key for RS256", bad: testkeys.JWK(t, "bad", "RS256", secret), kid: "bad", rule: "alg-mismatch"},
		{name: "RSA key for HS256", bad: with(rsaJWK, map[string]any{"alg": "HS256"}), kid: "bad", rule: "alg-mismatch"},
		{name: "HMAC secret empty", bad: map[string]any{"kty": "oct", "kid": "bad", "k": ""}, kid: "bad", rule: "hmac-empty"},
		{name: "HMAC secret short", bad: testkeys.JWK(t, "bad", "", secret[:31]), kid: "bad", rule: "hmac-min-bytes"},
		{name: "HMAC secret short for HS512", bad: testkeys.JWK(t, "bad", "HS512", secret[:48]), kid: "bad", rule: "hmac-min-bytes"},
		{name: "duplicate member names", bad: `{"kty":"RSA","kid":"bad","kid":"good","n":"AQAB","e":"AQAB"}`, rule: "malformed", malformed: true},
		{name: "invalid UTF-8", bad: "{\"kty\":\"oct\",\"kid\":\"b\xffd\",\"k\":\"AAAA\"}", rule: "malformed", malformed: true},
		{name: "not an object", bad: `"RSA"`, rule: "malformed", malformed: true},
		{name: "null", bad: `null`, rule: "malformed", malformed: true},
		{name: "member name in other case", bad: with(rsaJWK, map[string]any{"N": "AQAB"}), rule: "malformed", malformed: true},
		{name: "n missing", bad: with(rsaJWK, map[string]any{"n": nil}), kid: "bad", rule: "malformed", malformed: true},
		{name: "n padded", bad: with(rsaJWK, map[string]any{"n": rsaJWK["n"].(string) + "="}), kid: "bad", rule: "malformed", malformed: true},
		{name: "kty missing", bad: with(rsaJWK, map[string]any{"kty": nil}), kid: "bad", rule: "malformed", malformed: true},
		{name: "EC members under kty RSA", bad: with(ecJWK, map[string]any{"kty": "RSA"}), kid: "bad", rule: "malformed", malformed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, badFirst := range []bool{false, true} {
				doc, badIndex := jwksDoc(t, good, tt.bad), 1
				if badFirst {
					doc, badIndex = jwksDoc(t, tt.bad, good), 0
				}
				keys, skipped, err := keysource.ParseJWKS(doc)
				require.NoError(t, err)
				require.Len(t, keys, 1, "the good key serves")
				assert.Equal(t, "good", keys[0].ID())
				require.Len(t, skipped, 1)
				ke := requireKeyError(t, skipped[0], tt.kid, tt.rule)
				assert.Equal(t, badIndex, ke.Index)
				assert.Contains(t, skipped[0].Error(), fmt.Sprintf("(#%d)", badIndex))
				if tt.malformed {
					assert.ErrorIs(t, skipped[0], keysource.ErrMalformed)
				} else {
					assert.NotErrorIs(t, skipped[0], keysource.ErrMalformed)
				}
			}
		})
	}
}

func TestParseJWKSDuplicateKID(t *testing.T) {
	r := testkeys.JWK(t, "k", "RS256", testkeys.RSA2048(t))
	e := testkeys.JWK(t, "k", "", testkeys.P256(t))
	other := testkeys.JWK(t, "other", "", testkeys.P384(t))
	tests := []struct {
		name        string
		members     []any
		wantKIDs    []string
		wantSkipped []int // indexes
	}{
		{"different keys: all skipped", []any{r, other, e}, []string{"other"}, []int{0, 2}},
		{"three, two alike: all skipped", []any{r, r, e}, nil, []int{0, 1, 2}},
		{"same key repeated: first kept", []any{r, other, r}, []string{"k", "other"}, []int{2}},
		{"same key, other alg: all skipped", []any{r, with(r, map[string]any{"alg": "PS256"})}, nil, []int{0, 1}},
		{"enc key under the same kid does not count", []any{with(r, map[string]any{"use": "enc"}), e}, []string{"k"}, []int{0}},
		{"key_ops key under the same kid does not count", []any{e, with(r, map[string]any{"key_ops": []string{"encrypt"}})}, []string{"k"}, []int{1}},
		{"encryption alg under the same kid does not count", []any{e, with(r, map[string]any{"alg": "RSA-OAEP"})}, []string{"k"}, []int{1}},
		{"malformed key under the same kid counts", []any{e, with(r, map[string]any{"n": "AQAB="})}, nil, []int{0, 1}},
		{"weak key under the same kid counts", []any{with(r, map[string]any{"e": "AQ"}), e}, nil, []int{0, 1}},
		{"private key under the same kid counts", []any{e, with(r, map[string]any{"d": "AQAB"})}, nil, []int{0, 1}},
		{"unsupported key under the same kid counts", []any{e, map[string]any{"kty": "OKP", "crv": "Ed448", "kid": "k", "x": "AAAA"}}, nil, []int{0, 1}},
		{"keys without kid may repeat", []any{with(r, map[string]any{"kid": nil}), with(r, map[string]any{"kid": nil})}, []string{"", ""}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, skipped, err := keysource.ParseJWKS(jwksDoc(t, tt.members...))
			require.NoError(t, err)
			var kids []string
			for _, k := range keys {
				kids = append(kids, k.ID())
			}
			assert.Equal(t, tt.wantKIDs, kids)
			var indexes []int
			for _, s := range skipped {
				var ke *keysource.KeyError
				require.ErrorAs(t, s, &ke)
				indexes = append(indexes, ke.Index)
				assert.Equal(t, "k", ke.KID)
				if ke.Rule == "duplicate-kid" {
					assert.ErrorIs(t, s, keysource.ErrDuplicateKID)
					assert.ErrorIs(t, s, keysource.ErrInvalidKey)
				} else {
					assert.NotErrorIs(t, s, keysource.ErrDuplicateKID)
				}
			}
			assert.Equal(t, tt.wantSkipped, indexes, "skipped in index order")
		})
	}
}

func TestParseJWKSMalformedDocument(t *testing.T) {
	tests := []struct {
		name string
		data string
	}{
		{"empty", ``},
		{"a JWK, not a set", `{"kty":"oct","k":"AAAA"}`},
		{"PEM", string(testkeys.Read(t, "rsa2048.pub.pem"))},
		{"keys not an array", `{"keys":{"kty":"oct"}}`},
		{"duplicate keys member", `{"keys":[],"keys":[]}`},
		{"invalid UTF-8 at the top level", "{\"keys\":[],\"n\xffme\":1}"},
		{"trailing data", `{"keys":[]}x`},
		{"truncated", `{"keys":[{"kty":"oct","k":"AAAA"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, skipped, err := keysource.ParseJWKS([]byte(tt.data))
			require.ErrorIs(t, err, keysource.ErrMalformed)
			assert.Nil(t, keys)
			assert.Nil(t, skipped)
		})
	}
}

func TestParseJWKSEmpty(t *testing.T) {
	keys, skipped, err := keysource.ParseJWKS([]byte(`{"keys":[]}`))
	require.NoError(t, err)
	assert.Empty(t, keys)
	assert.Empty(t, skipped)
	_, err = keysource.NewSet(keys...)
	assert.ErrorIs(t, err, keysource.ErrNoKeys)
}

// TestParseJWKSMixed: mixing is refused by NewSet, for the whole set.
func TestParseJWKSMixed(t *testing.T) {
	keys, skipped, err := keysource.ParseJWKS(jwksDoc(t,
		testkeys.JWK(t, "h", "", testkeys.HMAC(t)),
		testkeys.JWK(t, "r", "", testkeys.RSA2048(t))))
	require.NoError(t, err)
	assert.Empty(t, skipped)
	assert.Len(t, keys, 2)
	_, err = keysource.NewSet(keys...)
	assert.ErrorIs(t, err, keysource.ErrMixedKeys)
}

func TestParseJWKSP521(t *testing.T) {
	k, err := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	require.NoError(t, err)
	keys, skipped, err := keysource.ParseJWKS(jwksDoc(t, testkeys.JWK(t, "p521", "ES512", k)))
	require.NoError(t, err)
	assert.Empty(t, skipped)
	require.Len(t, keys, 1)
	assert.True(t, keys[0].Fits(jose.ES512))
}
