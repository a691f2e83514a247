package keysource_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
)

// rsaOfBits returns an RSA public key whose modulus is a random odd number
// of exactly bits bits: NewKey checks sizes and forms, not primality, and a
// real key that large would take seconds to generate.
func rsaOfBits(t *testing.T, bits int) *rsa.PublicKey {
	t.Helper()
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), uint(bits-1)))
	require.NoError(t, err)
	n.SetBit(n, bits-1, 1)
	n.SetBit(n, 0, 1)
	return &rsa.PublicKey{N: n, E: 65537}
}

// TestRSAMaxBits: an RSA modulus over 8192 bits is refused with the rule
// "rsa-max-bits", whichever way the key comes: NewKey, a JWK Set or a PEM
// document, static or remote. 8192 bits are accepted.
func TestRSAMaxBits(t *testing.T) {
	big8192, big8200 := rsaOfBits(t, keysource.MaxRSABits), rsaOfBits(t, keysource.MaxRSABits+8)
	pkcs1 := func(p *rsa.PublicKey) []byte { return pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(p)) }

	t.Run("NewKey", func(t *testing.T) {
		_, err := keysource.NewKey("big", "", big8200)
		ke := requireKeyError(t, err, "big", "rsa-max-bits")
		assert.Contains(t, ke.Detail, "8200")
		_, err = keysource.NewKey("ok", "RS256", big8192)
		require.NoError(t, err)
	})
	for _, tc := range []struct {
		name  string
		kid   string
		parse func() error
	}{
		{"StaticFromJWKS", "big", func() error {
			_, err := keysource.StaticFromJWKS(testkeys.JWKSet(t, testkeys.JWK(t, "big", "RS256", big8200)))
			return err
		}},
		{"ParseJWKS skips it", "big", func() error {
			keys, skipped, err := keysource.ParseJWKS(testkeys.JWKSet(t, testkeys.JWK(t, "big", "RS256", big8200)))
			require.NoError(t, err)
			require.Empty(t, keys)
			require.Len(t, skipped, 1)
			return skipped[0]
		}},
		{"StaticFromPEM PKIX", "", func() error { _, err := keysource.StaticFromPEM(pkixPEM(t, big8200)); return err }},
		{"StaticFromPEM PKCS #1", "", func() error { _, err := keysource.StaticFromPEM(pkcs1(big8200)); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireKeyError(t, tc.parse(), tc.kid, "rsa-max-bits")
		})
	}

	// Remote sources skip the key and serve the others.
	for _, tc := range []struct {
		name string
		doc  []byte
		open func(url string, client *http.Client) (keysource.Source, func() error, error)
	}{
		{
			name: "remote JWKS",
			doc:  testkeys.JWKSet(t, testkeys.JWK(t, "big", "RS256", big8200), testkeys.JWK(t, "ok", "RS256", testkeys.RSA2048(t))),
			open: func(url string, c *http.Client) (keysource.Source, func() error, error) {
				src, err := keysource.NewJWKS(keysource.JWKSConfig{URL: url, FetchConfig: keysource.FetchConfig{HTTPClient: c, Logger: slog.New(slog.DiscardHandler)}})
				if err != nil {
					return nil, nil, err
				}
				return src, src.Close, nil
			},
		},
		{
			name: "remote PEM",
			doc:  append(pkcs1(big8200), testkeys.Read(t, "rsa2048.pub.pem")...),
			open: func(url string, c *http.Client) (keysource.Source, func() error, error) {
				src, err := keysource.NewPEM(keysource.PEMConfig{URL: url, FetchConfig: keysource.FetchConfig{HTTPClient: c, Logger: slog.New(slog.DiscardHandler)}})
				if err != nil {
					return nil, nil, err
				}
				return src, src.Close, nil
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(tc.doc) }))
			defer srv.Close()
			src, closeSrc, err := tc.open(srv.URL, srv.Client())
			require.NoError(t, err)
			defer func() { _ = closeSrc() }()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			set, err := src.Keys(ctx)
			require.NoError(t, err)
			require.Equal(t, 1, set.Len())
			assert.Equal(t, 2048, set.Keys()[0].Public().(*rsa.PublicKey).N.BitLen())
		})
	}
}

// TestPEMMaxBlocks: a PEM document of more than MaxPEMBlocks blocks is
// refused as a whole (ErrMalformed), as a JWK Set of more than 1000 keys is:
// each block without kid costs a token without kid a signature check.
func TestPEMMaxBlocks(t *testing.T) {
	block := testkeys.Read(t, "p256.pub.pem")
	t.Run("at the cap", func(t *testing.T) {
		keys, err := keysource.ParsePEM(bytes.Repeat(block, keysource.MaxPEMBlocks))
		require.NoError(t, err)
		assert.Len(t, keys, keysource.MaxPEMBlocks)
	})
	t.Run("over the cap", func(t *testing.T) {
		keys, err := keysource.ParsePEM(bytes.Repeat(block, keysource.MaxPEMBlocks+1))
		require.ErrorIs(t, err, keysource.ErrMalformed)
		assert.Contains(t, err.Error(), "blocks")
		assert.Nil(t, keys)
	})
	t.Run("over the cap, static", func(t *testing.T) {
		_, err := keysource.StaticFromPEM(bytes.Repeat(block, keysource.MaxPEMBlocks+1))
		require.ErrorIs(t, err, keysource.ErrMalformed)
	})
	t.Run("over the cap, unusable blocks count", func(t *testing.T) {
		bad := pemOf("DH PARAMETERS", []byte{1})
		_, err := keysource.ParsePEM(append(bytes.Repeat(bad, keysource.MaxPEMBlocks), block...))
		require.ErrorIs(t, err, keysource.ErrMalformed)
		assert.Contains(t, err.Error(), "blocks")
	})
	t.Run("over the cap, remote", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write(bytes.Repeat(block, keysource.MaxPEMBlocks+1))
		}))
		defer srv.Close()
		src, err := keysource.NewPEM(keysource.PEMConfig{URL: srv.URL, FetchConfig: keysource.FetchConfig{HTTPClient: srv.Client(), Logger: slog.New(slog.DiscardHandler)}})
		require.NoError(t, err)
		defer src.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err = src.Keys(ctx)
		require.ErrorIs(t, err, keysource.ErrUnavailable)
		assert.Contains(t, err.Error(), "blocks")
	})
}
