package keysource

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"
)

func TestEd25519SmallOrderRefused(t *testing.T) {
	for _, tc := range []struct {
		name, hex string
	}{
		{"identity", "0100000000000000000000000000000000000000000000000000000000000000"},
		{"identity, sign bit set", "0100000000000000000000000000000000000000000000000000000000000080"},
		{"order 2 (y = -1)", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"},
		{"order 4 (y = 0)", "0000000000000000000000000000000000000000000000000000000000000000"},
		{"order 8", "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"},
		{"order 8, other", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"},
		{"non-canonical identity (y = p+1)", "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pub, err := hex.DecodeString(tc.hex)
			if err != nil {
				t.Fatal(err)
			}
			_, err = NewKey("weak", "EdDSA", ed25519.PublicKey(pub))
			var ke *KeyError
			if !errors.As(err, &ke) || ke.Rule != "ed25519-small-order" || !errors.Is(err, ErrInvalidKey) {
				t.Fatalf("NewKey = %v, want rule ed25519-small-order", err)
			}
		})
	}
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewKey("ok", "EdDSA", pub); err != nil {
		t.Fatalf("a random key was refused: %v", err)
	}
}
