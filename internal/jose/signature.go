package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"errors"
	"hash"
	"sync"
	"unsafe"
)

// ErrSignature is returned by VerifySignature when the signature does not
// verify, whatever the cause (wrong key, wrong length, tampered input).
var ErrSignature = errors.New("jose: signature does not verify")

// ErrKeyMismatch is returned by VerifySignature when the key cannot be used
// with the algorithm (see Alg.Fits).
var ErrKeyMismatch = errors.New("jose: key does not fit the algorithm")

var pssOptions = rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}

// VerifySignature checks sig over signingInput (the ASCII "header.payload")
// with a converted key. It calls the standard library's crypto directly: the
// same primitives jwx's jwsbb building blocks reach, without the dispatch on
// algorithm names and the allocations in between. Only the digest needs the
// input, and it is computed on the stack.
func VerifySignature(alg Alg, key any, signingInput string, sig []byte) error {
	// The input is only read, never written or kept, so it is viewed as
	// bytes without a copy.
	in := unsafe.Slice(unsafe.StringData(signingInput), len(signingInput))
	if !alg.Fits(key) {
		return ErrKeyMismatch
	}
	switch alg {
	case EdDSA, Ed25519:
		if len(sig) != ed25519.SignatureSize || !ed25519.Verify(key.(ed25519.PublicKey), in, sig) {
			return ErrSignature
		}
		return nil
	case HS256, HS384, HS512:
		return verifyHMAC(alg, key.(HMACSecret), in, sig)
	}

	// The crypto packages keep neither the digest nor the DER signature,
	// but the compiler cannot know it and would allocate both per call:
	// they live in pooled scratch space instead.
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	digest := sum(alg.Hash(), in, &sc.digest)
	switch alg {
	case RS256, RS384, RS512:
		if rsa.VerifyPKCS1v15(key.(*rsa.PublicKey), alg.Hash(), digest, sig) != nil {
			return ErrSignature
		}
	case PS256, PS384, PS512:
		if rsa.VerifyPSS(key.(*rsa.PublicKey), alg.Hash(), digest, sig, &pssOptions) != nil {
			return ErrSignature
		}
	case ES256, ES384, ES512:
		return verifyECDSA(key.(*ecdsa.PublicKey), digest, sig, &sc.der)
	default:
		return ErrKeyMismatch
	}
	return nil
}

// scratch is the memory VerifySignature lends the crypto packages.
type scratch struct {
	digest [sha512.Size]byte
	der    [2*66 + 12]byte
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func sum(h crypto.Hash, in []byte, buf *[sha512.Size]byte) []byte {
	switch h {
	case crypto.SHA256:
		s := sha256.Sum256(in)
		return append(buf[:0], s[:]...)
	case crypto.SHA384:
		s := sha512.Sum384(in)
		return append(buf[:0], s[:]...)
	default:
		s := sha512.Sum512(in)
		return append(buf[:0], s[:]...)
	}
}

// verifyECDSA checks a JWS ECDSA signature: the fixed-width concatenation
// R || S of RFC 7518 section 3.4, each exactly the curve's byte size. Any other
// length, or a DER signature, is refused before any arithmetic.
func verifyECDSA(pub *ecdsa.PublicKey, digest, sig []byte, der *[2*66 + 12]byte) error {
	size := (pub.Curve.Params().BitSize + 7) / 8
	if len(sig) != 2*size {
		return ErrSignature
	}
	if !ecdsa.VerifyASN1(pub, digest, asn1Signature(der[:0], sig[:size], sig[size:])) {
		return ErrSignature
	}
	return nil
}

// asn1Signature appends the DER SEQUENCE { INTEGER r, INTEGER s } for two
// unsigned big-endian integers. Values up to 66 bytes keep every length in
// the short form except the sequence of P-521, which takes one length byte.
func asn1Signature(dst, r, s []byte) []byte {
	r = trimZeros(r)
	s = trimZeros(s)
	body := intLen(r) + intLen(s)
	dst = append(dst, 0x30)
	if body >= 0x80 {
		dst = append(dst, 0x81)
	}
	dst = append(dst, byte(body))
	dst = appendInt(dst, r)
	return appendInt(dst, s)
}

func trimZeros(b []byte) []byte {
	for len(b) > 1 && b[0] == 0 {
		b = b[1:]
	}
	return b
}

func intLen(b []byte) int {
	n := len(b)
	if b[0]&0x80 != 0 {
		n++
	}
	return 2 + n
}

func appendInt(dst, b []byte) []byte {
	n := len(b)
	pad := b[0]&0x80 != 0
	if pad {
		n++
	}
	dst = append(dst, 0x02, byte(n))
	if pad {
		dst = append(dst, 0)
	}
	return append(dst, b...)
}

func verifyHMAC(alg Alg, secret HMACSecret, in, sig []byte) error {
	if len(sig) != alg.Hash().Size() {
		return ErrSignature
	}
	var newHash func() hash.Hash
	switch alg {
	case HS256:
		newHash = sha256.New
	case HS384:
		newHash = sha512.New384
	default:
		newHash = sha512.New
	}
	m := hmac.New(newHash, secret)
	m.Write(in)
	var buf [sha512.Size]byte
	if subtle.ConstantTimeCompare(m.Sum(buf[:0]), sig) != 1 {
		return ErrSignature
	}
	return nil
}
