package keysource

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"

	"github.com/jwtguard/jwtguard/internal/jose"
)

// Static is a Source with a fixed key set, checked and converted once, at
// construction. Its methods never block and never fail.
type Static struct {
	set *Set
}

var _ Source = (*Static)(nil)

// NewStatic returns a Static source serving keys. It fails with ErrNoKeys
// for no keys, ErrMixedKeys when HMAC secrets and asymmetric keys are mixed,
// and ErrDuplicateKID when two keys share a kid.
//
// To give a key a kid or restrict it to one algorithm, make it with NewKey:
//
//	k, err := keysource.NewKey("2024-05", "HS512", secret)
//	...
//	src, err := keysource.NewStatic(k)
func NewStatic(keys ...*Key) (*Static, error) {
	set, err := NewSet(keys...)
	if err != nil {
		return nil, err
	}
	return &Static{set: set}, nil
}

// StaticFromJWKS returns a Static source serving the keys of a JWK Set
// document. Unlike ParseJWKS it is strict, since a static set is under the
// caller's control: any key ParseJWKS would skip fails the whole set, even
// one that is only meant for another purpose ("use": "enc", "key_ops"
// without "verify", an encryption "alg"), so that no key silently goes
// missing. The error joins one *KeyError per refused key, naming its kid,
// index and rule, and matches ErrInvalidKey, and ErrMalformed or
// ErrDuplicateKID where those apply. A document that is not a JWK Set fails
// with ErrMalformed; then NewStatic's errors apply.
func StaticFromJWKS(data []byte) (*Static, error) {
	keys, skipped, err := ParseJWKS(data)
	if err != nil {
		return nil, err
	}
	if len(skipped) > 0 {
		return nil, fmt.Errorf("keysource: JWK Set has %d refused key(s): %w", len(skipped), errors.Join(skipped...))
	}
	return NewStatic(keys...)
}

// StaticFromPEM returns a Static source serving the public keys of PEM data
// (see ParsePEM for the block types and the rules). The keys have no kid: a
// token is tried against each key that fits its alg.
func StaticFromPEM(data []byte) (*Static, error) {
	keys, err := ParsePEM(data)
	if err != nil {
		return nil, err
	}
	return NewStatic(keys...)
}

// StaticFromSecret returns a Static source serving one HMAC secret, without
// kid or alg restriction: it verifies every HS algorithm the verifier allows
// whose hash is no longer than the secret (32 bytes at least, 64 for HS512).
// The secret is copied. For a kid or a single algorithm, use NewKey and
// NewStatic.
func StaticFromSecret(secret []byte) (*Static, error) {
	k, err := NewKey("", "", jose.HMACSecret(secret))
	if err != nil {
		return nil, err
	}
	return NewStatic(k)
}

// StaticFromPublicKeys returns a Static source serving public keys
// (*rsa.PublicKey, *ecdsa.PublicKey or ed25519.PublicKey) without kid or
// alg, each checked by NewKey. A private key is refused (rule
// "private-key"), and so is an HMAC secret (rule "type"; use
// StaticFromSecret). Errors are *KeyError values whose Index is the
// argument's position.
func StaticFromPublicKeys(pubs ...crypto.PublicKey) (*Static, error) {
	keys := make([]*Key, 0, len(pubs))
	for i, pub := range pubs {
		var err error
		switch pub.(type) {
		case *rsa.PrivateKey, *ecdsa.PrivateKey, ed25519.PrivateKey, crypto.Signer, crypto.Decrypter:
			err = keyErr("", rulePrivate, "%T is a private key; pass its public key", pub)
		case []byte, jose.HMACSecret:
			err = keyErr("", "type", "an HMAC secret is not a public key; use StaticFromSecret")
		default:
			var k *Key
			if k, err = NewKey("", "", pub); err == nil {
				keys = append(keys, k)
				continue
			}
		}
		return nil, withIndex(err, i)
	}
	return NewStatic(keys...)
}

// Keys returns the fixed set. It never blocks, allocates or fails.
func (s *Static) Keys(context.Context) (*Set, error) { return s.set, nil }

// Refresh returns the same set: a static source has nothing newer, which
// tells the verifier not to retry.
func (s *Static) Refresh(context.Context, RefreshHint) (*Set, error) { return s.set, nil }
