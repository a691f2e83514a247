package keysource_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/jose"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
)

// requireKeyError checks that err is a *KeyError for kid and rule matching
// ErrInvalidKey, and that its message names both.
func requireKeyError(t *testing.T, err error, kid, rule string) *keysource.KeyError {
	t.Helper()
	require.ErrorIs(t, err, keysource.ErrInvalidKey)
	var ke *keysource.KeyError
	require.ErrorAs(t, err, &ke)
	assert.Equal(t, rule, ke.Rule, "rule; error: %v", err)
	assert.Equal(t, kid, ke.KID)
	assert.Contains(t, err.Error(), "("+rule+")")
	if kid != "" {
		assert.Contains(t, err.Error(), `"`+kid+`"`)
	}
	return ke
}

// rocaModulus returns a number of the form k*M + (65537^a mod M), M the
// product of the primes up to 167: it has the ROCA fingerprint, whatever its
// factors.
func rocaModulus(t *testing.T) *big.Int {
	t.Helper()
	m := big.NewInt(1)
	for p := int64(3); p <= 167; p += 2 {
		if big.NewInt(p).ProbablyPrime(0) {
			m.Mul(m, big.NewInt(p))
		}
	}
	a, err := rand.Int(rand.Reader, big.NewInt(1<<30))
	require.NoError(t, err)
	n := new(big.Int).Exp(big.NewInt(65537), a, m)
	k, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 2048-uint(m.BitLen())))
	require.NoError(t, err)
	k.SetBit(k, 2048-m.BitLen(), 1)
	n.Add(n, k.Mul(k, m))
	if n.Bit(0) == 0 {
		n.Add(n, m) // m is odd
	}
	require.GreaterOrEqual(t, n.BitLen(), 2048)
	return n
}

func TestNewKeyAccepts(t *testing.T) {
	p521, err := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	require.NoError(t, err)
	secret := testkeys.HMAC(t)
	tests := []struct {
		name      string
		kid, alg  string
		pub       any
		symmetric bool
		fits      []jose.Alg
		unfit     []jose.Alg
	}{
		{name: "RSA 2048", kid: "r", pub: &testkeys.RSA2048(t).PublicKey, fits: []jose.Alg{jose.RS256, jose.PS512}, unfit: []jose.Alg{jose.ES256, jose.HS256, jose.EdDSA}},
		{name: "RSA 3072 RS256 only", alg: "RS256", pub: &testkeys.RSA3072(t).PublicKey, fits: []jose.Alg{jose.RS256}, unfit: []jose.Alg{jose.RS384, jose.PS256}},
		{name: "P-256", alg: "ES256", pub: &testkeys.P256(t).PublicKey, fits: []jose.Alg{jose.ES256}, unfit: []jose.Alg{jose.ES384, jose.RS256}},
		{name: "P-384", pub: &testkeys.P384(t).PublicKey, fits: []jose.Alg{jose.ES384}, unfit: []jose.Alg{jose.ES256, jose.ES512}},
		{name: "P-521", pub: &p521.PublicKey, fits: []jose.Alg{jose.ES512}, unfit: []jose.Alg{jose.ES384}},
		{name: "Ed25519", alg: "EdDSA", pub: testkeys.Ed25519(t).Public(), fits: []jose.Alg{jose.EdDSA, jose.Ed25519}, unfit: []jose.Alg{jose.ES256}},
		{name: "Ed25519, fully specified alg", alg: "Ed25519", pub: testkeys.Ed25519(t).Public(), fits: []jose.Alg{jose.Ed25519, jose.EdDSA}, unfit: []jose.Alg{jose.ES256, jose.RS256, jose.HS256}},
		{name: "Ed25519 without alg", pub: testkeys.Ed25519(t).Public(), fits: []jose.Alg{jose.EdDSA, jose.Ed25519}, unfit: []jose.Alg{jose.ES256}},
		{name: "HMAC 64 bytes", pub: secret, symmetric: true, fits: []jose.Alg{jose.HS256, jose.HS384, jose.HS512}, unfit: []jose.Alg{jose.RS256}},
		{name: "HMAC 32 bytes", pub: jose.HMACSecret(secret[:32]), symmetric: true, fits: []jose.Alg{jose.HS256}, unfit: []jose.Alg{jose.HS384, jose.HS512}},
		{name: "HMAC 48 bytes HS384", alg: "HS384", pub: secret[:48], symmetric: true, fits: []jose.Alg{jose.HS384}, unfit: []jose.Alg{jose.HS256}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := keysource.NewKey(tt.kid, tt.alg, tt.pub)
			require.NoError(t, err)
			assert.Equal(t, tt.kid, k.ID())
			assert.Equal(t, tt.alg, k.Algorithm())
			assert.Equal(t, tt.symmetric, k.Symmetric())
			if tt.symmetric {
				assert.Nil(t, k.Public(), "a secret is never handed out as a public key")
				assert.IsType(t, jose.HMACSecret{}, k.Material())
			} else {
				assert.Equal(t, tt.pub, k.Public())
				assert.Equal(t, k.Public(), k.Material())
			}
			for _, a := range tt.fits {
				assert.True(t, k.Fits(a), "%s fits", a)
			}
			for _, a := range tt.unfit {
				assert.False(t, k.Fits(a), "%s does not fit", a)
			}
			again, err := keysource.NewKey("other", "", tt.pub)
			require.NoError(t, err)
			assert.True(t, k.SameMaterial(again))
			assert.False(t, k.SameMaterial(nil))
		})
	}
}

func TestNewKeyCopies(t *testing.T) {
	secret := testkeys.HMAC(t)
	hk, err := keysource.NewKey("", "", secret)
	require.NoError(t, err)
	secret[0] ^= 0xff
	assert.NotEqual(t, jose.HMACSecret(secret), hk.Material())

	src := testkeys.RSA2048(t).PublicKey
	pub := &rsa.PublicKey{N: new(big.Int).Set(src.N), E: src.E}
	rk, err := keysource.NewKey("", "", pub)
	require.NoError(t, err)
	pub.E = 1
	pub.N.SetInt64(15)
	assert.True(t, src.Equal(rk.Public()), "changing the caller's key does not change the checked one")

	ec := testkeys.P256(t).PublicKey
	ek, err := keysource.NewKey("", "", &ec)
	require.NoError(t, err)
	assert.NotSame(t, &ec, ek.Public())
	assert.True(t, ec.Equal(ek.Public()))
}

func TestNewKeyRefuses(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	n := testkeys.RSA2048(t).N
	even := new(big.Int).Add(n, big.NewInt(1))
	p256 := testkeys.P256(t).PublicKey
	offCurve := &ecdsa.PublicKey{Curve: elliptic.P256(), X: p256.X, Y: new(big.Int).Add(p256.Y, big.NewInt(1))}
	p224, err := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	require.NoError(t, err)
	secret := testkeys.HMAC(t)

	tests := []struct {
		name     string
		kid, alg string
		pub      any
		rule     string
	}{
		{"RSA 1024 bits", "r", "", &small.PublicKey, "rsa-min-bits"},
		{"RSA exponent 1", "r", "", &rsa.PublicKey{N: n, E: 1}, "rsa-exponent"},
		{"RSA exponent 2", "r", "", &rsa.PublicKey{N: n, E: 2}, "rsa-exponent"},
		{"RSA exponent even", "r", "", &rsa.PublicKey{N: n, E: 65536}, "rsa-exponent"},
		{"RSA exponent negative", "r", "", &rsa.PublicKey{N: n, E: -65537}, "rsa-exponent"},
		{"RSA modulus even", "r", "", &rsa.PublicKey{N: even, E: 65537}, "rsa-modulus"},
		{"RSA modulus missing", "r", "", &rsa.PublicKey{E: 65537}, "rsa-modulus"},
		{"RSA modulus negative", "r", "", &rsa.PublicKey{N: new(big.Int).Neg(n), E: 65537}, "rsa-modulus"},
		{"RSA ROCA form", "r", "", &rsa.PublicKey{N: rocaModulus(t), E: 65537}, "rsa-roca"},
		{"RSA nil", "r", "", (*rsa.PublicKey)(nil), "type"},
		{"EC point off the curve", "e", "", offCurve, "ec-point"},
		{"EC point missing", "e", "", &ecdsa.PublicKey{Curve: elliptic.P256()}, "ec-point"},
		{"EC P-224", "e", "", &p224.PublicKey, "ec-curve"},
		{"EC no curve", "e", "", &ecdsa.PublicKey{}, "ec-curve"},
		{"EC nil", "e", "", (*ecdsa.PublicKey)(nil), "type"},
		{"Ed25519 short", "o", "", ed25519.PublicKey(make([]byte, 31)), "ed25519-size"},
		{"HMAC empty", "h", "", []byte{}, "hmac-empty"},
		{"HMAC nil", "h", "", jose.HMACSecret(nil), "hmac-empty"},
		{"HMAC 31 bytes", "h", "", secret[:31], "hmac-min-bytes"},
		{"HMAC empty HS256", "h", "HS256", []byte{}, "hmac-empty"},
		{"HMAC 31 bytes HS256", "h", "HS256", secret[:31], "hmac-min-bytes"},
		{"HMAC 32 bytes HS384", "h", "HS384", secret[:32], "hmac-min-bytes"},
		{"HMAC 47 bytes HS384", "h", "HS384", secret[:47], "hmac-min-bytes"},
		{"HMAC 48 bytes HS512", "h", "HS512", secret[:48], "hmac-min-bytes"},
		{"HMAC 63 bytes HS512", "h", "HS512", secret[:63], "hmac-min-bytes"},
		{"alg none", "r", "none", &testkeys.RSA2048(t).PublicKey, "alg"},
		{"alg RSA-OAEP", "r", "RSA-OAEP", &testkeys.RSA2048(t).PublicKey, "alg"},
		{"alg lower case", "r", "rs256", &testkeys.RSA2048(t).PublicKey, "alg"},
		{"RSA key for ES256", "r", "ES256", &testkeys.RSA2048(t).PublicKey, "alg-mismatch"},
		{"RSA key for HS256", "r", "HS256", &testkeys.RSA2048(t).PublicKey, "alg-mismatch"},
		{"P-384 key for ES256", "e", "ES256", &testkeys.P384(t).PublicKey, "alg-mismatch"},
		{"P-256 key for ES512", "e", "ES512", &p256, "alg-mismatch"},
		{"Ed25519 key for RS256", "o", "RS256", testkeys.Ed25519(t).Public(), "alg-mismatch"},
		{"HMAC secret for RS256", "h", "RS256", secret, "alg-mismatch"},
		{"HMAC secret for EdDSA", "h", "EdDSA", secret, "alg-mismatch"},
		{"HMAC secret for Ed25519", "h", "Ed25519", secret, "alg-mismatch"},
		{"RSA key for Ed25519", "r", "Ed25519", &testkeys.RSA2048(t).PublicKey, "alg-mismatch"},
		{"P-256 key for Ed25519", "e", "Ed25519", &p256, "alg-mismatch"},
		{"alg Ed448", "o", "Ed448", testkeys.Ed25519(t).Public(), "alg"},
		{"no key", "x", "", nil, "type"},
		{"private RSA key", "x", "", testkeys.RSA2048(t), "type"},
		{"a string", "x", "", "secret", "type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := keysource.NewKey(tt.kid, tt.alg, tt.pub)
			assert.Nil(t, k)
			ke := requireKeyError(t, err, tt.kid, tt.rule)
			assert.Equal(t, -1, ke.Index)
		})
	}
}

func TestKeyErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  keysource.KeyError
		want string
	}{
		{"kid and index", keysource.KeyError{KID: "k1", Index: 2, Rule: "use-enc", Detail: "d"}, `keysource: key "k1" (#2) refused (use-enc): d`},
		{"no kid", keysource.KeyError{Index: 0, Rule: "rsa-min-bits", Detail: "d"}, `keysource: key without kid (#0) refused (rsa-min-bits): d`},
		{"no index", keysource.KeyError{KID: "k1", Index: -1, Rule: "alg", Detail: "d"}, `keysource: key "k1" refused (alg): d`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.err.Error())
			assert.True(t, errors.Is(&tt.err, keysource.ErrInvalidKey))
		})
	}
}

func TestSameMaterial(t *testing.T) {
	a, err := keysource.NewKey("a", "", &testkeys.P256(t).PublicKey)
	require.NoError(t, err)
	b, err := keysource.NewKey("b", "ES256", &testkeys.P256(t).PublicKey)
	require.NoError(t, err)
	c, err := keysource.NewKey("a", "", &testkeys.P384(t).PublicKey)
	require.NoError(t, err)
	s1, err := keysource.NewKey("", "", testkeys.HMAC(t))
	require.NoError(t, err)
	s2, err := keysource.NewKey("", "", bytes.Repeat([]byte{1}, 64))
	require.NoError(t, err)
	assert.True(t, a.SameMaterial(b), "kid and alg are not material")
	assert.False(t, a.SameMaterial(c))
	assert.False(t, s1.SameMaterial(s2))
	assert.False(t, s1.SameMaterial(a))
}
