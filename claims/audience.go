package claims

import (
	"errors"
	"fmt"
	"slices"
)

// ErrInvalidAudience is wrapped by every error Audience.UnmarshalJSON
// returns.
var ErrInvalidAudience = errors.New("claims: invalid Audience")

// Audience is the aud claim (RFC 7519, section 4.1.3): the recipients a
// token is meant for.
//
// It decodes from a JSON string (one recipient) or an array of strings, and
// from nothing else: a number, boolean, object, or an array holding anything
// but strings is rejected with an error wrapping ErrInvalidAudience. JSON
// null leaves it nil, like an absent claim; an empty array gives an empty,
// non-nil Audience. Strings are kept exactly as sent (an empty string is a
// recipient named ""), and invalid UTF-8 is rejected.
type Audience []string

// Contains reports whether s is one of the recipients, compared exactly.
func (a Audience) Contains(s string) bool {
	return slices.Contains(a, s)
}

// ContainsAny reports whether any of candidates is one of the recipients.
// It is false when no candidate is given.
func (a Audience) ContainsAny(candidates ...string) bool {
	for _, c := range candidates {
		if a.Contains(c) {
			return true
		}
	}
	return false
}

// UnmarshalJSON implements json.Unmarshaler. It accepts a JSON string, an
// array of strings or null, as documented on Audience, and leaves a
// unchanged on error.
func (a *Audience) UnmarshalJSON(b []byte) error {
	b = trimSpace(b)
	switch kindOf(b) {
	case "null":
		if !isNull(b) {
			return fmt.Errorf("%w: %w", ErrInvalidAudience, errTrailingBytes)
		}
		*a = nil
		return nil
	case "string":
		s, err := readSingleString(b)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidAudience, err)
		}
		*a = Audience{s}
		return nil
	case "array":
		list, err := readStringArray(b)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidAudience, err)
		}
		*a = list
		return nil
	}
	return kindError(ErrInvalidAudience, b, "string or array of strings")
}

// MarshalJSON implements json.Marshaler: a single recipient is written as
// a JSON string, none or several as an array, and nil as null (so an
// omitempty field stays out of the output under both encoding/json and
// github.com/go-json-experiment/json).
func (a Audience) MarshalJSON() ([]byte, error) {
	switch len(a) {
	case 0:
		if a == nil {
			return []byte("null"), nil
		}
		return []byte("[]"), nil
	case 1:
		return appendQuoted(make([]byte, 0, len(a[0])+2), a[0]), nil
	}
	return appendQuotedList(a), nil
}

// appendQuotedList returns list as a JSON array of strings.
func appendQuotedList(list []string) []byte {
	n := 2
	for _, s := range list {
		n += len(s) + 3
	}
	out := make([]byte, 0, n)
	out = append(out, '[')
	for i, s := range list {
		if i > 0 {
			out = append(out, ',')
		}
		out = appendQuoted(out, s)
	}
	return append(out, ']')
}
