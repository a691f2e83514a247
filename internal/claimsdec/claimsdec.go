// Package claimsdec decodes the claims types a verifier meets most
// (claims.Keycloak, claims.Registered) and the facts it reads after them
// (Facts) without reflection, exactly as strictly as
// github.com/go-json-experiment/json decodes them: the same inputs are
// accepted, with the same values, and the same are refused, a syntax
// error (broken JSON, a duplicate member name at any depth, invalid UTF-8)
// as ErrSyntax and a value of the wrong type as ErrType. Its fuzz targets
// hold it to that against go-json-experiment.
//
// Decoded strings may point into the input, which the caller must
// therefore never change or reuse. The decoder recurses once per nesting
// level: the caller bounds the depth first (the verifier refuses more than
// 32 levels before decoding).
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

// keycloakFields are the members of claims.Keycloak, registered claims
// first; an index in it is a bit in keycloak's duplicate check.
var keycloakFields = [...]string{
	"iss", "sub", "aud", "exp", "nbf", "iat", "jti",
	"typ", "azp", "sid", "session_state", "auth_time", "acr", "scope", "realm_access",
	"resource_access", "allowed-origins", "preferred_username", "email", "email_verified",
	"name", "given_name", "family_name",
}

const registeredFields = 7

// fieldIndex returns the index of name in keycloakFields, or -1; only the
// first limit fields count.
func fieldIndex(name string, limit int) int {
	i := -1
	switch name {
	case "iss":
		i = 0
	case "sub":
		i = 1
	case "aud":
		i = 2
	case "exp":
		i = 3
	case "nbf":
		i = 4
	case "iat":
		i = 5
	case "jti":
		i = 6
	case "typ":
		i = 7
	case "azp":
		i = 8
	case "sid":
		i = 9
	case "session_state":
		i = 10
	case "auth_time":
		i = 11
	case "acr":
		i = 12
	case "scope":
		i = 13
	case "realm_access":
		i = 14
	case "resource_access":
		i = 15
	case "allowed-origins":
		i = 16
	case "preferred_username":
		i = 17
	case "email":
		i = 18
	case "email_verified":
		i = 19
	case "name":
		i = 20
	case "given_name":
		i = 21
	case "family_name":
		i = 22
	}
	if i >= limit {
		return -1
	}
	return i
}

// Keycloak decodes b into k, a zero claims.Keycloak.
func Keycloak(b []byte, k *claims.Keycloak) error {
	d := dec{b: b}
	more, err := d.top()
	if !more || err != nil {
		return err
	}
	var seen uint32
	for {
		name, err := d.name()
		if err != nil {
			return err
		}
		i := fieldIndex(name, len(keycloakFields))
		if i < 0 {
			err = d.extra(k, name)
		} else if seen&(1<<i) != 0 {
			return ErrSyntax
		} else {
			seen |= 1 << i
			err = d.keycloak(i, k)
		}
		if err != nil {
			return err
		}
		done, err := d.next('}')
		if err != nil {
			return err
		}
		if done {
			return d.end()
		}
	}
}

// extra reads the value of an unknown claim into k.Extra.
func (d *dec) extra(k *claims.Keycloak, name string) error {
	if _, dup := k.Extra[name]; dup {
		return ErrSyntax
	}
	v, err := d.anyValue()
	if k.Extra == nil {
		k.Extra = make(map[string]any, 1)
	}
	k.Extra[name] = v
	return err
}

// keycloak decodes the claim keycloakFields[i] into k.
func (d *dec) keycloak(i int, k *claims.Keycloak) error {
	switch i {
	case 7:
		return d.stringInto(&k.Type)
	case 8:
		return d.stringInto(&k.AuthorizedParty)
	case 9:
		return d.stringInto(&k.SessionID)
	case 10:
		return d.stringInto(&k.SessionState)
	case 11:
		return d.date(&k.AuthTime)
	case 12:
		return d.stringInto(&k.ACR)
	case 13:
		return d.scopes(&k.Scope)
	case 14:
		return d.roles(&k.RealmAccess)
	case 15:
		return d.rolesMap(&k.ResourceAccess)
	case 16:
		return d.strings(&k.AllowedOrigins)
	case 17:
		return d.stringInto(&k.PreferredUsername)
	case 18:
		return d.stringInto(&k.Email)
	case 19:
		return d.boolInto(&k.EmailVerified)
	case 20:
		return d.stringInto(&k.Name)
	case 21:
		return d.stringInto(&k.GivenName)
	case 22:
		return d.stringInto(&k.FamilyName)
	}
	return d.registered(i, &k.Registered)
}

// Registered decodes b into r, a zero claims.Registered.
func Registered(b []byte, r *claims.Registered) error {
	d := dec{b: b, first: firstSlabRegistered}
	more, err := d.top()
	if !more || err != nil {
		return err
	}
	var seen uint32
	var others manyNames
	for {
		name, err := d.name()
		if err != nil {
			return err
		}
		i := fieldIndex(name, registeredFields)
		if i < 0 {
			if !others.add(name) {
				return ErrSyntax
			}
			err = d.skip()
		} else if seen&(1<<i) != 0 {
			return ErrSyntax
		} else {
			seen |= 1 << i
			err = d.registered(i, r)
		}
		if err != nil {
			return err
		}
		done, err := d.next('}')
		if err != nil {
			return err
		}
		if done {
			return d.end()
		}
	}
}

// top starts the one JSON text of d: null leaves the zero value (more is
// false, the text read), an object is opened and more tells whether it
// has members (when it has none, the text is read); anything else is a
// wrong type. After the last member, end must be called.
func (d *dec) top() (more bool, err error) {
	switch d.peek() {
	case 'n':
		if err := d.literal("null"); err != nil {
			return false, err
		}
	case '{':
		empty, err := d.open('{', '}')
		if err != nil {
			return false, err
		}
		if !empty {
			return true, nil
		}
	default:
		return false, d.wrongKind()
	}
	return false, d.end()
}

// end checks that nothing but spaces follows the JSON text.
func (d *dec) end() error {
	if d.peek() != 0 || d.i != len(d.b) {
		return ErrSyntax
	}
	return nil
}

// wrongType consumes a value of the wrong kind for a string: a syntax
// error in it comes first, as go-json-experiment reads the whole value.
func (d *dec) wrongType() error {
	if err := d.skip(); err != nil {
		return err
	}
	return ErrType
}

// wrongKind refuses a value of the wrong kind for a bool, a struct, a map
// or a slice as go-json-experiment does: an array or object by its first
// byte, a scalar once read.
func (d *dec) wrongKind() error {
	if c := d.peek(); c == '[' || c == '{' {
		return ErrType
	}
	return d.wrongType()
}

// registered decodes the registered claim keycloakFields[i].
func (d *dec) registered(i int, r *claims.Registered) error {
	switch i {
	case 0:
		return d.stringInto(&r.Issuer)
	case 1:
		return d.stringInto(&r.Subject)
	case 2:
		return d.audience(&r.Audience)
	case 3:
		return d.date(&r.ExpiresAt)
	case 4:
		return d.date(&r.NotBefore)
	case 5:
		return d.date(&r.IssuedAt)
	default:
		return d.stringInto(&r.ID)
	}
}
