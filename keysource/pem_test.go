package keysource_test

import (
	"bytes"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
)

func pemOf(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func pkixPEM(t *testing.T, pub any) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	return pemOf("PUBLIC KEY", der)
}

func TestParsePEM(t *testing.T) {
	rsa2048 := &testkeys.RSA2048(t).PublicKey
	p256 := &testkeys.P256(t).PublicKey
	tests := []struct {
		name string
		data []byte
		want []any
	}{
		{"PKIX RSA", testkeys.Read(t, "rsa2048.pub.pem"), []any{rsa2048}},
		{"PKIX RSA 3072", testkeys.Read(t, "rsa3072.pub.pem"), []any{&testkeys.RSA3072(t).PublicKey}},
		{"PKCS #1 RSA PUBLIC KEY", testkeys.Read(t, "rsa2048.pkcs1.pub.pem"), []any{rsa2048}},
		{"PKIX P-256", testkeys.Read(t, "p256.pub.pem"), []any{p256}},
		{"PKIX P-384", testkeys.Read(t, "p384.pub.pem"), []any{&testkeys.P384(t).PublicKey}},
		{"PKIX Ed25519", testkeys.Read(t, "ed25519.pub.pem"), []any{testkeys.Ed25519(t).Public()}},
		{"two blocks", testkeys.Read(t, "multi.pub.pem"), []any{rsa2048, p256}},
		{"CERTIFICATE", testkeys.Read(t, "cert.pem"), []any{rsa2048}},
		{
			name: "text around blocks, CRLF line ends",
			data: bytes.Join([][]byte{
				[]byte("subject=CN = jwtguard test\n"),
				testkeys.Read(t, "cert.pem"),
				[]byte("\n# the current key:\n"),
				bytes.ReplaceAll(testkeys.Read(t, "p256.pub.pem"), []byte("\n"), []byte("\r\n")),
				[]byte("-----END OF FILE\n"),
			}, nil),
			want: []any{rsa2048, p256},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, err := keysource.ParsePEM(tt.data)
			require.NoError(t, err)
			require.Len(t, keys, len(tt.want))
			for i, k := range keys {
				assert.Empty(t, k.ID())
				assert.Empty(t, k.Algorithm())
				assert.True(t, tt.want[i].(interface{ Equal(crypto.PublicKey) bool }).Equal(k.Public()), "key #%d", i)
			}
		})
	}
}

// TestParsePEMExpiredCertificate: only the certificate's key is used, not
// its dates or chain.
func TestParsePEMExpiredCertificate(t *testing.T) {
	key := testkeys.P256(t)
	ca := testkeys.RSA2048(t)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7),
		Subject:      pkix.Name{CommonName: "expired"},
		NotBefore:    time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	parent := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "unknown CA"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, ca)
	require.NoError(t, err)
	keys, err := keysource.ParsePEM(pemOf("CERTIFICATE", der))
	require.NoError(t, err)
	require.Len(t, keys, 1)
	assert.True(t, key.PublicKey.Equal(keys[0].Public()))
}

func TestParsePEMRefuses(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	p224, err := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	require.NoError(t, err)
	x25519, err := ecdh.X25519().GenerateKey(rand.Reader)
	require.NoError(t, err)
	pub := testkeys.Read(t, "rsa2048.pub.pem")
	smallCert, err := x509.CreateCertificate(rand.Reader,
		&x509.Certificate{SerialNumber: big.NewInt(1), NotAfter: time.Now().Add(time.Hour)},
		&x509.Certificate{SerialNumber: big.NewInt(1)}, &small.PublicKey, small)
	require.NoError(t, err)
	ecDER, err := x509.MarshalECPrivateKey(testkeys.P256(t))
	require.NoError(t, err)
	truncated := testkeys.Read(t, "p256.pub.pem")
	truncated = truncated[:len(truncated)-20]

	tests := []struct {
		name      string
		data      []byte
		index     int
		rule      string
		malformed bool
	}{
		{name: "PKCS #8 RSA private key", data: testkeys.Read(t, "rsa2048.pem"), rule: "private-key"},
		{name: "PKCS #8 EC private key", data: testkeys.Read(t, "p256.pem"), rule: "private-key"},
		{name: "PKCS #8 Ed25519 private key", data: testkeys.Read(t, "ed25519.pem"), rule: "private-key"},
		{name: "PKCS #1 RSA PRIVATE KEY", data: pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(small)), rule: "private-key"},
		{name: "SEC 1 EC PRIVATE KEY", data: pemOf("EC PRIVATE KEY", ecDER), rule: "private-key"},
		{name: "ENCRYPTED PRIVATE KEY", data: pemOf("ENCRYPTED PRIVATE KEY", []byte{1, 2, 3}), rule: "private-key"},
		{name: "OPENSSH PRIVATE KEY", data: pemOf("OPENSSH PRIVATE KEY", []byte{1, 2, 3}), rule: "private-key"},
		{name: "private key after a public key", data: append(bytes.Clone(pub), testkeys.Read(t, "rsa2048.pem")...), index: 1, rule: "private-key"},
		{name: "other block type", data: pemOf("DH PARAMETERS", []byte{1}), rule: "pem-type", malformed: true},
		{name: "certificate request", data: pemOf("CERTIFICATE REQUEST", []byte{1}), rule: "pem-type", malformed: true},
		{name: "garbage in PUBLIC KEY", data: pemOf("PUBLIC KEY", []byte("garbage")), rule: "malformed", malformed: true},
		{name: "garbage in RSA PUBLIC KEY", data: pemOf("RSA PUBLIC KEY", []byte("garbage")), rule: "malformed", malformed: true},
		{name: "garbage in CERTIFICATE", data: pemOf("CERTIFICATE", []byte("garbage")), rule: "malformed", malformed: true},
		{name: "PKIX key in RSA PUBLIC KEY", data: pemOf("RSA PUBLIC KEY", pem.EncodeToMemory(&pem.Block{})), rule: "malformed", malformed: true},
		{name: "truncated second block", data: append(bytes.Clone(pub), truncated...), index: 1, rule: "malformed", malformed: true},
		{name: "broken first block before a good one", data: append([]byte("-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----\n"), pub...), rule: "malformed", malformed: true},
		{name: "RSA 1024 bits", data: pkixPEM(t, &small.PublicKey), rule: "rsa-min-bits"},
		{name: "RSA 1024 bits, PKCS #1", data: pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&small.PublicKey)), rule: "rsa-min-bits"},
		{name: "certificate with an RSA 1024 key", data: pemOf("CERTIFICATE", smallCert), rule: "rsa-min-bits"},
		{name: "RSA exponent 1", data: pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&rsa.PublicKey{N: testkeys.RSA2048(t).N, E: 1})), rule: "rsa-exponent"},
		{name: "RSA ROCA form", data: pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&rsa.PublicKey{N: rocaModulus(t), E: 65537})), rule: "rsa-roca"},
		{name: "P-224", data: pkixPEM(t, &p224.PublicKey), rule: "ec-curve"},
		{name: "X25519", data: pkixPEM(t, x25519.PublicKey()), rule: "type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, err := keysource.ParsePEM(tt.data)
			assert.Nil(t, keys)
			ke := requireKeyError(t, err, "", tt.rule)
			assert.Equal(t, tt.index, ke.Index)
			if tt.malformed {
				assert.ErrorIs(t, err, keysource.ErrMalformed)
			} else {
				assert.NotErrorIs(t, err, keysource.ErrMalformed)
			}
		})
	}
}

func TestParsePEMJoinsErrors(t *testing.T) {
	data := bytes.Join([][]byte{
		testkeys.Read(t, "rsa2048.pub.pem"),
		testkeys.Read(t, "rsa2048.pem"),
		pemOf("DH PARAMETERS", []byte{1}),
	}, nil)
	_, err := keysource.ParsePEM(data)
	require.ErrorIs(t, err, keysource.ErrMalformed)
	require.ErrorIs(t, err, keysource.ErrInvalidKey)
	assert.Contains(t, err.Error(), "(#1) refused (private-key)")
	assert.Contains(t, err.Error(), "(#2) refused (pem-type)")
}

func TestParsePEMNoBlocks(t *testing.T) {
	der, err := x509.MarshalPKIXPublicKey(&testkeys.RSA2048(t).PublicKey)
	require.NoError(t, err)
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"text", []byte("no key here\n")},
		{"DER", der},
		{"JWK Set", testkeys.Read(t, "jwks.json")},
		{"END only", []byte("-----END PUBLIC KEY-----\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, err := keysource.ParsePEM(tt.data)
			require.ErrorIs(t, err, keysource.ErrMalformed)
			assert.Nil(t, keys)
		})
	}
}
