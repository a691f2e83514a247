package claims

import (
	"slices"
	"strings"
)

// CommaScopes is the scope claim of an issuer that documents its scopes as a
// comma-separated list, against RFC 6749 (Ansira sends
// "campaigns:read,assets:read"). Use it only in the claims type of such an
// issuer: for every other issuer, Scopes is the right reading, because there
// a comma may be part of a scope name, and splitting on it would grant
// "admin" to a token whose scope is "tenant:acme,admin".
//
// It decodes from:
//
//   - a string: split on commas and on spaces ("a,b", "a, b" and "a b" all
//     give a and b). Under the comma convention a comma is never part of a
//     scope name, and no scope name holds a space (RFC 6749, section 3.3),
//     so neither character can belong to a name;
//   - an array of strings, taken element by element without splitting.
//
// As with Scopes, empty entries are dropped, a value without any entry
// decodes to nil, and anything else (numbers, booleans, objects, arrays of
// anything but strings, invalid UTF-8) is an error wrapping
// ErrInvalidScopes.
//
// CommaScopes marshals as one comma-separated string, the issuer's form. An
// entry that itself contains a comma or a space does not survive a round
// trip: it is split when read back.
type CommaScopes []string

// Has reports whether scope is in s, compared exactly.
func (s CommaScopes) Has(scope string) bool {
	return slices.Contains(s, scope)
}

// HasAll reports whether every one of scopes is in s. It is true when no
// scope is given.
func (s CommaScopes) HasAll(scopes ...string) bool {
	return Scopes(s).HasAll(scopes...)
}

// HasAny reports whether at least one of scopes is in s. It is false when
// no scope is given.
func (s CommaScopes) HasAny(scopes ...string) bool {
	return Scopes(s).HasAny(scopes...)
}

// String returns the scopes joined by commas.
func (s CommaScopes) String() string {
	return strings.Join(s, ",")
}

// UnmarshalJSON implements json.Unmarshaler. It accepts a string, an array
// of strings or null, as documented on CommaScopes, and leaves s unchanged
// on error.
func (s *CommaScopes) UnmarshalJSON(b []byte) error {
	list, err := unmarshalScopes(b, true)
	if err != nil {
		return err
	}
	*s = list
	return nil
}

// MarshalJSON implements json.Marshaler: the scopes as one comma-separated
// JSON string, "" when there is none.
func (s CommaScopes) MarshalJSON() ([]byte, error) {
	return marshalScopes(s, ","), nil
}
