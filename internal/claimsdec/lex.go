package claimsdec

import (
	"cmp"
	"hash/maphash"
	"strconv"
	"unsafe"
)

// dec reads one JSON text from b. Strings without escapes are returned
// without a copy: they point into b, which the caller must never change.
type dec struct {
	b []byte
	i int
	// slab backs the string slices of one decoded value, so that they
	// cost one allocation together in a typical token. Each slice handed
	// out has its length as capacity: an append to it copies, never
	// reaching a neighbour.
	slab []string
	// first is the size of the first slab, firstSlab when 0.
	first int
}

// firstSlab is the number of strings the first slab holds: the aud,
// scope and role lists of a typical Keycloak token need about a dozen.
// Each further slab is twice the size of the one before.
const firstSlab = 16

// firstSlabRegistered is the first slab's size for claims.Registered,
// whose only list is aud: most often one or a few entries.
const firstSlabRegistered = 4

// A list of strings is built in place at the end of the slab: begin
// starts it, push appends to it, list returns it. Lists never nest, so
// one is built at a time; an abandoned one (on an error) only wastes its
// slots.

// begin starts a list at the end of the slab and returns its start.
func (d *dec) begin() int { return len(d.slab) }

// push appends s to the list that starts at *start. When the slab is
// full, the list so far moves to a new slab twice the size (*start with
// it); the old one stays with the lists already handed out.
func (d *dec) push(start *int, s string) {
	if len(d.slab) == cap(d.slab) {
		part := d.slab[*start:]
		size := 2 * cap(d.slab)
		if size == 0 {
			size = cmp.Or(d.first, firstSlab)
		}
		slab := make([]string, len(part), size)
		copy(slab, part)
		d.slab, *start = slab, 0
	}
	d.slab = append(d.slab, s)
}

// list returns the list that starts at start, with its length as its
// capacity (an append to it copies, never reaching a neighbour); empty,
// not nil, when nothing was pushed.
func (d *dec) list(start int) []string {
	if start == len(d.slab) {
		return []string{} // no allocation
	}
	return d.slab[start:len(d.slab):len(d.slab)]
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// peek returns the next non-space byte, or 0 at the end.
func (d *dec) peek() byte {
	for uint(d.i) < uint(len(d.b)) {
		if c := d.b[d.i]; c > ' ' || !isSpace(c) {
			return c
		}
		d.i++
	}
	return 0
}

// expect consumes c, after spaces.
func (d *dec) expect(c byte) error {
	if d.peek() != c {
		return ErrSyntax
	}
	d.i++
	return nil
}

// open consumes the opening bracket o ('{' or '['), after spaces, and
// reports whether the container is empty, its closing bracket c consumed
// too.
func (d *dec) open(o, c byte) (empty bool, err error) {
	if err := d.expect(o); err != nil {
		return false, err
	}
	if d.peek() == c {
		d.i++
		return true, nil
	}
	return false, nil
}

// name reads a member name and the colon after it.
func (d *dec) name() (string, error) {
	if d.peek() != '"' {
		return "", ErrSyntax
	}
	s, err := d.str()
	if err != nil {
		return "", err
	}
	if d.i < len(d.b) && d.b[d.i] == ':' {
		d.i++
		return s, nil
	}
	return s, d.expect(':')
}

// next consumes what follows a member or an element: a comma (done is
// false) or the closing bracket c (done is true).
func (d *dec) next(c byte) (done bool, err error) {
	if x := d.peek(); x == ',' || x == c {
		d.i++
		return x == c, nil
	}
	return false, ErrSyntax
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
		return nil, ErrSyntax
	}
	if i < len(b) && b[i] == '.' {
		i++
		j := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == j {
			return nil, ErrSyntax
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
			return nil, ErrSyntax
		}
	}
	d.i = i
	return b[start:i], nil
}

// literal consumes the literal lit (true, false, null).
func (d *dec) literal(lit string) error {
	if len(d.b)-d.i < len(lit) || string(d.b[d.i:d.i+len(lit)]) != lit {
		return ErrSyntax
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

// manyNames detects duplicate member names within one object that may
// have many, such as a token's top level, without allocating up to
// manyNamesMax names: an open-addressing set on the caller's stack.
type manyNames struct {
	slot [manyNamesSlots]string
	used [manyNamesSlots]bool
	n    int
	m    map[string]struct{}
}

const (
	manyNamesSlots = 64
	manyNamesMax   = manyNamesSlots * 3 / 4
)

var namesSeed = maphash.MakeSeed()

// add reports false when name was added before.
func (s *manyNames) add(name string) bool {
	if s.m != nil {
		if _, dup := s.m[name]; dup {
			return false
		}
		s.m[name] = struct{}{}
		return true
	}
	h := maphash.String(namesSeed, name)
	for i := h % manyNamesSlots; ; i = (i + 1) % manyNamesSlots {
		if !s.used[i] {
			s.used[i], s.slot[i] = true, name
			break
		}
		if s.slot[i] == name {
			return false
		}
	}
	if s.n++; s.n == manyNamesMax {
		s.m = make(map[string]struct{}, 2*manyNamesMax)
		for i, x := range s.slot {
			if s.used[i] {
				s.m[x] = struct{}{}
			}
		}
	}
	return true
}

// skip reads and checks one value, keeping nothing.
func (d *dec) skip() error {
	switch d.peek() {
	case '{':
		return d.skipObject()
	case '[':
		empty, err := d.open('[', ']')
		if err != nil || empty {
			return err
		}
		for {
			if err := d.skip(); err != nil {
				return err
			}
			if done, err := d.next(']'); err != nil || done {
				return err
			}
		}
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

// skipObject reads and checks the object that is next, refusing duplicate
// names, keeping nothing.
func (d *dec) skipObject() error {
	empty, err := d.open('{', '}')
	if err != nil || empty {
		return err
	}
	var seen names
	for {
		name, err := d.name()
		if err != nil {
			return err
		}
		if !seen.add(name) {
			return ErrSyntax
		}
		if err := d.skip(); err != nil {
			return err
		}
		if done, err := d.next('}'); err != nil || done {
			return err
		}
	}
}

// raw reads one value and returns its bytes.
func (d *dec) raw() ([]byte, error) {
	d.peek()
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
		empty, err := d.open('{', '}')
		if err != nil || empty {
			return m, err
		}
		for {
			name, err := d.name()
			if err != nil {
				return m, err
			}
			if _, dup := m[name]; dup {
				return m, ErrSyntax
			}
			v, err := d.anyValue()
			m[name] = v
			if err != nil {
				return m, err
			}
			if done, err := d.next('}'); err != nil || done {
				return m, err
			}
		}
	case '[':
		a := []any{}
		empty, err := d.open('[', ']')
		if err != nil || empty {
			return a, err
		}
		for {
			v, err := d.anyValue()
			a = append(a, v)
			if err != nil {
				return a, err
			}
			if done, err := d.next(']'); err != nil || done {
				return a, err
			}
		}
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
			return nil, ErrType
		}
		return f, nil
	}
}
