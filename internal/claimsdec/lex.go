package claimsdec

import (
	"strconv"
	"unsafe"
)

// dec reads one JSON text from b. Strings without escapes are returned
// without a copy: they point into b, which the caller must never change.
type dec struct {
	b []byte
	i int
	// slab backs the string slices of one decoded value, so that they
	// cost one allocation together. Each slice handed out has its length
	// as capacity: an append to it copies, never reaching a neighbour.
	slab []string
}

// slabSize is the number of strings slab holds: the aud, scope and role
// lists of a large Keycloak token.
const slabSize = 32

// carve returns a copy of list backed by slab when it fits.
func (d *dec) carve(list []string) []string {
	n := len(list)
	if n == 0 {
		return []string{} // not nil: [] is an empty list (no allocation)
	}
	if n > slabSize/2 {
		return append(make([]string, 0, n), list...)
	}
	if cap(d.slab)-len(d.slab) < n {
		d.slab = make([]string, 0, slabSize)
	}
	start := len(d.slab)
	d.slab = append(d.slab, list...)
	return d.slab[start : start+n : start+n]
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (d *dec) ws() {
	if d.i < len(d.b) && d.b[d.i] > ' ' {
		return
	}
	for d.i < len(d.b) && isSpace(d.b[d.i]) {
		d.i++
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (d *dec) peek() byte {
	d.ws()
	if d.i >= len(d.b) {
		return 0
	}
	return d.b[d.i]
}

// expect consumes c, after spaces.
func (d *dec) expect(c byte) error {
	if d.peek() != c {
		return errSyntax
	}
	d.i++
	return nil
}

// number reads a number's text (RFC 8259 grammar).
func (d *dec) number() ([]byte, error) {
	start := d.i
	b := d.b
	i := d.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	default:
		return nil, errSyntax
	}
	if i < len(b) && b[i] == '.' {
		i++
		j := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == j {
			return nil, errSyntax
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == j {
			return nil, errSyntax
		}
	}
	d.i = i
	return b[start:i], nil
}

// literal consumes the literal lit (true, false, null).
func (d *dec) literal(lit string) error {
	if len(d.b)-d.i < len(lit) || string(d.b[d.i:d.i+len(lit)]) != lit {
		return errSyntax
	}
	d.i += len(lit)
	return nil
}

// names detects duplicate member names within one object.
type names struct {
	small [8]string
	n     int
	m     map[string]struct{}
}

// add reports false when name was added before.
func (s *names) add(name string) bool {
	if s.m != nil {
		if _, dup := s.m[name]; dup {
			return false
		}
		s.m[name] = struct{}{}
		return true
	}
	for _, x := range s.small[:s.n] {
		if x == name {
			return false
		}
	}
	if s.n < len(s.small) {
		s.small[s.n] = name
		s.n++
		return true
	}
	s.m = make(map[string]struct{}, 2*len(s.small))
	for _, x := range s.small {
		s.m[x] = struct{}{}
	}
	s.m[name] = struct{}{}
	return true
}

// object reads an object whose opening brace is next, calling member for
// each member with the decoder on its value; member must consume the
// value. With track set, duplicate names are refused before member sees
// them; without, member must refuse them (with errSyntax, before reading
// the value).
func (d *dec) object(track bool, member func(name string) error) error {
	if err := d.expect('{'); err != nil {
		return err
	}
	var seen names
	if d.peek() == '}' {
		d.i++
		return nil
	}
	for {
		if d.peek() != '"' {
			return errSyntax
		}
		name, err := d.str()
		if err != nil {
			return err
		}
		if track && !seen.add(name) {
			return errSyntax
		}
		if err := d.expect(':'); err != nil {
			return err
		}
		if err := member(name); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			return nil
		default:
			return errSyntax
		}
	}
}

// array reads an array whose opening bracket is next, calling elem with the
// decoder on each element; elem must consume it.
func (d *dec) array(elem func() error) error {
	if err := d.expect('['); err != nil {
		return err
	}
	if d.peek() == ']' {
		d.i++
		return nil
	}
	for {
		d.ws()
		if err := elem(); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			return nil
		default:
			return errSyntax
		}
	}
}

// skip reads and checks one value, keeping nothing.
func (d *dec) skip() error {
	switch d.peek() {
	case '{':
		return d.object(true, func(string) error { return d.skip() })
	case '[':
		return d.array(d.skip)
	case '"':
		_, err := d.str()
		return err
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	default:
		_, err := d.number()
		return err
	}
}

// raw reads one value and returns its bytes.
func (d *dec) raw() ([]byte, error) {
	d.ws()
	start := d.i
	if err := d.skip(); err != nil {
		return nil, err
	}
	return d.b[start:d.i], nil
}

// anyValue reads one value as encoding/json and go-json-experiment decode
// into an any: map[string]any, []any, string, float64, bool or nil.
func (d *dec) anyValue() (any, error) {
	switch d.peek() {
	case '{':
		m := map[string]any{}
		err := d.object(false, func(name string) error {
			if _, dup := m[name]; dup {
				return errSyntax
			}
			v, err := d.anyValue()
			m[name] = v
			return err
		})
		return m, err
	case '[':
		a := []any{}
		err := d.array(func() error {
			v, err := d.anyValue()
			a = append(a, v)
			return err
		})
		return a, err
	case '"':
		return d.str()
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	case 'n':
		return nil, d.literal("null")
	default:
		num, err := d.number()
		if err != nil {
			return nil, err
		}
		f, err := strconv.ParseFloat(unsafe.String(&num[0], len(num)), 64)
		if err != nil {
			return nil, errType
		}
		return f, nil
	}
}
