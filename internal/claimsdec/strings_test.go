package claimsdec

import (
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// refStr is str read a byte at a time, as it was before the 8-byte scan:
// the reference TestStr holds str to.
func refStr(d *dec) (string, error) {
	d.i++ // the quote
	start := d.i
	ascii := true
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			s := d.b[start:d.i]
			d.i++
			if !ascii && !utf8.Valid(s) {
				return "", ErrSyntax
			}
			return string(s), nil
		case c == '\\':
			return d.escaped(start)
		case c < 0x20:
			return "", ErrSyntax
		case c >= 0x80:
			ascii = false
		}
		d.i++
	}
	return "", ErrSyntax
}

// TestStr compares str with refStr on strings built from plain bytes and
// every kind of byte that ends the 8-byte scan, at every offset within
// and across words, with and without the closing quote.
func TestStr(t *testing.T) {
	pieces := []string{
		"a", "abcdefgh", `"`, `\"`, `\\`, `\n`, `\u00e9`, `\ud83d\ude00`, `\ud800`, `\x`, "\x00", "\x1f", "\x7f",
		" ", "é", "\xe9", "\xff", "😀", "\xf0\x9f\x98", "!", "#", "[", "]", "\x20", "\x5b", "\x5d",
	}
	rng := rand.New(rand.NewPCG(7, 11))
	for n := range 20000 {
		in := []byte{'"'}
		in = append(in, make([]byte, n%11)...)
		for j := 1; j < len(in); j++ {
			in[j] = 'p'
		}
		for range rng.IntN(5) {
			in = append(in, pieces[rng.IntN(len(pieces))]...)
		}
		if rng.IntN(4) > 0 {
			in = append(in, '"')
		}
		in = append(in, []byte(`,"x"`)[:rng.IntN(5)]...)
		got := dec{b: in}
		want := dec{b: in}
		gs, gerr := got.str()
		ws, werr := refStr(&want)
		if gerr != werr || gs != ws || (werr == nil && got.i != want.i) {
			t.Fatalf("str(%q) = %q, %v at %d; want %q, %v at %d", in, gs, gerr, got.i, ws, werr, want.i)
		}
	}
}
