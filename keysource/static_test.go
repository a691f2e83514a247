package keysource_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/jose"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
)

// verifies reports whether the source holds a key that verifies tok, chosen
// the way a verifier chooses it.
func verifies(t *testing.T, src keysource.Source, tok string) bool {
	t.Helper()
	set, err := src.Keys(context.Background())
	require.NoError(t, err)
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 3)
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	require.NoError(t, err)
	var h struct{ Alg, Kid string }
	require.NoError(t, json.Unmarshal(hb, &h))
	alg, ok := jose.ParseAlg(h.Alg)
	require.True(t, ok)
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	require.NoError(t, err)
	candidates, _ := set.Candidates(h.Kid, alg, nil)
	for _, k := range candidates {
		if jose.VerifySignature(alg, k.Material(), parts[0]+"."+parts[1], sig) == nil {
			return true
		}
	}
	return false
}

func TestStaticServesItsSet(t *testing.T) {
	src, err := keysource.NewStatic(newKey(t, "r", "", &testkeys.RSA2048(t).PublicKey))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // never blocks, so a dead context changes nothing

	set, err := src.Keys(ctx)
	require.NoError(t, err)
	require.NotNil(t, set)
	assert.Equal(t, 1, set.Len())

	again, err := src.Refresh(ctx, keysource.RefreshHint{Reason: keysource.RefreshUnknownKID, KID: "x", Current: set})
	require.NoError(t, err)
	assert.Same(t, set, again, "nothing newer: the same set")

	allocs := testing.AllocsPerRun(100, func() {
		if s, _ := src.Keys(ctx); s != set {
			t.Fatal("another set")
		}
	})
	assert.Zero(t, allocs)
}

func TestNewStaticRefuses(t *testing.T) {
	r := newKey(t, "a", "", &testkeys.RSA2048(t).PublicKey)
	tests := []struct {
		name    string
		keys    []*keysource.Key
		wantErr error
	}{
		{"none", nil, keysource.ErrNoKeys},
		{"mixed", []*keysource.Key{r, newKey(t, "", "", testkeys.HMAC(t))}, keysource.ErrMixedKeys},
		{"duplicate kid", []*keysource.Key{r, newKey(t, "a", "", &testkeys.P256(t).PublicKey)}, keysource.ErrDuplicateKID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := keysource.NewStatic(tt.keys...)
			require.ErrorIs(t, err, tt.wantErr)
			assert.Nil(t, src)
		})
	}
}

func TestStaticFromJWKS(t *testing.T) {
	src, err := keysource.StaticFromJWKS(testkeys.Read(t, "jwks.json"))
	require.NoError(t, err)
	tests := []struct {
		name string
		alg  string
		kid  string
		key  crypto.Signer
	}{
		{"RS256 by kid", "RS256", testkeys.KIDRSA2048, testkeys.RSA2048(t)},
		{"PS384 on the key without alg", "PS384", testkeys.KIDRSA3072, testkeys.RSA3072(t)},
		{"ES256", "ES256", testkeys.KIDP256, testkeys.P256(t)},
		{"EdDSA", "EdDSA", testkeys.KIDEd25519, testkeys.Ed25519(t)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := map[string]any{}
			if tt.kid != "" {
				header["kid"] = tt.kid
			}
			assert.True(t, verifies(t, src, testkeys.Sign(t, tt.alg, tt.key, header, []byte(`{}`))))
		})
	}
	t.Run("a token without kid is not tried against a set of keys with kids", func(t *testing.T) {
		tok := testkeys.Sign(t, "ES384", testkeys.P384(t), map[string]any{}, []byte(`{}`))
		assert.False(t, verifies(t, src, tok))
	})
	t.Run("kid restricted to RS256 refuses PS256", func(t *testing.T) {
		tok := testkeys.Sign(t, "PS256", testkeys.RSA2048(t), map[string]any{"kid": testkeys.KIDRSA2048}, []byte(`{}`))
		assert.False(t, verifies(t, src, tok))
	})
}

func TestStaticFromJWKSRefuses(t *testing.T) {
	good := testkeys.JWK(t, "good", "", testkeys.RSA2048(t))
	tests := []struct {
		name     string
		data     []byte
		wantErr  error
		contains []string
	}{
		{"Keycloak document: its enc key is refused", testkeys.Read(t, "keycloak-certs.json"), keysource.ErrInvalidKey, []string{"(#1) refused (use-enc)"}},
		{"every refused key named", jwksDoc(t, with(good, map[string]any{"kid": "a", "use": "enc"}), good, with(good, map[string]any{"kid": "b", "alg": "A256KW"})), keysource.ErrInvalidKey, []string{"2 refused", `"a" (#0) refused (use-enc)`, `"b" (#2) refused (alg)`}},
		{"private key", jwksDoc(t, with(good, map[string]any{"d": "AQAB"})), keysource.ErrInvalidKey, []string{"(private-key)"}},
		{"malformed member", jwksDoc(t, good, `{"kty":"RSA","kty":"RSA"}`), keysource.ErrMalformed, []string{"(#1) refused (malformed)"}},
		{"duplicate kid", jwksDoc(t, good, testkeys.JWK(t, "good", "", testkeys.P256(t))), keysource.ErrDuplicateKID, []string{"(duplicate-kid)"}},
		{"mixed", jwksDoc(t, good, testkeys.JWK(t, "h", "", testkeys.HMAC(t))), keysource.ErrMixedKeys, nil},
		{"no keys", []byte(`{"keys":[]}`), keysource.ErrNoKeys, nil},
		{"not a JWK Set", testkeys.Read(t, "rsa2048.pub.pem"), keysource.ErrMalformed, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := keysource.StaticFromJWKS(tt.data)
			require.ErrorIs(t, err, tt.wantErr)
			assert.Nil(t, src)
			for _, s := range tt.contains {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}

func TestStaticFromPEM(t *testing.T) {
	src, err := keysource.StaticFromPEM(testkeys.Read(t, "multi.pub.pem"))
	require.NoError(t, err)
	set, err := src.Keys(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 2, set.Len())
	assert.Len(t, set.WithoutID(), 2)
	assert.True(t, verifies(t, src, testkeys.Sign(t, "RS256", testkeys.RSA2048(t), nil, []byte(`{}`))))
	assert.True(t, verifies(t, src, testkeys.Sign(t, "ES256", testkeys.P256(t), map[string]any{"kid": "any"}, []byte(`{}`))))
	assert.False(t, verifies(t, src, testkeys.Sign(t, "ES384", testkeys.P384(t), nil, []byte(`{}`))))

	tests := []struct {
		name    string
		data    []byte
		wantErr error
	}{
		{"private key", testkeys.Read(t, "rsa2048.pem"), keysource.ErrInvalidKey},
		{"no PEM", []byte("nothing"), keysource.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := keysource.StaticFromPEM(tt.data)
			require.ErrorIs(t, err, tt.wantErr)
			assert.Nil(t, src)
		})
	}
}

func TestStaticFromSecret(t *testing.T) {
	secret := testkeys.HMAC(t)
	src, err := keysource.StaticFromSecret(secret)
	require.NoError(t, err)
	for _, alg := range []string{"HS256", "HS384", "HS512"} {
		assert.True(t, verifies(t, src, testkeys.Sign(t, alg, secret, nil, []byte(`{}`))), alg)
	}
	tok := testkeys.Sign(t, "HS256", secret, nil, []byte(`{}`))
	secret[0] ^= 0xff
	assert.True(t, verifies(t, src, tok), "the secret was copied")
	set, err := src.Keys(context.Background())
	require.NoError(t, err)
	assert.True(t, set.Symmetric())

	tests := []struct {
		name   string
		secret []byte
		rule   string
	}{
		{"empty", nil, "hmac-empty"},
		{"31 bytes", make([]byte, 31), "hmac-min-bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := keysource.StaticFromSecret(tt.secret)
			assert.Nil(t, src)
			requireKeyError(t, err, "", tt.rule)
		})
	}

	t.Run("32 bytes verify HS256 only", func(t *testing.T) {
		short := testkeys.HMAC(t)[:32]
		src, err := keysource.StaticFromSecret(short)
		require.NoError(t, err)
		assert.True(t, verifies(t, src, testkeys.Sign(t, "HS256", short, nil, []byte(`{}`))))
		assert.False(t, verifies(t, src, testkeys.Sign(t, "HS512", short, nil, []byte(`{}`))))
	})
}

func TestStaticFromPublicKeys(t *testing.T) {
	src, err := keysource.StaticFromPublicKeys(&testkeys.RSA2048(t).PublicKey, &testkeys.P256(t).PublicKey, testkeys.Ed25519(t).Public())
	require.NoError(t, err)
	set, err := src.Keys(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 3, set.Len())
	assert.True(t, verifies(t, src, testkeys.Sign(t, "EdDSA", testkeys.Ed25519(t), nil, []byte(`{}`))))

	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	pub := &testkeys.RSA2048(t).PublicKey
	tests := []struct {
		name  string
		pubs  []crypto.PublicKey
		index int
		rule  string
	}{
		{"RSA private key", []crypto.PublicKey{testkeys.RSA2048(t)}, 0, "private-key"},
		{"EC private key", []crypto.PublicKey{pub, testkeys.P256(t)}, 1, "private-key"},
		{"Ed25519 private key", []crypto.PublicKey{testkeys.Ed25519(t)}, 0, "private-key"},
		{"HMAC secret", []crypto.PublicKey{pub, testkeys.HMAC(t)}, 1, "type"},
		{"HMAC secret, jose type", []crypto.PublicKey{jose.HMACSecret(testkeys.HMAC(t))}, 0, "type"},
		{"nil", []crypto.PublicKey{nil}, 0, "type"},
		{"RSA 1024 bits", []crypto.PublicKey{pub, &small.PublicKey}, 1, "rsa-min-bits"},
		{"a value, not a pointer", []crypto.PublicKey{*pub}, 0, "type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := keysource.StaticFromPublicKeys(tt.pubs...)
			assert.Nil(t, src)
			ke := requireKeyError(t, err, "", tt.rule)
			assert.Equal(t, tt.index, ke.Index)
		})
	}

	t.Run("none", func(t *testing.T) {
		_, err := keysource.StaticFromPublicKeys()
		assert.ErrorIs(t, err, keysource.ErrNoKeys)
	})
	t.Run("same key twice", func(t *testing.T) {
		src, err := keysource.StaticFromPublicKeys(pub, pub)
		require.NoError(t, err, "keys without kid may repeat")
		assert.NotNil(t, src)
	})
}
