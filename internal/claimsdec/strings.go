package claimsdec

import (
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// plain marks the bytes a string holds as they are: printable ASCII but
// the quote and the backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str reads a string; d.b[d.i] is its opening quote.
func (d *dec) str() (string, error) {
	d.i++ // the quote
	start := d.i
	ascii := true
	for d.i < len(d.b) {
		for d.i < len(d.b) && plain[d.b[d.i]] {
			d.i++
		}
		if d.i >= len(d.b) {
			break
		}
		c := d.b[d.i]
		switch {
		case c == '"':
			s := d.b[start:d.i]
			d.i++
			if !ascii && !utf8.Valid(s) {
				return "", errSyntax
			}
			if len(s) == 0 {
				return "", nil
			}
			return unsafe.String(&s[0], len(s)), nil
		case c == '\\':
			return d.escaped(start)
		case c < 0x20:
			return "", errSyntax
		case c >= 0x80:
			ascii = false
		}
		d.i++
	}
	return "", errSyntax
}

// escaped is str's slow path: d.b[start:d.i] is plain and d.b[d.i] is a
// backslash.
func (d *dec) escaped(start int) (string, error) {
	out := make([]byte, 0, d.i-start+16)
	plain := d.b[start:d.i]
	if !utf8.Valid(plain) {
		return "", errSyntax
	}
	out = append(out, plain...)
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			return string(out), nil
		case c < 0x20:
			return "", errSyntax
		case c == '\\':
			if d.i+1 >= len(d.b) {
				return "", errSyntax
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
					return "", errSyntax
				}
				if utf16.IsSurrogate(r) {
					// Only a high surrogate followed by an escaped low one
					// makes a character; anything else is invalid UTF-8.
					if r >= 0xdc00 || d.i+1 >= len(d.b) || d.b[d.i] != '\\' || d.b[d.i+1] != 'u' {
						return "", errSyntax
					}
					d.i += 2
					lo, ok := d.hex4()
					if !ok {
						return "", errSyntax
					}
					r = utf16.DecodeRune(r, lo)
					if r == utf8.RuneError {
						return "", errSyntax
					}
				}
				out = utf8.AppendRune(out, r)
			default:
				return "", errSyntax
			}
		default:
			// Copy the plain run up to the next quote, backslash or
			// control character, checking its UTF-8.
			j := d.i
			for j < len(d.b) && d.b[j] != '"' && d.b[j] != '\\' && d.b[j] >= 0x20 {
				j++
			}
			if !utf8.Valid(d.b[d.i:j]) {
				return "", errSyntax
			}
			out = append(out, d.b[d.i:j]...)
			d.i = j
		}
	}
	return "", errSyntax
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
