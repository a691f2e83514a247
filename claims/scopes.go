package claims

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrInvalidScopes is wrapped by every error Scopes.UnmarshalJSON returns.
var ErrInvalidScopes = errors.New("claims: invalid Scopes")

// Scopes is a list of OAuth 2.0 scopes or permissions, as carried by the
// scope claim (RFC 8693, section 4.2; RFC 9068, section 2.2.3) and the
// scope member of an introspection response (RFC 7662, section 2.2).
//
// It decodes from:
//
//   - a string: split on spaces, as RFC 6749, section 3.3 defines the
//     scope parameter ("profile email"). A comma is part of a scope name,
//     never a separator: "tenant:acme,admin" is one scope. (An issuer that
//     separates scopes by commas, such as Ansira, is read with CommaScopes
//     instead, by a claims type that says so.)
//   - an array of strings, taken element by element without splitting.
//
// Empty entries are dropped in both cases, and a value without any entry
// decodes to nil, as JSON null does. Spaces are the ASCII space, tab, line
// feed and carriage return. Numbers, booleans, objects, and arrays holding
// anything but strings are rejected with an error wrapping
// ErrInvalidScopes, and so is invalid UTF-8.
//
// Scopes marshals as one space-delimited string, the RFC form. An entry that
// itself contains a space therefore does not survive a round trip: it is
// split when read back.
type Scopes []string

// Has reports whether scope is in s, compared exactly.
func (s Scopes) Has(scope string) bool {
	return slices.Contains(s, scope)
}

// HasAll reports whether every one of scopes is in s. It is true when no
// scope is given.
func (s Scopes) HasAll(scopes ...string) bool {
	for _, want := range scopes {
		if !s.Has(want) {
			return false
		}
	}
	return true
}

// HasAny reports whether at least one of scopes is in s. It is false when
// no scope is given.
func (s Scopes) HasAny(scopes ...string) bool {
	for _, want := range scopes {
		if s.Has(want) {
			return true
		}
	}
	return false
}

// String returns the scopes joined by single spaces.
func (s Scopes) String() string {
	return strings.Join(s, " ")
}

// UnmarshalJSON implements json.Unmarshaler. It accepts a string, an array
// of strings or null, as documented on Scopes, and leaves s unchanged on
// error.
func (s *Scopes) UnmarshalJSON(b []byte) error {
	list, err := unmarshalScopes(b, false)
	if err != nil {
		return err
	}
	*s = list
	return nil
}

// unmarshalScopes decodes a scope list from b: a string split on spaces
// (and on commas too when comma is set), an array of strings, or null.
func unmarshalScopes(b []byte, comma bool) ([]string, error) {
	b = trimSpace(b)
	switch kindOf(b) {
	case "null":
		if !isNull(b) {
			return nil, fmt.Errorf("%w: %w", ErrInvalidScopes, errTrailingBytes)
		}
		return nil, nil
	case "string":
		str, err := readSingleString(b)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidScopes, err)
		}
		return splitScopes(str, comma), nil
	case "array":
		list, err := readStringArray(b)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidScopes, err)
		}
		list = slices.DeleteFunc(list, func(e string) bool { return e == "" })
		if len(list) == 0 {
			list = nil
		}
		return list, nil
	}
	return nil, kindError(ErrInvalidScopes, b, "string or array of strings")
}

// MarshalJSON implements json.Marshaler: the scopes as one space-delimited
// JSON string, "" when there is none.
func (s Scopes) MarshalJSON() ([]byte, error) {
	return marshalScopes(s, " "), nil
}

// marshalScopes returns list joined by sep as a JSON string.
func marshalScopes(list []string, sep string) []byte {
	n := 2
	for _, e := range list {
		n += len(e) + 1
	}
	out := make([]byte, 0, n)
	return appendQuoted(out, strings.Join(list, sep))
}

// splitScopes splits str on spaces, and on commas too when comma is set.
// The entries share str's memory: only the slice is allocated, and nothing
// when str holds no entry.
func splitScopes(str string, comma bool) []string {
	n := 0
	for rest := str; ; n++ {
		var e string
		if e, rest = nextScope(rest, comma); e == "" {
			break
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]string, 0, n)
	for rest := str; ; {
		var e string
		if e, rest = nextScope(rest, comma); e == "" {
			return out
		}
		out = append(out, e)
	}
}

// nextScope returns the first non-empty entry of str and what follows its
// separator; entry is "" when str holds no more entries. Entries are
// separated by spaces, and by commas too when comma is set.
func nextScope(str string, comma bool) (entry, rest string) {
	for str != "" {
		i := 0
		for i < len(str) && !isSpace(str[i]) && (!comma || str[i] != ',') {
			i++
		}
		if i > 0 {
			if i == len(str) {
				return str, ""
			}
			return str[:i], str[i+1:]
		}
		str = str[1:]
	}
	return "", ""
}
