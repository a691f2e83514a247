package jose_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/jose"
	"github.com/jwtguard/jwtguard/internal/testkeys"
)

func TestParseAlg(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want jose.Alg
		ok   bool
	}{
		{name: "RS256", in: "RS256", want: jose.RS256, ok: true},
		{name: "EdDSA, polymorphic", in: "EdDSA", want: jose.EdDSA, ok: true},
		{name: "Ed25519, fully specified", in: "Ed25519", want: jose.Ed25519, ok: true},
		{name: "Ed448 has no Go implementation", in: "Ed448"},
		{name: "case matters", in: "ed25519"},
		{name: "curve name with a space", in: "Ed25519 "},
		{name: "none", in: "none"},
		{name: "empty", in: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := jose.ParseAlg(tt.in)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
			if ok {
				assert.Equal(t, tt.in, got.String(), "String gives the name back")
			}
		})
	}
}

func TestAllAlgsRoundTrip(t *testing.T) {
	for _, a := range jose.AllAlgs() {
		t.Run(a.String(), func(t *testing.T) {
			got, ok := jose.ParseAlg(a.String())
			require.True(t, ok)
			assert.Equal(t, a, got)
		})
	}
	assert.Contains(t, jose.AllAlgs(), jose.Ed25519)
}

func TestUnsupportedReason(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		contain string // "" when no reason is known
	}{
		{name: "Ed448", in: "Ed448", contain: "no implementation in Go"},
		{name: "supported name", in: "Ed25519"},
		{name: "unknown name", in: "XS999"},
		{name: "none", in: "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := jose.UnsupportedReason(tt.in)
			if tt.contain == "" {
				assert.Empty(t, got)
				return
			}
			assert.Contains(t, got, tt.contain)
		})
	}
}

func TestSameOperation(t *testing.T) {
	tests := []struct {
		name string
		a, b jose.Alg
		want bool
	}{
		{name: "same name", a: jose.RS256, b: jose.RS256, want: true},
		{name: "EdDSA key, Ed25519 token", a: jose.EdDSA, b: jose.Ed25519, want: true},
		{name: "Ed25519 key, EdDSA token", a: jose.Ed25519, b: jose.EdDSA, want: true},
		{name: "Ed25519 both", a: jose.Ed25519, b: jose.Ed25519, want: true},
		{name: "PS256 key, PS384 token (Wycheproof 346)", a: jose.PS256, b: jose.PS384},
		{name: "ES256 key, ES512 token", a: jose.ES256, b: jose.ES512},
		{name: "Ed25519 key, RS256 token", a: jose.Ed25519, b: jose.RS256},
		{name: "HS256 key, Ed25519 token", a: jose.HS256, b: jose.Ed25519},
		{name: "unknown is nothing", a: jose.AlgUnknown, b: jose.Ed25519},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.a.SameOperation(tt.b))
		})
	}
}

func TestEd25519Fits(t *testing.T) {
	ed := testkeys.Ed25519(t).Public().(ed25519.PublicKey)
	tests := []struct {
		name string
		alg  jose.Alg
		key  any
		want bool
	}{
		{name: "Ed25519 with an Ed25519 key", alg: jose.Ed25519, key: ed, want: true},
		{name: "EdDSA with an Ed25519 key", alg: jose.EdDSA, key: ed, want: true},
		{name: "Ed25519 with an RSA key", alg: jose.Ed25519, key: &testkeys.RSA2048(t).PublicKey},
		{name: "Ed25519 with a P-256 key", alg: jose.Ed25519, key: &testkeys.P256(t).PublicKey},
		{name: "Ed25519 with an HMAC secret", alg: jose.Ed25519, key: jose.HMACSecret(make([]byte, 64))},
		{name: "Ed25519 with a short key", alg: jose.Ed25519, key: ed[:31]},
		{name: "ES256 with an Ed25519 key", alg: jose.ES256, key: ed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.alg.Fits(tt.key))
		})
	}
}

func TestVerifySignatureEd25519(t *testing.T) {
	priv := testkeys.Ed25519(t)
	pub := priv.Public().(ed25519.PublicKey)
	const input = "eyJhbGciOiJFZDI1NTE5In0.e30"
	sig := ed25519.Sign(priv, []byte(input))
	_, other, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	tests := []struct {
		name string
		alg  jose.Alg
		key  any
		in   string
		sig  []byte
		want error
	}{
		{name: "Ed25519", alg: jose.Ed25519, key: pub, in: input, sig: sig},
		{name: "EdDSA, same signature", alg: jose.EdDSA, key: pub, in: input, sig: sig},
		{name: "Ed25519, other input", alg: jose.Ed25519, key: pub, in: input + "x", sig: sig, want: jose.ErrSignature},
		{name: "Ed25519, other key", alg: jose.Ed25519, key: other.Public(), in: input, sig: sig, want: jose.ErrSignature},
		{name: "Ed25519, short signature", alg: jose.Ed25519, key: pub, in: input, sig: sig[:63], want: jose.ErrSignature},
		{name: "Ed25519, RSA key", alg: jose.Ed25519, key: &testkeys.RSA2048(t).PublicKey, in: input, sig: sig, want: jose.ErrKeyMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := jose.VerifySignature(tt.alg, tt.key, tt.in, tt.sig)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
		})
	}
}
