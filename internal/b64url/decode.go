package b64url

import (
	"encoding/binary"
	"errors"
)

// ErrInvalid reports input that is not canonical unpadded base64url: a byte
// outside the alphabet (line breaks included), a length with len%4 == 1, or
// non-zero trailing bits.
var ErrInvalid = errors.New("b64url: invalid base64url")

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// The tables of the 8-character step: wide[k][c] holds the six bits of
// character c at position k of a group of eight, placed so that the eight
// lookups OR together into the group's 48 bits in the top six bytes of a
// uint64, most significant first. A character outside the alphabet maps to
// wideBad, a bit in the low 16 bits that no valid character touches.
//
// The tables of the 4-character step (narrow) do the same for a group of
// four in a uint32: 24 bits in bits 0-23, narrowBad in bit 31.
const (
	wideBad   = 1
	narrowBad = 1 << 31
)

var (
	wide   [8][256]uint64
	narrow [4][256]uint32

	// Pointers the compiler cannot fold into constants, so that a loop
	// holds a table's address in one register and reaches every position's
	// table by a displacement.
	wideTables   = &wide
	narrowTables = &narrow
)

func init() {
	for k := range wide {
		for c := range wide[k] {
			wide[k][c] = wideBad
		}
	}
	for k := range narrow {
		for c := range narrow[k] {
			narrow[k][c] = narrowBad
		}
	}
	for v := 0; v < len(alphabet); v++ {
		c := alphabet[v]
		for k := range wide {
			wide[k][c] = uint64(v) << (58 - 6*k)
		}
		for k := range narrow {
			narrow[k][c] = uint32(v) << (18 - 6*k)
		}
	}
}

// DecodedLen returns the number of bytes n characters of unpadded base64url
// decode to (for a valid length: len%4 != 1).
func DecodedLen(n int) int {
	return n/4*3 + n%4*6/8
}

// AppendDecode decodes s, unpadded base64url, and appends the bytes to dst,
// growing it at most once. On success it returns the extended slice; on
// invalid input (see ErrInvalid) it returns dst with its original length
// and ErrInvalid. Either way it may have written into dst's spare capacity
// beyond len(dst): never pass a dst whose capacity another holder still
// reads. s is read in place, never copied.
func AppendDecode(dst []byte, s string) ([]byte, error) {
	if len(s)%4 == 1 {
		return dst, ErrInvalid
	}
	n := DecodedLen(len(s))
	start := len(dst)
	if cap(dst)-start < n {
		grown := make([]byte, start, start+n)
		copy(grown, dst)
		dst = grown
	}
	out := dst[start : start+n]
	j := 0
	// Eight characters make six bytes, stored as one 8-byte write whose
	// last two bytes the next write overwrites; so a step runs only while
	// its last write fits in out. The first loop takes two groups per step
	// (one check for both), the second the group left over.
	w := wideTables
	for len(s) >= 16 && len(out)-j >= 14 {
		_ = s[15]
		x := w[0][s[0]] | w[1][s[1]] | w[2][s[2]] | w[3][s[3]] |
			w[4][s[4]] | w[5][s[5]] | w[6][s[6]] | w[7][s[7]]
		y := w[0][s[8]] | w[1][s[9]] | w[2][s[10]] | w[3][s[11]] |
			w[4][s[12]] | w[5][s[13]] | w[6][s[14]] | w[7][s[15]]
		if (x|y)&wideBad != 0 {
			return dst[:start], ErrInvalid
		}
		binary.BigEndian.PutUint64(out[j:], x)
		binary.BigEndian.PutUint64(out[j+6:], y)
		s = s[16:]
		j += 12
	}
	for len(s) >= 8 && len(out)-j >= 8 {
		_ = s[7]
		x := w[0][s[0]] | w[1][s[1]] | w[2][s[2]] | w[3][s[3]] |
			w[4][s[4]] | w[5][s[5]] | w[6][s[6]] | w[7][s[7]]
		if x&wideBad != 0 {
			return dst[:start], ErrInvalid
		}
		binary.BigEndian.PutUint64(out[j:], x)
		s = s[8:]
		j += 6
	}
	t := narrowTables
	for len(s) >= 4 {
		_ = s[3]
		x := t[0][s[0]] | t[1][s[1]] | t[2][s[2]] | t[3][s[3]]
		if x&narrowBad != 0 {
			return dst[:start], ErrInvalid
		}
		_ = out[j+2]
		out[j] = byte(x >> 16)
		out[j+1] = byte(x >> 8)
		out[j+2] = byte(x)
		s = s[4:]
		j += 3
	}
	switch len(s) {
	case 2:
		// 12 bits: one byte and four bits that must be zero.
		x := t[0][s[0]] | t[1][s[1]]
		if x&(narrowBad|0xf<<12) != 0 {
			return dst[:start], ErrInvalid
		}
		out[j] = byte(x >> 16)
	case 3:
		// 18 bits: two bytes and two bits that must be zero.
		x := t[0][s[0]] | t[1][s[1]] | t[2][s[2]]
		if x&(narrowBad|0x3<<6) != 0 {
			return dst[:start], ErrInvalid
		}
		out[j] = byte(x >> 16)
		out[j+1] = byte(x >> 8)
	}
	return dst[:start+n], nil
}
