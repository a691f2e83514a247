// Package claimsdec decodes the claims types a verifier meets most
// (claims.Keycloak, claims.Registered) without reflection, exactly as
// strictly as github.com/go-json-experiment/json decodes them: the same
// inputs are accepted, with the same values, and the same are refused, a
// syntax error (broken JSON, a duplicate member name at any depth, invalid
// UTF-8) as ErrSyntax and a value of the wrong type as ErrType. Its fuzz
// target holds it to that against go-json-experiment.
//
// Decoded strings may point into the input, which the caller must
// therefore never change or reuse.
package claimsdec

import (
	"errors"

	"github.com/jwtguard/jwtguard/claims"
)

var (
	// ErrSyntax is returned for input that is not strict JSON.
	ErrSyntax = errors.New("claimsdec: not strict JSON")
	// ErrType is returned for a claim of the wrong type or value.
	ErrType = errors.New("claimsdec: a claim has the wrong type or value")

	errSyntax = ErrSyntax
	errType   = ErrType
)

// Decode decodes b into dst when dst is a *claims.Keycloak or a
// *claims.Registered (zero values, as new returns them), and reports
// whether it did.
func Decode(b []byte, dst any) (handled bool, err error) {
	switch c := dst.(type) {
	case *claims.Keycloak:
		return true, Keycloak(b, c)
	case *claims.Registered:
		return true, Registered(b, c)
	}
	return false, nil
}

// Keycloak decodes b into k, a zero claims.Keycloak.
func Keycloak(b []byte, k *claims.Keycloak) error {
	return top(b, func(d *dec) error {
		return d.object(func(name string) error {
			if handled, err := d.registered(name, &k.Registered); handled {
				return err
			}
			switch name {
			case "typ":
				return d.stringInto(&k.Type)
			case "azp":
				return d.stringInto(&k.AuthorizedParty)
			case "sid":
				return d.stringInto(&k.SessionID)
			case "session_state":
				return d.stringInto(&k.SessionState)
			case "auth_time":
				return d.method(k.AuthTime.UnmarshalJSON)
			case "acr":
				return d.stringInto(&k.ACR)
			case "scope":
				return d.method(k.Scope.UnmarshalJSON)
			case "realm_access":
				return d.roles(&k.RealmAccess)
			case "resource_access":
				return d.rolesMap(&k.ResourceAccess)
			case "allowed-origins":
				return d.strings(&k.AllowedOrigins)
			case "preferred_username":
				return d.stringInto(&k.PreferredUsername)
			case "email":
				return d.stringInto(&k.Email)
			case "email_verified":
				return d.boolInto(&k.EmailVerified)
			case "name":
				return d.stringInto(&k.Name)
			case "given_name":
				return d.stringInto(&k.GivenName)
			case "family_name":
				return d.stringInto(&k.FamilyName)
			}
			v, err := d.anyValue()
			if err != nil {
				return err
			}
			if k.Extra == nil {
				k.Extra = map[string]any{}
			}
			k.Extra[name] = v
			return nil
		})
	})
}

// Registered decodes b into r, a zero claims.Registered.
func Registered(b []byte, r *claims.Registered) error {
	return top(b, func(d *dec) error {
		return d.object(func(name string) error {
			if handled, err := d.registered(name, r); handled {
				return err
			}
			return d.skip()
		})
	})
}

// top decodes one JSON text: null leaves the zero value, an object goes to
// obj, anything else is a wrong type; nothing but spaces may follow.
func top(b []byte, obj func(*dec) error) error {
	d := &dec{b: b}
	var err error
	switch d.peek() {
	case 'n':
		err = d.literal("null")
	case '{':
		err = obj(d)
	default:
		return d.wrongKind()
	}
	if err != nil {
		return err
	}
	if d.peek() != 0 || d.i != len(d.b) {
		return errSyntax
	}
	return nil
}

// wrongType consumes a value of the wrong kind for a string: a syntax
// error in it comes first, as go-json-experiment reads the whole value.
func (d *dec) wrongType() error {
	if err := d.skip(); err != nil {
		return err
	}
	return errType
}

// wrongKind refuses a value of the wrong kind for a bool, a struct, a map
// or a slice as go-json-experiment does: an array or object by its first
// byte, a scalar once read.
func (d *dec) wrongKind() error {
	if c := d.peek(); c == '[' || c == '{' {
		return errType
	}
	return d.wrongType()
}

// registered decodes the member name when it is a registered claim.
func (d *dec) registered(name string, r *claims.Registered) (bool, error) {
	switch name {
	case "iss":
		return true, d.stringInto(&r.Issuer)
	case "sub":
		return true, d.stringInto(&r.Subject)
	case "aud":
		return true, d.method(r.Audience.UnmarshalJSON)
	case "exp":
		return true, d.method(r.ExpiresAt.UnmarshalJSON)
	case "nbf":
		return true, d.method(r.NotBefore.UnmarshalJSON)
	case "iat":
		return true, d.method(r.IssuedAt.UnmarshalJSON)
	case "jti":
		return true, d.stringInto(&r.ID)
	}
	return false, nil
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

// strings reads an array of strings (null elements: ""; null: nil).
func (d *dec) strings(dst *[]string) error {
	switch d.peek() {
	case 'n':
		*dst = nil
		return d.literal("null")
	case '[':
		out := []string{}
		err := d.array(func() error {
			var s string
			err := d.stringInto(&s)
			out = append(out, s)
			return err
		})
		*dst = out
		return err
	}
	return d.wrongKind()
}

// roles reads a claims.Roles object (null: the zero Roles).
func (d *dec) roles(dst *claims.Roles) error {
	switch d.peek() {
	case 'n':
		*dst = claims.Roles{}
		return d.literal("null")
	case '{':
		return d.object(func(name string) error {
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
		m := map[string]claims.Roles{}
		*dst = m
		return d.object(func(name string) error {
			var r claims.Roles
			err := d.roles(&r)
			m[name] = r
			return err
		})
	}
	return d.wrongKind()
}
