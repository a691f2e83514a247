package verify

import (
	"hash/maphash"
	"math/bits"
	"math/rand/v2"
)

// tailSeed is the secret of tokenCache's hash of a token's last hashTail
// bytes.
//
// The hash runs on every lookup, so it is a short multiply-and-fold (as
// wyhash, which the Go runtime itself uses for maps on machines without
// AES instructions) over the four words of the tail, keyed by six random
// words: about 3 ns where hash/maphash takes 7. Its output is never shown
// and picks only a bucket; the whole token is compared before any value
// is returned, so the hash can cost speed, never correctness. Tokens
// shorter than hashTail (never a JWS) are hashed with hash/maphash.
type tailSeed struct {
	k     [6]uint64
	short maphash.Seed
}

func newTailSeed() tailSeed {
	s := tailSeed{short: maphash.MakeSeed()}
	for i := range s.k {
		s.k[i] = rand.Uint64() // math/rand/v2's global source: ChaCha8, randomly seeded
	}
	return s
}

// hash returns the hash of token's last hashTail bytes.
func (s *tailSeed) hash(token string) uint64 {
	if len(token) < hashTail {
		return maphash.String(s.short, token)
	}
	t := token[len(token)-hashTail:]
	x := fold(le64(t)^s.k[0], le64(t[8:])^s.k[1])
	y := fold(le64(t[16:])^s.k[2], le64(t[24:])^s.k[3])
	return fold(x^s.k[4], y^s.k[5])
}

// fold multiplies a and b into 128 bits and folds them into 64.
func fold(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// le64 reads the first 8 bytes of s as a little-endian word (the compiler
// turns it into one load).
func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
