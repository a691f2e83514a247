package testkeys_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/jose"
	"github.com/jwtguard/jwtguard/internal/testkeys"
)

func TestPathFindsTheKeys(t *testing.T) {
	root := testkeys.Root()
	assert.FileExists(t, filepath.Join(root, "go.mod"))
	for _, name := range []string{
		"rsa2048.pem", "rsa2048.pub.pem", "rsa2048.pkcs1.pub.pem", "rsa2048.jwks.json",
		"rsa3072.pem", "rsa3072.pub.pem", "rsa3072.jwks.json",
		"p256.pem", "p256.pub.pem", "p384.pem", "p384.pub.pem", "ed25519.pem", "ed25519.pub.pem",
		"hmac.key", "hmac.jwks.json", "jwks.json", "multi.pub.pem", "cert.pem", "keycloak-certs.json",
	} {
		assert.FileExists(t, testkeys.Path(name))
	}
}

func TestKeys(t *testing.T) {
	assert.Equal(t, 2048, testkeys.RSA2048(t).N.BitLen())
	assert.Equal(t, 3072, testkeys.RSA3072(t).N.BitLen())
	assert.Equal(t, "P-256", testkeys.P256(t).Curve.Params().Name)
	assert.Equal(t, "P-384", testkeys.P384(t).Curve.Params().Name)
	assert.Len(t, testkeys.Ed25519(t), ed25519.PrivateKeySize)
	assert.Len(t, testkeys.HMAC(t), 64)
	assert.Same(t, testkeys.RSA2048(t), testkeys.RSA2048(t), "parsed once")

	h := testkeys.HMAC(t)
	h[0] ^= 0xff
	assert.NotEqual(t, h, testkeys.HMAC(t), "HMAC returns a copy")
}

// TestJWKMatchesFiles checks JWK against the generator's jwks.json, both
// read back by jose.ParseJWK.
func TestJWKMatchesFiles(t *testing.T) {
	var doc struct{ Keys []json.RawMessage }
	require.NoError(t, json.Unmarshal(testkeys.Read(t, "jwks.json"), &doc))
	want := map[string]any{
		testkeys.KIDRSA2048: &testkeys.RSA2048(t).PublicKey,
		testkeys.KIDRSA3072: &testkeys.RSA3072(t).PublicKey,
		testkeys.KIDP256:    &testkeys.P256(t).PublicKey,
		testkeys.KIDP384:    &testkeys.P384(t).PublicKey,
		testkeys.KIDEd25519: testkeys.Ed25519(t).Public(),
	}
	require.Len(t, doc.Keys, len(want))
	for _, m := range doc.Keys {
		fromFile, err := jose.ParseJWK(m)
		require.NoError(t, err)
		pub := want[fromFile.KID]
		require.NotNil(t, pub, fromFile.KID)
		assert.True(t, pub.(interface{ Equal(crypto.PublicKey) bool }).Equal(fromFile.Public), fromFile.KID)

		made, err := json.Marshal(testkeys.JWK(t, fromFile.KID, fromFile.Alg, pub))
		require.NoError(t, err)
		fromHelper, err := jose.ParseJWK(made)
		require.NoError(t, err)
		fromHelper.Use = "sig"
		assert.Equal(t, fromFile, fromHelper)
	}

	set := testkeys.JWKSet(t, testkeys.JWK(t, testkeys.KIDHMAC, "", testkeys.HMAC(t)))
	members, err := jose.SplitJWKSet(set)
	require.NoError(t, err)
	require.Len(t, members, 1)
	raw, err := jose.ParseJWK(members[0])
	require.NoError(t, err)
	assert.Equal(t, jose.HMACSecret(testkeys.HMAC(t)), raw.Public)
	assert.JSONEq(t, string(testkeys.Read(t, "hmac.jwks.json")), string(set))
}

// TestSign checks every algorithm against jose.VerifySignature, which does
// not share code with Sign.
func TestSign(t *testing.T) {
	rsaKey, p256, p384 := testkeys.RSA2048(t), testkeys.P256(t), testkeys.P384(t)
	edKey, secret := testkeys.Ed25519(t), testkeys.HMAC(t)
	p521Key, err := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	require.NoError(t, err)
	tests := []struct {
		name string
		alg  jose.Alg
		key  any
		pub  any
	}{
		{"RS256", jose.RS256, rsaKey, &rsaKey.PublicKey},
		{"RS384", jose.RS384, rsaKey, &rsaKey.PublicKey},
		{"RS512", jose.RS512, testkeys.RSA3072(t), &testkeys.RSA3072(t).PublicKey},
		{"PS256", jose.PS256, rsaKey, &rsaKey.PublicKey},
		{"PS384", jose.PS384, rsaKey, &rsaKey.PublicKey},
		{"PS512", jose.PS512, rsaKey, &rsaKey.PublicKey},
		{"ES256", jose.ES256, p256, &p256.PublicKey},
		{"ES384", jose.ES384, p384, &p384.PublicKey},
		{"ES512", jose.ES512, p521Key, &p521Key.PublicKey},
		{"EdDSA", jose.EdDSA, edKey, edKey.Public()},
		{"HS256", jose.HS256, secret, jose.HMACSecret(secret)},
		{"HS384", jose.HS384, secret, jose.HMACSecret(secret)},
		{"HS512", jose.HS512, jose.HMACSecret(secret), jose.HMACSecret(secret)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := testkeys.Sign(t, tt.name, tt.key, map[string]any{"kid": "k1", "typ": "JWT"}, []byte(`{"sub":"a<b"}`))
			parts := strings.Split(tok, ".")
			require.Len(t, parts, 3)
			header, err := base64.RawURLEncoding.DecodeString(parts[0])
			require.NoError(t, err)
			assert.JSONEq(t, `{"alg":"`+tt.name+`","kid":"k1","typ":"JWT"}`, string(header))
			payload, err := base64.RawURLEncoding.DecodeString(parts[1])
			require.NoError(t, err)
			assert.Equal(t, `{"sub":"a<b"}`, string(payload))
			sig, err := base64.RawURLEncoding.DecodeString(parts[2])
			require.NoError(t, err)
			input := []byte(parts[0] + "." + parts[1])
			require.NoError(t, jose.VerifySignature(tt.alg, tt.pub, string(input), sig))
			input[len(input)-1] ^= 1
			require.ErrorIs(t, jose.VerifySignature(tt.alg, tt.pub, string(input), sig), jose.ErrSignature)
		})
	}
}

func TestSignHeaderOverrides(t *testing.T) {
	tests := []struct {
		name   string
		alg    string
		header map[string]any
		want   string
	}{
		{"alg replaced", "HS256", map[string]any{"alg": "RS256"}, `{"alg":"RS256"}`},
		{"alg dropped", "HS256", map[string]any{"alg": nil}, `{}`},
		{"explicit null", "HS256", map[string]any{"alg": json.RawMessage("null")}, `{"alg":null}`},
		{"none", "none", nil, `{"alg":"none"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := testkeys.Sign(t, tt.alg, testkeys.HMAC(t), tt.header, []byte("{}"))
			parts := strings.Split(tok, ".")
			header, err := base64.RawURLEncoding.DecodeString(parts[0])
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(header))
			if tt.alg == "none" {
				assert.Empty(t, parts[2])
			}
		})
	}
	raw := testkeys.SignRawHeader(t, "HS256", testkeys.HMAC(t), []byte(`{"alg":"HS256","alg":"none"}`), []byte("{}"))
	assert.True(t, strings.HasPrefix(raw, base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","alg":"none"}`))+"."))
}

func TestSignatureErrors(t *testing.T) {
	tests := []struct {
		name string
		alg  string
		key  any
	}{
		{"HMAC with an RSA key", "HS256", testkeys.RSA2048(t)},
		{"RSA with a secret", "RS256", testkeys.HMAC(t)},
		{"ECDSA with an RSA key", "ES256", testkeys.RSA2048(t)},
		{"unknown alg", "XS256", testkeys.RSA2048(t)},
		{"no hash", "RS1", testkeys.RSA2048(t)},
		{"public key", "RS256", &testkeys.RSA2048(t).PublicKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := testkeys.Signature(tt.alg, tt.key, []byte("a.b"))
			assert.Error(t, err)
		})
	}
}
