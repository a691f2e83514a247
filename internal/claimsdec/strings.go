package claimsdec

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// special returns, for the eight bytes of x (the first in the low bits),
// a word whose lowest set bit is the high bit of the first byte that is a
// quote, a backslash, a control character or, when hi is highs, a byte
// of 0x80 or more; 0 when there is none. (The has-zero-byte tests may
// also mark bytes after a true find, never before one.)
func special(x, hi uint64) uint64 {
	q := x ^ (ones * '"')
	bs := x ^ (ones * '\\')
	return ((q-ones)&^q|(bs-ones)&^bs|(x-ones*0x20)&^x)&highs | x&hi
}

// stop returns the index of the first byte of b at or after i that is a
// quote, a backslash, a control character or, when hi is highs, a byte of
// 0x80 or more; len(b) when there is none.
func stop(b []byte, i int, hi uint64) int {
	for ; i+8 <= len(b); i += 8 {
		if m := special(binary.LittleEndian.Uint64(b[i:]), hi); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == '"' || c == '\\' || c < 0x20 || c >= 0x80 && hi != 0 {
			return i
		}
	}
	return i
}

// plainASCII returns, for the eight bytes of x (the first in the low
// bits), a word whose lowest set bit is the high bit of the first byte
// that is not plain printable ASCII: a quote, a backslash, a control
// character or a byte of 0x80 or more; 0 when all eight are plain. Plain
// bytes neither borrow nor set a high bit in any of the four terms, so
// the lowest set bit is exact; bits above it mean nothing.
func plainASCII(x uint64) uint64 {
	q := (x ^ (ones * '"')) - ones
	bs := (x ^ (ones * '\\')) - ones
	ctl := x - ones*0x20
	return (q | bs | ctl | x) & highs
}

// str reads a string; d.b[d.i] is its opening quote.
func (d *dec) str() (string, error) {
	b := d.b
	start := d.i + 1
	i := start
	// The common case: printable ASCII up to the closing quote.
	for i+8 <= len(b) {
		if m := plainASCII(binary.LittleEndian.Uint64(b[i : i+8])); m != 0 {
			i += bits.TrailingZeros64(m) >> 3
			if b[i] == '"' {
				d.i = i + 1
				return unsafe.String(&b[start], i-start), nil
			}
			break
		}
		i += 8
	}
	hi := uint64(highs) // 0 once a byte of 0x80 or more was met
	for {
		i = stop(b, i, hi)
		if i >= len(b) {
			d.i = i
			return "", ErrSyntax
		}
		switch c := b[i]; {
		case c == '"':
			s := b[start:i]
			d.i = i + 1
			if hi == 0 && !utf8.Valid(s) {
				return "", ErrSyntax
			}
			if len(s) == 0 {
				return "", nil
			}
			return unsafe.String(&s[0], len(s)), nil
		case c == '\\':
			d.i = i
			return d.escaped(start)
		case c < 0x20:
			d.i = i
			return "", ErrSyntax
		default: // 0x80 or more: check the whole string's UTF-8 at its end
			hi = 0
			i++
		}
	}
}

// escaped is str's slow path: d.b[start:d.i] is plain and d.b[d.i] is a
// backslash.
func (d *dec) escaped(start int) (string, error) {
	out := make([]byte, 0, d.i-start+16)
	plain := d.b[start:d.i]
	if !utf8.Valid(plain) {
		return "", ErrSyntax
	}
	out = append(out, plain...)
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			return string(out), nil
		case c < 0x20:
			return "", ErrSyntax
		case c == '\\':
			if d.i+1 >= len(d.b) {
				return "", ErrSyntax
			}
			e := d.b[d.i+1]
			d.i += 2
			switch e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, ok := d.hex4()
				if !ok {
					return "", ErrSyntax
				}
				if utf16.IsSurrogate(r) {
					// Only a high surrogate followed by an escaped low one
					// makes a character; anything else is invalid UTF-8.
					if r >= 0xdc00 || d.i+1 >= len(d.b) || d.b[d.i] != '\\' || d.b[d.i+1] != 'u' {
						return "", ErrSyntax
					}
					d.i += 2
					lo, ok := d.hex4()
					if !ok {
						return "", ErrSyntax
					}
					r = utf16.DecodeRune(r, lo)
					if r == utf8.RuneError {
						return "", ErrSyntax
					}
				}
				out = utf8.AppendRune(out, r)
			default:
				return "", ErrSyntax
			}
		default:
			// Copy the plain run up to the next quote, backslash or
			// control character, checking its UTF-8.
			j := d.i
			for j < len(d.b) && d.b[j] != '"' && d.b[j] != '\\' && d.b[j] >= 0x20 {
				j++
			}
			if !utf8.Valid(d.b[d.i:j]) {
				return "", ErrSyntax
			}
			out = append(out, d.b[d.i:j]...)
			d.i = j
		}
	}
	return "", ErrSyntax
}

func (d *dec) hex4() (rune, bool) {
	if d.i+4 > len(d.b) {
		return 0, false
	}
	var r rune
	for _, c := range d.b[d.i : d.i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	d.i += 4
	return r, true
}
