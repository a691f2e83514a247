package keysource

import (
	"crypto/sha256"
	"fmt"

	"github.com/jwtguard/jwtguard/internal/jose"
)

// Set is an immutable snapshot of verification keys. Lookups take no lock and
// do not allocate. A Set never mixes HMAC secrets with asymmetric keys, and no
// two of its keys share a non-empty kid.
type Set struct {
	keys    []*Key
	byID    map[string]*Key
	noID    []*Key
	prints  map[[sha256.Size]byte]*Key
	members map[*Key]struct{}
}

// NewSet builds a Set from checked keys. It fails with ErrNoKeys for no keys,
// ErrMixedKeys when HMAC secrets and asymmetric keys are mixed, and
// ErrDuplicateKID when two keys share a kid.
func NewSet(keys ...*Key) (*Set, error) {
	if len(keys) == 0 {
		return nil, ErrNoKeys
	}
	s := &Set{
		keys:    make([]*Key, 0, len(keys)),
		byID:    make(map[string]*Key, len(keys)),
		prints:  make(map[[sha256.Size]byte]*Key, len(keys)),
		members: make(map[*Key]struct{}, len(keys)),
	}
	for i, k := range keys {
		if k == nil {
			return nil, fmt.Errorf("%w: key #%d is nil", ErrNoKeys, i)
		}
		if k.Symmetric() != keys[0].Symmetric() {
			return nil, fmt.Errorf("%w (key #%d %q)", ErrMixedKeys, i, k.id)
		}
		if k.id != "" {
			if _, dup := s.byID[k.id]; dup {
				return nil, fmt.Errorf("%w: %q", ErrDuplicateKID, k.id)
			}
			s.byID[k.id] = k
		} else {
			s.noID = append(s.noID, k)
		}
		s.keys = append(s.keys, k)
		if _, seen := s.prints[k.print]; !seen {
			s.prints[k.print] = k
		}
		s.members[k] = struct{}{}
	}
	return s, nil
}

// Len returns the number of keys.
func (s *Set) Len() int { return len(s.keys) }

// Keys returns the keys in their original order. The slice is a copy.
func (s *Set) Keys() []*Key { return append([]*Key(nil), s.keys...) }

// KeyIDs returns the kids of the keys that have one, in order.
func (s *Set) KeyIDs() []string {
	ids := make([]string, 0, len(s.byID))
	for _, k := range s.keys {
		if k.id != "" {
			ids = append(ids, k.id)
		}
	}
	return ids
}

// Symmetric reports whether the set holds HMAC secrets.
func (s *Set) Symmetric() bool { return len(s.keys) > 0 && s.keys[0].Symmetric() }

// ByID returns the key with the given kid, or nil.
func (s *Set) ByID(kid string) *Key { return s.byID[kid] }

// WithoutID returns the keys that have no kid. The caller must not modify the
// returned slice.
func (s *Set) WithoutID() []*Key { return s.noID }

// Contains reports whether k itself, or a key with the same material, is in
// the set. The verifier's cache uses it to drop tokens whose key has left.
func (s *Set) Contains(k *Key) bool { return s.Current(k) != nil }

// Current returns the set's key that is k itself or holds the same key
// material, or nil. A key can stay in a set across refreshes with other
// attributes (a new kid, an alg restriction): the verifier's cache checks
// the current one still fits the token.
func (s *Set) Current(k *Key) *Key {
	if k == nil {
		return nil
	}
	if _, ok := s.members[k]; ok {
		return k
	}
	return s.prints[k.print]
}

// ServesTokensWithoutKID reports whether a token without kid may be tried
// against the set: it holds keys without kid (a PEM document's), or exactly
// one key. A set of several keys that all have a kid is never searched for
// the key of a token that names none.
func (s *Set) ServesTokensWithoutKID() bool { return len(s.noID) > 0 || len(s.keys) == 1 }

// Candidates returns the keys that may verify a token with the given kid and
// algorithm, and whether the kid named a key that does not fit alg. A kid
// selects the key with that kid; when no key has it, the keys without a kid
// are the candidates (a PEM source's keys have none). A token without kid is
// tried against the keys without kid that fit, or, when the set has none,
// against its only key if it has exactly one and that key fits; against a
// set of several keys with kids it has no candidate, so that it costs one
// signature check (per key without kid), never one per key of the set. The
// caller must not modify the slice; buf, when its capacity suffices, holds
// the result without allocating.
func (s *Set) Candidates(kid string, alg jose.Alg, buf []*Key) (keys []*Key, mismatch bool) {
	keys = buf[:0]
	if k := s.byID[kid]; kid != "" && k != nil {
		if !k.Fits(alg) {
			return keys, true
		}
		return append(keys, k), false
	}
	for _, k := range s.noID {
		if k.Fits(alg) {
			keys = append(keys, k)
		}
	}
	if kid == "" && len(s.noID) == 0 && len(s.keys) == 1 && s.keys[0].Fits(alg) {
		keys = append(keys, s.keys[0])
	}
	return keys, false
}
