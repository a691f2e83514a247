package claimsdec

import (
	"time"

	"github.com/jwtguard/jwtguard/claims"
)

// This file reads the values of the claims: strings, booleans,
// NumericDates, the Audience and Scopes lists, roles.

// maxUnix is claims.NumericDate's latest whole second,
// 9999-12-31T23:59:59Z; maxDateDigits is its number of digits.
const (
	maxUnix       = 253402300799
	maxDateDigits = 12
)

// date reads a claims.NumericDate. A plain integer of at most 12 digits
// in range, by far the most common form, is read here; anything else
// (null, a fraction, an exponent, a sign, more digits, another kind) goes
// to the type's UnmarshalJSON, after checking the whole value as
// go-json-experiment does before it calls the method. Both give the same
// value: time.Unix(sec, 0).UTC().
func (d *dec) date(dst *claims.NumericDate) error {
	d.peek()
	b, i := d.b, d.i
	if i < len(b) && '0' <= b[i] && b[i] <= '9' {
		sec := int64(b[i] - '0')
		j := i + 1
		if sec != 0 {
			for j < len(b) && j-i < maxDateDigits && '0' <= b[j] && b[j] <= '9' {
				sec = sec*10 + int64(b[j]-'0')
				j++
			}
		}
		if sec <= maxUnix && (j == len(b) || !isNumberByte(b[j])) {
			d.i = j
			*dst = claims.NumericDate{Time: time.Unix(sec, 0).UTC()}
			return nil
		}
	}
	return d.method(dst.UnmarshalJSON)
}

// isNumberByte reports whether c can continue a number after its leading
// digits.
func isNumberByte(c byte) bool {
	return '0' <= c && c <= '9' || c == '.' || c == 'e' || c == 'E'
}

// method hands the next value, checked, to a type's UnmarshalJSON.
func (d *dec) method(unmarshal func([]byte) error) error {
	v, err := d.raw()
	if err != nil {
		return err
	}
	if unmarshal(v) != nil {
		return ErrType
	}
	return nil
}

// audience reads claims.Audience as its UnmarshalJSON does (a string, an
// array of strings, or null): a syntax error anywhere in the value comes
// before a wrong type, as go-json-experiment checks the whole value
// before it calls the method.
func (d *dec) audience(dst *claims.Audience) error {
	switch d.peek() {
	case 'n':
		*dst = nil
		return d.literal("null")
	case '"':
		s, err := d.str()
		if err != nil {
			return err
		}
		start := d.begin()
		d.push(&start, s)
		*dst = d.list(start)
		return nil
	case '[':
		start := d.begin()
		if err := d.stringsOnly(&start, false); err != nil {
			return err
		}
		*dst = d.list(start)
		return nil
	}
	return d.wrongType()
}

// stringsOnly pushes the strings of the array that is next to the list
// that starts at *start, empty ones only if dropEmpty is false. An
// element of another kind (null too) makes it return ErrType, but only
// once the whole array has been read: a syntax error in it comes first.
func (d *dec) stringsOnly(start *int, dropEmpty bool) error {
	empty, err := d.open('[', ']')
	if err != nil || empty {
		return err
	}
	wrong := false
	for {
		if d.peek() == '"' {
			s, err := d.str()
			if err != nil {
				return err
			}
			if s != "" || !dropEmpty {
				d.push(start, s)
			}
		} else {
			if err := d.skip(); err != nil {
				return err
			}
			wrong = true
		}
		done, err := d.next(']')
		if err != nil {
			return err
		}
		if done {
			break
		}
	}
	if wrong {
		return ErrType
	}
	return nil
}

// stringInto reads a string (null: "") into dst.
func (d *dec) stringInto(dst *string) error {
	switch d.peek() {
	case '"':
		s, err := d.str()
		*dst = s
		return err
	case 'n':
		*dst = ""
		return d.literal("null")
	}
	return d.wrongType()
}

// boolInto reads a boolean (null: false) into dst.
func (d *dec) boolInto(dst *bool) error {
	switch d.peek() {
	case 't':
		*dst = true
		return d.literal("true")
	case 'f':
		*dst = false
		return d.literal("false")
	case 'n':
		*dst = false
		return d.literal("null")
	}
	return d.wrongKind()
}

// scopes reads claims.Scopes as its UnmarshalJSON does: a string split on
// JSON spaces, or an array of strings, empty entries dropped, nil when
// none is left; null is nil. As for audience, a syntax error anywhere in
// the value comes before a wrong type.
func (d *dec) scopes(dst *claims.Scopes) error {
	start := d.begin()
	switch d.peek() {
	case 'n':
		*dst = nil
		return d.literal("null")
	case '"':
		s, err := d.str()
		if err != nil {
			return err
		}
		for s != "" {
			i := 0
			for i < len(s) && !isSpace(s[i]) {
				i++
			}
			if i > 0 {
				d.push(&start, s[:i])
			}
			s = s[min(i+1, len(s)):]
		}
	case '[':
		if err := d.stringsOnly(&start, true); err != nil {
			return err
		}
	default:
		return d.wrongType()
	}
	if start == len(d.slab) {
		*dst = nil
		return nil
	}
	*dst = d.list(start)
	return nil
}

// strings reads an array of strings (null elements: ""; null: nil).
func (d *dec) strings(dst *[]string) error {
	switch d.peek() {
	case 'n':
		*dst = nil
		return d.literal("null")
	case '[':
		start := d.begin()
		err := d.collect(&start)
		*dst = d.list(start)
		return err
	}
	return d.wrongKind()
}

// collect pushes the strings of the array that is next to the list that
// starts at *start, null elements as ""; an element of another kind is
// refused once read.
func (d *dec) collect(start *int) error {
	empty, err := d.open('[', ']')
	if err != nil || empty {
		return err
	}
	for {
		var s string
		if err := d.stringInto(&s); err != nil {
			return err
		}
		d.push(start, s)
		if done, err := d.next(']'); err != nil || done {
			return err
		}
	}
}

// roles reads a claims.Roles object (null: the zero Roles).
func (d *dec) roles(dst *claims.Roles) error {
	switch d.peek() {
	case 'n':
		*dst = claims.Roles{}
		return d.literal("null")
	case '{':
	default:
		return d.wrongKind()
	}
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
		if name == "roles" {
			err = d.strings(&dst.Roles)
		} else {
			err = d.skip()
		}
		if err != nil {
			return err
		}
		if done, err := d.next('}'); err != nil || done {
			return err
		}
	}
}

// rolesMap reads an object of claims.Roles (null: nil).
func (d *dec) rolesMap(dst *map[string]claims.Roles) error {
	switch d.peek() {
	case 'n':
		*dst = nil
		return d.literal("null")
	case '{':
	default:
		return d.wrongKind()
	}
	m := make(map[string]claims.Roles, 1)
	*dst = m
	empty, err := d.open('{', '}')
	if err != nil || empty {
		return err
	}
	for {
		name, err := d.name()
		if err != nil {
			return err
		}
		if _, dup := m[name]; dup {
			return ErrSyntax
		}
		var r claims.Roles
		err = d.roles(&r)
		m[name] = r
		if err != nil {
			return err
		}
		if done, err := d.next('}'); err != nil || done {
			return err
		}
	}
}
