package jose_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/jose"
	"github.com/jwtguard/jwtguard/internal/testkeys"
)

var b64 = base64.RawURLEncoding

// jwkJSON marshals a JWK map, with extra members merged in (a nil value
// deletes the member).
func jwkJSON(t *testing.T, base map[string]any, extra map[string]any) []byte {
	t.Helper()
	m := maps.Clone(base)
	for k, v := range extra {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

func TestParseJWKValid(t *testing.T) {
	rsaKey, p256, p384, ed := testkeys.RSA2048(t), testkeys.P256(t), testkeys.P384(t), testkeys.Ed25519(t)
	p521, err := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	require.NoError(t, err)
	secret := testkeys.HMAC(t)
	tests := []struct {
		name string
		data []byte
		want jose.RawJWK
	}{
		{
			name: "RSA",
			data: jwkJSON(t, testkeys.JWK(t, "r1", "RS256", rsaKey), map[string]any{"use": "sig", "key_ops": []string{"verify"}}),
			want: jose.RawJWK{KID: "r1", Alg: "RS256", Use: "sig", Kty: "RSA", KeyOps: []string{"verify"}, Public: &rsaKey.PublicKey},
		},
		{
			name: "P-256",
			data: jwkJSON(t, testkeys.JWK(t, "e1", "ES256", p256), nil),
			want: jose.RawJWK{KID: "e1", Alg: "ES256", Kty: "EC", Crv: "P-256", Public: &p256.PublicKey},
		},
		{
			name: "P-384",
			data: jwkJSON(t, testkeys.JWK(t, "", "", p384), nil),
			want: jose.RawJWK{Kty: "EC", Crv: "P-384", Public: &p384.PublicKey},
		},
		{
			name: "P-521",
			data: jwkJSON(t, testkeys.JWK(t, "", "", p521), nil),
			want: jose.RawJWK{Kty: "EC", Crv: "P-521", Public: &p521.PublicKey},
		},
		{
			name: "Ed25519",
			data: jwkJSON(t, testkeys.JWK(t, "ed", "EdDSA", ed), nil),
			want: jose.RawJWK{KID: "ed", Alg: "EdDSA", Kty: "OKP", Crv: "Ed25519", Public: ed.Public()},
		},
		{
			name: "Ed25519, fully specified alg (RFC 9864)",
			data: jwkJSON(t, testkeys.JWK(t, "ed", "Ed25519", ed), nil),
			want: jose.RawJWK{KID: "ed", Alg: "Ed25519", Kty: "OKP", Crv: "Ed25519", Public: ed.Public()},
		},
		{
			name: "oct",
			data: jwkJSON(t, testkeys.JWK(t, "h", "HS512", secret), nil),
			want: jose.RawJWK{KID: "h", Alg: "HS512", Kty: "oct", Public: jose.HMACSecret(secret)},
		},
		{
			// Rules are the caller's: a short secret, a foreign alg and
			// use "enc" all parse.
			name: "short oct for encryption",
			data: []byte(`{"kty":"oct","k":"AAAA","alg":"A256GCM","use":"enc","key_ops":[]}`),
			want: jose.RawJWK{Kty: "oct", Alg: "A256GCM", Use: "enc", KeyOps: []string{}, Public: jose.HMACSecret{0, 0, 0}},
		},
		{
			name: "unknown members are ignored",
			data: jwkJSON(t, testkeys.JWK(t, "r1", "", rsaKey), map[string]any{"ext": true, "Kid2": "x", "x5u": "https://example.com/c"}),
			want: jose.RawJWK{KID: "r1", Kty: "RSA", Public: &rsaKey.PublicKey},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jose.ParseJWK(tt.data)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseJWKKeycloakCerts(t *testing.T) {
	members, err := jose.SplitJWKSet(testkeys.Read(t, "keycloak-certs.json"))
	require.NoError(t, err)
	require.Len(t, members, 2)

	sig, err := jose.ParseJWK(members[0])
	require.NoError(t, err)
	assert.Equal(t, "RS256", sig.Alg)
	assert.Equal(t, "sig", sig.Use)
	assert.True(t, testkeys.RSA2048(t).PublicKey.Equal(sig.Public))

	enc, err := jose.ParseJWK(members[1])
	require.NoError(t, err)
	assert.Equal(t, "RSA-OAEP", enc.Alg)
	assert.Equal(t, "enc", enc.Use)
	assert.IsType(t, &rsa.PublicKey{}, enc.Public)
}

func TestParseJWKPrivate(t *testing.T) {
	ecJWK := testkeys.JWK(t, "e", "", testkeys.P256(t))
	tests := []struct {
		name string
		data []byte
	}{
		{"RSA d", jwkJSON(t, testkeys.JWK(t, "r", "", testkeys.RSA2048(t)), map[string]any{"d": "AQAB"})},
		{"RSA CRT members only", jwkJSON(t, testkeys.JWK(t, "r", "", testkeys.RSA2048(t)), map[string]any{"p": "AQAB", "q": "AQAB", "dp": "AQ", "dq": "AQ", "qi": "AQ"})},
		{"RSA oth", jwkJSON(t, testkeys.JWK(t, "r", "", testkeys.RSA2048(t)), map[string]any{"oth": []any{}})},
		{"EC d", jwkJSON(t, ecJWK, map[string]any{"d": "yy49oPcINGK2ps0LmtxpB6UTEOiITghHBif6wDqmJ3c"})},
		{"EC d null", jwkJSON(t, ecJWK, map[string]any{"d": json.RawMessage("null")})},
		{"OKP d", jwkJSON(t, testkeys.JWK(t, "o", "", testkeys.Ed25519(t)), map[string]any{"d": "AAAA"})},
		{"AKP priv", []byte(`{"kty":"AKP","alg":"ML-DSA-44","pub":"AAAA","priv":"AAAA"}`)},
		{"private key of an unsupported curve", []byte(`{"kty":"OKP","crv":"Ed448","x":"AAAA","d":"AAAA"}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jose.ParseJWK(tt.data)
			require.NoError(t, err)
			assert.True(t, got.HasPrivate)
			assert.Nil(t, got.Public, "private material is never converted")
		})
	}

	t.Run("oct d is not private", func(t *testing.T) {
		got, err := jose.ParseJWK([]byte(`{"kty":"oct","k":"AAAA","d":"AAAA"}`))
		require.NoError(t, err)
		assert.False(t, got.HasPrivate)
	})
}

func TestParseJWKUnsupported(t *testing.T) {
	x := b64.EncodeToString(make([]byte, 32))
	ecJWK := testkeys.JWK(t, "e", "", testkeys.P256(t))
	tests := []struct {
		name string
		data string
		kty  string
	}{
		{"Ed448", `{"kty":"OKP","crv":"Ed448","x":"` + b64.EncodeToString(make([]byte, 57)) + `","kid":"k"}`, "OKP"},
		{"Ed448 with alg Ed448", `{"kty":"OKP","crv":"Ed448","alg":"Ed448","x":"` + b64.EncodeToString(make([]byte, 57)) + `","kid":"k"}`, "OKP"},
		{"X25519", `{"kty":"OKP","crv":"X25519","x":"` + x + `"}`, "OKP"},
		{"X448", `{"kty":"OKP","crv":"X448","x":"` + x + `"}`, "OKP"},
		{"AKP ML-DSA", `{"kty":"AKP","alg":"ML-DSA-65","pub":"AAAA"}`, "AKP"},
		{"unknown kty", `{"kty":"DSA","y":"AAAA"}`, "DSA"},
		{"lower case kty", `{"kty":"rsa","n":"AQAB","e":"AQAB"}`, "rsa"},
		{"secp256k1", string(jwkJSON(t, ecJWK, map[string]any{"crv": "secp256k1"})), "EC"},
		{"P-192", string(jwkJSON(t, ecJWK, map[string]any{"crv": "P-192"})), "EC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jose.ParseJWK([]byte(tt.data))
			require.ErrorIs(t, err, jose.ErrJWKUnsupported)
			if strings.HasPrefix(tt.name, "Ed448") {
				assert.ErrorContains(t, err, "no implementation in Go", "the error says why")
			}
			assert.Equal(t, tt.kty, got.Kty, "members come back with the error")
			assert.Nil(t, got.Public)
		})
	}
}

func TestParseJWKMalformed(t *testing.T) {
	rsaJWK := testkeys.JWK(t, "r", "RS256", testkeys.RSA2048(t))
	ecJWK := testkeys.JWK(t, "e", "ES256", testkeys.P256(t))
	good := string(jwkJSON(t, rsaJWK, nil))
	tests := []struct {
		name    string
		data    string
		wantKID string // members decoded before the failure
	}{
		{"empty", ``, ""},
		{"null", `null`, ""},
		{"array", `[` + good + `]`, ""},
		{"string", `"kty"`, ""},
		{"not JSON", `{kty:"RSA"}`, ""},
		{"trailing data", good + ` {}`, ""},
		{"duplicate member", `{"kty":"RSA","kty":"RSA","n":"AQAB","e":"AQAB"}`, ""},
		{"duplicate kid", strings.Replace(good, `"kid":"r"`, `"kid":"r","kid":"s"`, 1), ""},
		{"duplicate in a nested value", strings.Replace(good, `"kid":"r"`, `"kid":"r","x5c":{"a":1,"a":2}`, 1), ""},
		{"invalid UTF-8 in a value", strings.Replace(good, `"kid":"r"`, "\"kid\":\"r\xff\"", 1), ""},
		{"invalid UTF-8 in a name", strings.Replace(good, `"kid":"r"`, "\"kid\":\"r\",\"x\xff\":1", 1), ""},
		{"lone surrogate", strings.Replace(good, `"kid":"r"`, `"kid":"\ud800"`, 1), ""},
		{"name differs in case", strings.Replace(good, `"kid":"r"`, `"kid":"r","KTY":"oct"`, 1), ""},
		{"private member differs in case", strings.Replace(good, `"kid":"r"`, `"kid":"r","D":"AQAB"`, 1), ""},
		{"kid not a string", strings.Replace(good, `"kid":"r"`, `"kid":5`, 1), ""},
		{"kid null", strings.Replace(good, `"kid":"r"`, `"kid":null`, 1), ""},
		{"alg not a string", strings.Replace(good, `"alg":"RS256"`, `"alg":["RS256"]`, 1), "r"},
		{"key_ops not an array", string(jwkJSON(t, rsaJWK, map[string]any{"key_ops": "verify"})), "r"},
		{"key_ops not strings", string(jwkJSON(t, rsaJWK, map[string]any{"key_ops": []any{1}})), "r"},
		{"key_ops repeated", string(jwkJSON(t, rsaJWK, map[string]any{"key_ops": []string{"verify", "verify"}})), "r"},
		{"kty missing", string(jwkJSON(t, rsaJWK, map[string]any{"kty": nil})), "r"},
		{"kty empty", string(jwkJSON(t, rsaJWK, map[string]any{"kty": ""})), "r"},
		{"n missing", string(jwkJSON(t, rsaJWK, map[string]any{"n": nil})), "r"},
		{"n empty", string(jwkJSON(t, rsaJWK, map[string]any{"n": ""})), "r"},
		{"n padded", string(jwkJSON(t, rsaJWK, map[string]any{"n": rsaJWK["n"].(string) + "="})), "r"},
		{"n standard alphabet", string(jwkJSON(t, rsaJWK, map[string]any{"e": "AQ+/"})), "r"},
		{"n with line break", string(jwkJSON(t, rsaJWK, map[string]any{"n": rsaJWK["n"].(string)[:10] + "\n" + rsaJWK["n"].(string)[10:]})), "r"},
		{"e not a string", string(jwkJSON(t, rsaJWK, map[string]any{"e": 65537})), "r"},
		{"e too large", string(jwkJSON(t, rsaJWK, map[string]any{"e": b64.EncodeToString([]byte{1, 0, 0, 0, 1})})), "r"},
		{"EC crv missing", string(jwkJSON(t, ecJWK, map[string]any{"crv": nil})), "e"},
		{"EC y missing", string(jwkJSON(t, ecJWK, map[string]any{"y": nil})), "e"},
		{"EC x short", string(jwkJSON(t, ecJWK, map[string]any{"x": b64.EncodeToString(make([]byte, 31))})), "e"},
		// Wycheproof wrong_curve: P-256 coordinates under crv P-384.
		{"EC coordinates of another curve", string(jwkJSON(t, ecJWK, map[string]any{"crv": "P-384"})), "e"},
		{"OKP crv missing", `{"kty":"OKP","x":"` + b64.EncodeToString(make([]byte, 32)) + `","kid":"o"}`, "o"},
		{"Ed25519 short", `{"kty":"OKP","crv":"Ed25519","x":"AAAA","kid":"o"}`, "o"},
		{"oct k missing", `{"kty":"oct","kid":"h"}`, "h"},
		// Wycheproof wrong_kty: EC members under kty RSA.
		{"EC members under kty RSA", string(jwkJSON(t, ecJWK, map[string]any{"kty": "RSA"})), "e"},
		{"bad x5c", string(jwkJSON(t, rsaJWK, map[string]any{"x5c": []string{"not base64!"}})), "r"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jose.ParseJWK([]byte(tt.data))
			require.ErrorIs(t, err, jose.ErrJWKMalformed)
			assert.Equal(t, tt.wantKID, got.KID)
			assert.Nil(t, got.Public)
		})
	}
}

// TestParseJWKRefusedByJWX checks the keys jwx refuses for a reason a key
// rule names: the error comes with the decoded key (RSA, oct) or says
// ErrECPoint.
func TestParseJWKRefusedByJWX(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	n := testkeys.RSA2048(t).N
	ecJWK := testkeys.JWK(t, "e", "ES256", testkeys.P256(t))
	y, err := b64.DecodeString(ecJWK["y"].(string))
	require.NoError(t, err)
	y[len(y)-1] ^= 1

	tests := []struct {
		name       string
		data       []byte
		wantErr    error
		wantPublic any
	}{
		{
			name:       "RSA 1024 bits",
			data:       jwkJSON(t, testkeys.JWK(t, "r", "", &small.PublicKey), nil),
			wantErr:    jose.ErrJWKMalformed,
			wantPublic: &small.PublicKey,
		},
		{
			name:       "RSA exponent 1",
			data:       jwkJSON(t, testkeys.JWK(t, "r", "", &rsa.PublicKey{N: n, E: 1}), nil),
			wantErr:    jose.ErrJWKMalformed,
			wantPublic: &rsa.PublicKey{N: n, E: 1},
		},
		{
			name:       "RSA exponent even",
			data:       jwkJSON(t, testkeys.JWK(t, "r", "", &rsa.PublicKey{N: n, E: 65536}), nil),
			wantErr:    jose.ErrJWKMalformed,
			wantPublic: &rsa.PublicKey{N: n, E: 65536},
		},
		{
			name:       "oct k empty",
			data:       []byte(`{"kty":"oct","k":"","kid":"h"}`),
			wantErr:    jose.ErrJWKMalformed,
			wantPublic: jose.HMACSecret{},
		},
		{
			name:    "EC point off the curve",
			data:    jwkJSON(t, ecJWK, map[string]any{"y": b64.EncodeToString(y)}),
			wantErr: jose.ErrECPoint,
		},
		{
			name:    "EC point at infinity",
			data:    jwkJSON(t, ecJWK, map[string]any{"x": b64.EncodeToString(make([]byte, 32)), "y": b64.EncodeToString(make([]byte, 32))}),
			wantErr: jose.ErrECPoint,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jose.ParseJWK(tt.data)
			require.ErrorIs(t, err, tt.wantErr)
			assert.Equal(t, tt.wantPublic, got.Public)
		})
	}
}

func TestSplitJWKSet(t *testing.T) {
	k1 := string(jwkJSON(t, testkeys.JWK(t, "a", "", testkeys.P256(t)), nil))
	tests := []struct {
		name string
		data string
		want []string
	}{
		{"one", `{"keys":[` + k1 + `]}`, []string{k1}},
		{"empty", `{"keys":[]}`, []string{}},
		{"whitespace and other members", " {\"x\": {\"y\": [1]},\n \"keys\" : [ " + k1 + " , 5 ,{}] }\n", []string{k1, "5", "{}"}},
		{"bad members are returned for ParseJWK to refuse", "{\"keys\":[{\"a\":1,\"a\":2},\"\xff\"]}", []string{`{"a":1,"a":2}`, "\"\xff\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jose.SplitJWKSet([]byte(tt.data))
			require.NoError(t, err)
			require.Len(t, got, len(tt.want))
			for i := range got {
				assert.Equal(t, tt.want[i], string(got[i]))
			}
		})
	}
}

func TestSplitJWKSetMalformed(t *testing.T) {
	many := `{"keys":[` + strings.Repeat(`{},`, jose.MaxJWKSetKeys) + `{}]}`
	tests := []struct {
		name string
		data string
	}{
		{"empty", ``},
		{"null", `null`},
		{"array", `[{}]`},
		{"single JWK", `{"kty":"oct","k":"AAAA"}`},
		{"keys not an array", `{"keys":{}}`},
		{"keys null", `{"keys":null}`},
		{"duplicate keys", `{"keys":[],"keys":[]}`},
		{"duplicate other member", `{"keys":[],"a":1,"a":1}`},
		{"invalid UTF-8 in a name", "{\"keys\":[],\"\xff\":1}"},
		{"invalid UTF-8 in another member", "{\"keys\":[],\"a\":\"\xff\"}"},
		{"duplicate in another member", `{"keys":[],"a":{"b":1,"b":1}}`},
		{"trailing data", `{"keys":[]} {}`},
		{"truncated", `{"keys":[{"kty":"oct"`},
		{"syntax error in a member", `{"keys":[{"kty" "oct"}]}`},
		{"too many keys", many},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := jose.SplitJWKSet([]byte(tt.data))
			require.ErrorIs(t, err, jose.ErrJWKMalformed)
		})
	}
}

func TestThumbprint(t *testing.T) {
	// RFC 7638 section 3.1.
	n, err := b64.DecodeString("0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw")
	require.NoError(t, err)
	rfc := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: 65537}

	p256 := testkeys.JWK(t, "", "", testkeys.P256(t))
	sum := sha256.Sum256(fmt.Appendf(nil, `{"crv":"P-256","kty":"EC","x":"%s","y":"%s"}`, p256["x"], p256["y"]))
	ed := testkeys.Ed25519(t).Public().(ed25519.PublicKey)
	edSum := sha256.Sum256(fmt.Appendf(nil, `{"crv":"Ed25519","kty":"OKP","x":"%s"}`, b64.EncodeToString(ed)))
	secret := testkeys.HMAC(t)
	octSum := sha256.Sum256(fmt.Appendf(nil, `{"k":"%s","kty":"oct"}`, b64.EncodeToString(secret)))

	var keycloak struct{ Keys []struct{ KID string } }
	require.NoError(t, json.Unmarshal(testkeys.Read(t, "keycloak-certs.json"), &keycloak))

	tests := []struct {
		name string
		pub  any
		want string
	}{
		{"RFC 7638 example", rfc, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"},
		{"Keycloak kid", &testkeys.RSA2048(t).PublicKey, keycloak.Keys[0].KID},
		{"P-256", &testkeys.P256(t).PublicKey, b64.EncodeToString(sum[:])},
		{"Ed25519", ed, b64.EncodeToString(edSum[:])},
		{"oct", jose.HMACSecret(secret), b64.EncodeToString(octSum[:])},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jose.Thumbprint(tt.pub)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}

	t.Run("unsupported", func(t *testing.T) {
		for _, pub := range []any{nil, testkeys.RSA2048(t), []byte("secret"), "x"} {
			_, err := jose.Thumbprint(pub)
			assert.ErrorIs(t, err, jose.ErrJWKUnsupported, "%T", pub)
		}
	})
}
