package keysource

import "filippo.io/edwards25519"

// ed25519SmallOrder reports whether pub encodes a point of small order (the
// identity or another point of the 8-torsion subgroup, in any encoding), or
// no point at all. For such a key a signature can be made without the
// private key (R = the point, S = 0 verifies for any message), so it is the
// Ed25519 counterpart of RSA's e = 1.
func ed25519SmallOrder(pub []byte) bool {
	p, err := new(edwards25519.Point).SetBytes(pub)
	if err != nil {
		return true
	}
	return new(edwards25519.Point).MultByCofactor(p).Equal(edwards25519.NewIdentityPoint()) == 1
}
