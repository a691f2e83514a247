package jose

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// SplitJWKSet returns the members of a JWK Set document's "keys" array, in
// order, each as it appears in data (the slices alias data), so that each can
// go through ParseJWK and a bad one can be skipped without losing the others.
//
// The document must be a JSON object with exactly one "keys" member holding an
// array of at most MaxJWKSetKeys values, and nothing after the object. Its
// own structure is held to strict JSON: no duplicate names at the top level
// and valid UTF-8 in every top-level name and in every top-level member other
// than "keys". The members of "keys" are only required to be well-formed
// JSON here; ParseJWK holds each to strict JSON, so that one bad member does
// not sink the set. Any failure wraps ErrJWKMalformed.
func SplitJWKSet(data []byte) ([]jsontext.Value, error) {
	dec := jsontext.NewDecoder(bytes.NewReader(data),
		jsontext.AllowDuplicateNames(true), // checked here for the top level, by ParseJWK for members
		jsontext.AllowInvalidUTF8(true))    // likewise
	fail := func(format string, args ...any) ([]jsontext.Value, error) {
		return nil, fmt.Errorf("%w: JWK Set: %s", ErrJWKMalformed, fmt.Sprintf(format, args...))
	}
	if tok, err := dec.ReadToken(); err != nil {
		return fail("%v", err)
	} else if tok.Kind() != '{' {
		return fail("not a JSON object")
	}
	var (
		keys  []jsontext.Value
		found bool
		seen  = make(map[string]bool)
	)
	for dec.PeekKind() != '}' {
		rawName, err := dec.ReadValue()
		if err != nil {
			return fail("%v", err)
		}
		var name string
		if !rawName.IsValid() || json.Unmarshal(rawName, &name) != nil {
			return fail("member name at offset %d is not valid UTF-8", dec.InputOffset()-int64(len(rawName)))
		}
		if seen[name] {
			return fail("duplicate member %q", name)
		}
		seen[name] = true
		if name != "keys" {
			v, err := dec.ReadValue()
			if err != nil {
				return fail("%v", err)
			}
			if !v.IsValid() {
				return fail("member %q is not strict JSON", name)
			}
			continue
		}
		found = true
		if dec.PeekKind() != '[' {
			return fail("member \"keys\" is not an array")
		}
		if _, err := dec.ReadToken(); err != nil {
			return fail("%v", err)
		}
		keys = []jsontext.Value{}
		for dec.PeekKind() != ']' {
			v, err := dec.ReadValue()
			if err != nil {
				return fail("%v", err)
			}
			if len(keys) == MaxJWKSetKeys {
				return fail("more than %d keys", MaxJWKSetKeys)
			}
			end := dec.InputOffset()
			keys = append(keys, jsontext.Value(data[end-int64(len(v)):end:end]))
		}
		if _, err := dec.ReadToken(); err != nil {
			return fail("%v", err)
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return fail("%v", err)
	}
	if _, err := dec.ReadToken(); !errors.Is(err, io.EOF) {
		return fail("data after the JSON object")
	}
	if !found {
		return fail("no \"keys\" member")
	}
	return keys, nil
}
