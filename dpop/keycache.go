package dpop

import (
	"fmt"
	"sync"

	"github.com/jwtguard/jwtguard/internal/jose"
	"github.com/jwtguard/jwtguard/keysource"
)

// proofKey is a proof's "jwk" after parsing and the key rules.
type proofKey struct {
	key *keysource.Key
	jkt string
}

// keyCacheSize bounds the parsed keys kept. A client signs many proofs with
// one key, so a small cache spares most proofs the JWK parsing and the
// thumbprint computation.
const keyCacheSize = 4096

// keyCache maps a "jwk" header's exact JSON text to its parsed key. Parsing
// is a pure function of that text, so a hit gives what parsing would; keys
// that fail are never cached.
type keyCache struct {
	mu sync.RWMutex
	m  map[string]*proofKey
}

func newKeyCache() *keyCache { return &keyCache{m: make(map[string]*proofKey)} }

func (kc *keyCache) get(raw []byte) (*proofKey, error) {
	kc.mu.RLock()
	k, ok := kc.m[string(raw)]
	kc.mu.RUnlock()
	if ok {
		return k, nil
	}
	k, err := parseProofKey(raw)
	if err != nil {
		return nil, err
	}
	kc.mu.Lock()
	if len(kc.m) >= keyCacheSize {
		for old := range kc.m { // evict one entry, whichever the map yields
			delete(kc.m, old)
			break
		}
	}
	kc.m[string(raw)] = k
	kc.mu.Unlock()
	return k, nil
}

// parseProofKey reads a "jwk" header: strict JSON (jose.ParseJWK), public
// members only, an asymmetric key type, not marked for encryption, and a key
// that passes keysource.NewKey's rules (RSA at least 2048 bits with a sound
// exponent and no ROCA fingerprint, EC points on P-256/P-384/P-521,
// Ed25519 points not of small order).
func parseProofKey(raw []byte) (*proofKey, error) {
	j, err := jose.ParseJWK(raw)
	if j.HasPrivate {
		return nil, ErrPrivateKey
	}
	if err != nil {
		if j.Public != nil {
			// jose decoded a key that jwx refused for a reason a key rule
			// names: let the rule say which.
			if _, kerr := keysource.NewKey("", "", j.Public); kerr != nil {
				err = kerr
			}
		}
		return nil, fmt.Errorf("%w: %w", ErrJWK, err)
	}
	if j.Kty == "oct" {
		return nil, fmt.Errorf("%w: symmetric key", ErrJWK)
	}
	if j.Use != "" && j.Use != "sig" {
		return nil, fmt.Errorf("%w: key marked for use %q", ErrJWK, j.Use)
	}
	k, err := keysource.NewKey("", j.Alg, j.Public)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrJWK, err)
	}
	if k.Symmetric() {
		return nil, fmt.Errorf("%w: symmetric key", ErrJWK)
	}
	jkt, err := jose.Thumbprint(k.Public())
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrJWK, err)
	}
	return &proofKey{key: k, jkt: jkt}, nil
}
