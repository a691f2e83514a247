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
// scope claim (RFC 8693, section 4.2) and by issuers that bend it.
//
// It decodes from:
//
//   - a string holding a comma: split on commas, each entry trimmed of
//     spaces ("read,write" or "read, write", as Ansira sends);
//   - any other string: split on spaces ("profile email", RFC 6749,
//     section 3.3, and Keycloak);
//   - an array of strings, taken element by element without splitting.
//
// Empty entries are dropped in all three cases, and a value without any
// entry decodes to nil, as JSON null does. Spaces are the ASCII space, tab,
// line feed and carriage return. Numbers, booleans, objects, and arrays
// holding anything but strings are rejected with an error wrapping
// ErrInvalidScopes, and so is invalid UTF-8.
//
// Scopes marshals as one space-delimited string, the RFC form. An entry that
// itself contains a space or a comma therefore does not survive a round
// trip: it is split when read back.
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
	b = trimSpace(b)
	switch kindOf(b) {
	case "null":
		if !isNull(b) {
			return fmt.Errorf("%w: %w", ErrInvalidScopes, errTrailingBytes)
		}
		*s = nil
		return nil
	case "string":
		str, err := readSingleString(b)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidScopes, err)
		}
		*s = splitScopes(str)
		return nil
	case "array":
		list, err := readStringArray(b)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidScopes, err)
		}
		list = slices.DeleteFunc(list, func(e string) bool { return e == "" })
		if len(list) == 0 {
			list = nil
		}
		*s = list
		return nil
	}
	return kindError(ErrInvalidScopes, b, "string or array of strings")
}

// MarshalJSON implements json.Marshaler: the scopes as one space-delimited
// JSON string, "" when there is none.
func (s Scopes) MarshalJSON() ([]byte, error) {
	n := 2
	for _, e := range s {
		n += len(e) + 1
	}
	out := make([]byte, 0, n)
	return appendQuoted(out, s.String()), nil
}

// splitScopes splits str by the rule documented on Scopes. The entries share
// str's memory: only the slice is allocated, and nothing when str holds no
// entry.
func splitScopes(str string) Scopes {
	comma := strings.IndexByte(str, ',') >= 0
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
	out := make(Scopes, 0, n)
	for rest := str; ; {
		var e string
		if e, rest = nextScope(rest, comma); e == "" {
			return out
		}
		out = append(out, e)
	}
}

// nextScope returns the first non-empty entry of str, trimmed, and what
// follows its separator; entry is "" when str holds no more entries. With
// comma set, entries are separated by commas, else by spaces.
func nextScope(str string, comma bool) (entry, rest string) {
	for str != "" {
		i := -1
		if comma {
			i = strings.IndexByte(str, ',')
		} else {
			for j := 0; j < len(str); j++ {
				if isSpace(str[j]) {
					i = j
					break
				}
			}
		}
		if i < 0 {
			entry, str = str, ""
		} else {
			entry, str = str[:i], str[i+1:]
		}
		if entry = trimSpaceString(entry); entry != "" {
			return entry, str
		}
	}
	return "", ""
}

// trimSpaceString trims JSON whitespace from both ends of e.
func trimSpaceString(e string) string {
	for e != "" && isSpace(e[0]) {
		e = e[1:]
	}
	for e != "" && isSpace(e[len(e)-1]) {
		e = e[:len(e)-1]
	}
	return e
}
