package claims

import (
	"errors"
	"fmt"
)

// ErrInvalidCode is wrapped by every error decoding a Code.
var ErrInvalidCode = errors.New("claims: code must be a JSON string or integer")

// Code is an identifier that issuers send either as a JSON string or as a
// JSON integer, such as an account or client code ("104553" or 104553). It
// holds the text either way; a fraction, an exponent, a boolean, an object
// or an array is refused. JSON null decodes to "".
type Code string

// UnmarshalJSON implements json.Unmarshaler.
func (c *Code) UnmarshalJSON(b []byte) error {
	b = trimSpace(b)
	switch {
	case len(b) == 0:
		return fmt.Errorf("%w: empty input", ErrInvalidCode)
	case isNull(b):
		*c = ""
		return nil
	case b[0] == '"':
		s, err := readSingleString(b)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidCode, err)
		}
		*c = Code(s)
		return nil
	}
	digits := b
	if digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || (digits[0] == '0' && len(digits) > 1) {
		return fmt.Errorf("%w: got %.32s", ErrInvalidCode, b)
	}
	for _, d := range digits {
		if d < '0' || d > '9' {
			return fmt.Errorf("%w: got %.32s", ErrInvalidCode, b)
		}
	}
	*c = Code(b)
	return nil
}

// MarshalJSON implements json.Marshaler: a Code is always written as a
// string.
func (c Code) MarshalJSON() ([]byte, error) { return appendQuoted(nil, string(c)), nil }
