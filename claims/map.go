package claims

import (
	"encoding/json"
	"strconv"
	"time"
)

// Map is the untyped form of a token's claims: every claim by name, as
// either JSON package decodes it into an any (string, float64, bool, nil,
// []any or map[string]any; json.Number with encoding/json's UseNumber).
//
// Map is not a Carrier: the verifier decodes the registered claims of a
// Map-typed token into a Registered of its own. Map's helpers read one
// claim and report whether it is present with the shape asked for; they
// never convert between shapes beyond what each one documents.
type Map map[string]any

// Has reports whether the claim called name is present, even as null.
func (m Map) Has(name string) bool {
	_, ok := m[name]
	return ok
}

// String returns the claim called name if it is a JSON string.
func (m Map) String(name string) (string, bool) {
	s, ok := m[name].(string)
	return s, ok
}

// Strings returns the claim called name if it is a JSON string, as a
// one-element slice, or an array of strings. An array holding anything else
// reports false. The slice is new unless the claim already is a []string.
func (m Map) Strings(name string) ([]string, bool) {
	switch v := m[name].(type) {
	case string:
		return []string{v}, true
	case []string:
		return v, true
	case []any:
		out := make([]string, len(v))
		for i, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

// Time returns the claim called name, which must be a JSON number of seconds
// since the Unix epoch, as a UTC time, with the range and precision rules of
// NumericDate. A float64 is read through its shortest decimal form, so
// 1700000000.5 gives exactly half a second. It reports false for any other
// shape, null included, and for a number out of NumericDate's range.
func (m Map) Time(name string) (time.Time, bool) {
	var buf [32]byte
	var num []byte
	switch v := m[name].(type) {
	case float64:
		num = strconv.AppendFloat(buf[:0], v, 'g', -1, 64)
	case json.Number:
		num = []byte(v)
	case int64:
		num = strconv.AppendInt(buf[:0], v, 10)
	case int:
		num = strconv.AppendInt(buf[:0], int64(v), 10)
	case NumericDate:
		return v.UTC(), !v.IsZero()
	default:
		return time.Time{}, false
	}
	sec, nsec, err := parseNumericDate(num)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(sec, nsec).UTC(), true
}
