package verify

import "github.com/jwtguard/jwtguard/keysource"

// keyEpoch numbers a key set a Verifier's cache hits have met, so that an
// entry remembers which set last confirmed its key without holding on to
// the set.
//
// A *keysource.Set is immutable, and so is a *keysource.Key: whether a set
// still offers an entry's key material among the candidates for its
// token's kid and algorithm cannot change while the source hands out the
// same set. A hit therefore checks the key (keyIsCandidate) only when the
// source's set is not the one that confirmed the entry last; otherwise it
// compares two numbers. The numbers only grow (each new set gets the next
// one, installed by compare-and-swap), so one number never stands for two
// sets.
type keyEpoch struct {
	set *keysource.Set
	n   uint64 // from 1; an entry's mark of 0 means never confirmed
}

// keyStands reports whether the key that verified the entry's token is
// still one set would try for it (see keyIsCandidate). It writes shared
// memory only when set is new to the Verifier (once per key set) or to the
// entry (once per entry and set).
func (v *Verifier[C]) keyStands(it *cacheItem[cacheEntry[C]], set *keysource.Set) bool {
	ep := v.epoch.Load()
	if ep == nil || ep.set != set {
		ep = v.enterEpoch(ep, set)
	}
	if it.mark.Load() == ep.n {
		return true
	}
	if !keyIsCandidate(set, &it.val) {
		return false
	}
	it.mark.Store(ep.n)
	return true
}

// keyIsCandidate reports whether set offers the entry's key material among
// the keys a fresh verification of its token would try (Set.Candidates for
// its kid and algorithm, each fitting the algorithm): then the signature
// that key verified verifies again, and the hit answers as a fresh
// verification would. Matching the material alone would accept what a
// fresh verification refuses: a kid renamed upstream, or a token without
// kid once the set holds several keys that all have one.
func keyIsCandidate[C any](set *keysource.Set, e *cacheEntry[C]) bool {
	var buf [4]*keysource.Key
	cands, mismatch := set.Candidates(e.kid, e.alg, buf[:0])
	if mismatch {
		return false
	}
	for _, k := range cands {
		if k == e.key || k.SameMaterial(e.key) {
			return true
		}
	}
	return false
}

// enterEpoch makes set the Verifier's current key set and returns its
// epoch. old is the epoch last loaded.
func (v *Verifier[C]) enterEpoch(old *keyEpoch, set *keysource.Set) *keyEpoch {
	for {
		next := &keyEpoch{set: set, n: 1}
		if old != nil {
			next.n = old.n + 1
		}
		if v.epoch.CompareAndSwap(old, next) {
			return next
		}
		if old = v.epoch.Load(); old.set == set {
			return old
		}
	}
}
