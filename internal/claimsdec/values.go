package claimsdec

import "github.com/jwtguard/jwtguard/claims"

// This file reads the values of the claims: strings, booleans, the
// Audience and Scopes lists, roles.

// audience reads claims.Audience as its UnmarshalJSON does (a string, an
// array of strings, or null), after checking the whole value as
// go-json-experiment does before it calls the method.
func (d *dec) audience(dst *claims.Audience) error {
	v, err := d.raw()
	if err != nil {
		return err
	}
	sub := dec{b: v}
	switch v[0] {
	case 'n':
		*dst = nil
		return nil
	case '"':
		s, _ := sub.str()
		*dst = d.carve([]string{s})
		return nil
	case '[':
		var buf [16]string
		list, err := sub.collect(buf[:0], false)
		if err != nil {
			return err
		}
		*dst = d.carve(list)
		return nil
	}
	return errType
}

// method hands the next value, checked, to a type's UnmarshalJSON.
func (d *dec) method(unmarshal func([]byte) error) error {
	v, err := d.raw()
	if err != nil {
		return err
	}
	if unmarshal(v) != nil {
		return errType
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

// scopes reads claims.Scopes as its UnmarshalJSON does, after checking
// the whole value as go-json-experiment does before it calls the method:
// a string split on JSON spaces, or an array of strings, empty entries
// dropped, nil when none is left; null is nil.
func (d *dec) scopes(dst *claims.Scopes) error {
	v, err := d.raw()
	if err != nil {
		return err
	}
	sub := dec{b: v}
	var buf [16]string
	list := buf[:0]
	switch v[0] {
	case 'n':
		*dst = nil
		return nil
	case '"':
		s, _ := sub.str()
		for s != "" {
			i := 0
			for i < len(s) && !isSpace(s[i]) {
				i++
			}
			if i > 0 {
				list = append(list, s[:i])
			}
			s = s[min(i+1, len(s)):]
		}
	case '[':
		all, err := sub.collect(buf[:0], false)
		if err != nil {
			return err
		}
		for _, e := range all {
			if e != "" {
				list = append(list, e)
			}
		}
	default:
		return errType
	}
	if len(list) == 0 {
		*dst = nil
		return nil
	}
	*dst = d.carve(list)
	return nil
}

// strings reads an array of strings (null elements: ""; null: nil).
func (d *dec) strings(dst *[]string) error {
	switch d.peek() {
	case 'n':
		*dst = nil
		return d.literal("null")
	case '[':
		return d.stringList(dst, true)
	}
	return d.wrongKind()
}

// stringList reads an array of strings into a new slice of its exact
// length (empty, not nil, for []); null elements are "" when nullOK is
// set, else refused.
func (d *dec) stringList(dst *[]string, nullOK bool) error {
	var buf [16]string
	out, err := d.collect(buf[:0], nullOK)
	*dst = d.carve(out)
	return err
}

// collect appends the strings of the array that is next to out.
func (d *dec) collect(out []string, nullOK bool) ([]string, error) {
	err := d.array(func() error {
		var s string
		var err error
		if !nullOK && d.peek() != '"' {
			err = d.wrongType()
		} else {
			err = d.stringInto(&s)
		}
		out = append(out, s)
		return err
	})
	return out, err
}

// roles reads a claims.Roles object (null: the zero Roles).
func (d *dec) roles(dst *claims.Roles) error {
	switch d.peek() {
	case 'n':
		*dst = claims.Roles{}
		return d.literal("null")
	case '{':
		return d.object(true, func(name string) error {
			if name == "roles" {
				return d.strings(&dst.Roles)
			}
			return d.skip()
		})
	}
	return d.wrongKind()
}

// rolesMap reads an object of claims.Roles (null: nil).
func (d *dec) rolesMap(dst *map[string]claims.Roles) error {
	switch d.peek() {
	case 'n':
		*dst = nil
		return d.literal("null")
	case '{':
		m := make(map[string]claims.Roles, 1)
		*dst = m
		return d.object(false, func(name string) error {
			if _, dup := m[name]; dup {
				return errSyntax
			}
			var r claims.Roles
			err := d.roles(&r)
			m[name] = r
			return err
		})
	}
	return d.wrongKind()
}
