package verify

import (
	"bytes"
	"reflect"
	"unsafe"

	"github.com/jwtguard/jwtguard/internal/claimcopy"
)

// cachedClaims are the claims of a cached token and what keeps one
// caller's change from reaching another caller.
//
// For a struct claims type, every hit returns the same *C (out): no copy,
// no allocation. The contract is that it is read-only. It cannot be
// enforced, so it is checked: ref is a private copy that is never handed
// out, and before a hit returns out (and before anything on the hit reads
// it) its bytes are compared with ref's. A caller that set any field of
// the struct (a string, a time, a slice or map header, a field of an
// embedded struct) makes the comparison fail: the entry is dropped and the
// token verified afresh, so later callers get claims decoded from the
// token, never the changed ones. Slices and maps inside are shared, as
// they were with a copy per hit: the comparison sees a new slice or map,
// not a write into one.
//
// Any other claims type (a map such as claims.Map, whose entries are its
// fields) gets a copy of ref per hit, as before.
type cachedClaims[C any] struct {
	out *C // handed to every hit; nil when copies are made
	ref *C // never handed out
}

// sharesClaims reports whether hits on a Verifier[C] share one *C: C is a
// struct type.
func sharesClaims[C any]() bool {
	return reflect.TypeFor[C]().Kind() == reflect.Struct
}

// newCachedClaims keeps copies of c, which stays the caller's.
func newCachedClaims[C any](c *C, share bool) cachedClaims[C] {
	cc := cachedClaims[C]{ref: claimcopy.Of(c)}
	if share {
		cc.out = claimcopy.Of(c)
	}
	return cc
}

// claims returns what a hit hands out: the shared *C, or a new copy.
func (cc *cachedClaims[C]) claims() *C {
	if cc.out != nil {
		return cc.out
	}
	return claimcopy.Of(cc.ref)
}

// intact reports whether the shared *C still holds the bytes it was
// stored with (always true when copies are made).
func (cc *cachedClaims[C]) intact() bool {
	if cc.out == nil {
		return true
	}
	n := unsafe.Sizeof(*cc.out)
	return bytes.Equal(
		unsafe.Slice((*byte)(unsafe.Pointer(cc.out)), n),
		unsafe.Slice((*byte)(unsafe.Pointer(cc.ref)), n),
	)
}
