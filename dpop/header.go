package dpop

import (
	"crypto/rsa"
	"fmt"
	"strings"
	"sync"

	"github.com/jwtguard/jwtguard/internal/jose"
	"github.com/jwtguard/jwtguard/keysource"
)

// proofKey is a proof's "jwk" after parsing and the key rules.
type proofKey struct {
	key *keysource.Key
	jkt string
}

// headerCacheSize bounds the entries of a headerCache, and
// maxCachedHeader the length of a header segment it keeps: at most 2 MiB.
const (
	headerCacheSize = 1024
	maxCachedHeader = 2 << 10
)

// header is a proof's protected header after every check that depends on
// the header alone: strict JSON, no forbidden members, typ, alg in the
// allow-list, and a jwk that passes the key rules and fits alg.
type header struct {
	alg     jose.Alg
	algName string
	key     *proofKey
}

// headerCache maps a proof's header segment, as sent, to its checked
// header. A client signs its proofs with one key and algorithm, so all its
// proofs share one header segment: a hit spares the base64 and JSON
// decoding, the JWK parsing, the key rules and the thumbprint. Checking a
// header is a pure function of the segment and the Checker's settings
// (the cache belongs to one Checker), so a hit gives what checking would;
// refused headers are never cached. When full, an arbitrary entry goes.
type headerCache struct {
	mu sync.RWMutex
	m  map[string]*header
}

func newHeaderCache() *headerCache { return &headerCache{m: make(map[string]*header)} }

func (hc *headerCache) get(seg string) *header {
	hc.mu.RLock()
	h := hc.m[seg]
	hc.mu.RUnlock()
	return h
}

func (hc *headerCache) put(seg string, h *header) {
	if len(seg) > maxCachedHeader {
		return
	}
	seg = strings.Clone(seg) // do not keep the whole proof alive
	hc.mu.Lock()
	if len(hc.m) >= headerCacheSize {
		for old := range hc.m {
			delete(hc.m, old)
			break
		}
	}
	hc.m[seg] = h
	hc.mu.Unlock()
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
	if rk, ok := j.Public.(*rsa.PublicKey); ok && rk.N.BitLen() > MaxRSABits {
		// A proof's key is the client's choice: a huge modulus would make
		// every signature check cost the server milliseconds.
		return nil, fmt.Errorf("%w: RSA modulus of %d bits, more than %d", ErrJWK, rk.N.BitLen(), MaxRSABits)
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
