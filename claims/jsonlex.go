package claims

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// This file holds the small JSON lexer behind the custom unmarshalers. Both
// JSON decoders the package supports hand UnmarshalJSON a complete, already
// validated value, but UnmarshalJSON is also callable directly, so every
// function here treats its input as untrusted: it validates what it reads and
// never indexes past the end.
//
// Strings are decoded strictly, as github.com/go-json-experiment/json does by
// default: invalid UTF-8, unpaired surrogate escapes and raw control
// characters are errors (encoding/json would silently substitute U+FFFD).

var (
	errSyntax        = errors.New("invalid JSON")
	errInvalidUTF8   = errors.New("invalid UTF-8 in string")
	errControlInStr  = errors.New("control character in string")
	errTrailingBytes = errors.New("invalid JSON: data after the value")
)

// isSpace reports whether c is JSON insignificant whitespace.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

// trimSpace returns b without leading and trailing JSON whitespace.
func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// skipSpace returns b without leading JSON whitespace.
func skipSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	return b
}

// isNull reports whether b, already trimmed, is the JSON literal null.
func isNull(b []byte) bool {
	return string(b) == "null"
}

// kindOf names the kind of JSON value that b starts with, for error
// messages, or returns "" if b does not start like a JSON value.
func kindOf(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	switch b[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't':
		if bytes.HasPrefix(b, []byte("true")) {
			return "boolean"
		}
	case 'f':
		if bytes.HasPrefix(b, []byte("false")) {
			return "boolean"
		}
	case 'n':
		if bytes.HasPrefix(b, []byte("null")) {
			return "null"
		}
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return "number"
	}
	return ""
}

// kindError reports that b, the whole value given to an UnmarshalJSON, is
// not of the wanted kind, wrapping sentinel.
func kindError(sentinel error, b []byte, want string) error {
	k := kindOf(b)
	if k == "" {
		return fmt.Errorf("%w: %w", sentinel, errSyntax)
	}
	return fmt.Errorf("%w: got JSON %s, want %s", sentinel, k, want)
}

// readString decodes the JSON string at the start of b and returns its value
// and the bytes after it. The common case, a string without escapes, costs
// one allocation: the returned string.
func readString(b []byte) (string, []byte, error) {
	if len(b) == 0 || b[0] != '"' {
		return "", nil, errSyntax
	}
	ascii := true
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			if !ascii && !utf8.Valid(b[1:i]) {
				return "", nil, errInvalidUTF8
			}
			return string(b[1:i]), b[i+1:], nil
		case c == '\\':
			return readEscapedString(b, i)
		case c < 0x20:
			return "", nil, errControlInStr
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return "", nil, errSyntax
}

// readEscapedString is the slow path of readString: b[1:i] holds plain
// characters and b[i] is the first backslash.
func readEscapedString(b []byte, i int) (string, []byte, error) {
	buf := make([]byte, 0, i+16)
	buf = append(buf, b[1:i]...)
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			if !utf8.Valid(buf) {
				return "", nil, errInvalidUTF8
			}
			return string(buf), b[i+1:], nil
		case c < 0x20:
			return "", nil, errControlInStr
		case c != '\\':
			buf = append(buf, c)
			i++
			continue
		}
		if i+1 >= len(b) {
			return "", nil, errSyntax
		}
		switch b[i+1] {
		case '"', '\\', '/':
			buf = append(buf, b[i+1])
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, n, err := readUnicodeEscape(b[i:])
			if err != nil {
				return "", nil, err
			}
			buf = utf8.AppendRune(buf, r)
			i += n
			continue
		default:
			return "", nil, errSyntax
		}
		i += 2
	}
	return "", nil, errSyntax
}

// readUnicodeEscape decodes the \uXXXX escape at the start of b, with its
// low surrogate if it is a high one, and returns the rune and the number of
// bytes consumed. An unpaired surrogate is invalid UTF-8.
func readUnicodeEscape(b []byte) (rune, int, error) {
	r, ok := hex4(b)
	if !ok {
		return 0, 0, errSyntax
	}
	switch {
	case r < 0xd800 || r > 0xdfff:
		return r, 6, nil
	case r >= 0xdc00:
		return 0, 0, errInvalidUTF8 // low surrogate first
	}
	if len(b) < 12 || b[6] != '\\' || b[7] != 'u' {
		return 0, 0, errInvalidUTF8
	}
	r2, ok := hex4(b[6:])
	if !ok {
		return 0, 0, errSyntax
	}
	if r2 < 0xdc00 || r2 > 0xdfff {
		return 0, 0, errInvalidUTF8
	}
	return 0x10000 + (r-0xd800)<<10 + (r2 - 0xdc00), 12, nil
}

// hex4 decodes the four hex digits of the \uXXXX escape at the start of b.
func hex4(b []byte) (rune, bool) {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return 0, false
	}
	var r rune
	for _, c := range b[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// elementError reports an array element that is not a JSON string.
type elementError struct {
	index int
	kind  string
}

func (e *elementError) Error() string {
	return "array element " + strconv.Itoa(e.index) + " is a JSON " + e.kind + ", want string"
}

// readStringArray decodes b, which must be exactly one JSON array of strings
// (surrounding whitespace allowed). An empty array gives a non-nil, empty
// slice.
func readStringArray(b []byte) ([]string, error) {
	b = skipSpace(b)
	if len(b) == 0 || b[0] != '[' {
		return nil, errSyntax
	}
	b = skipSpace(b[1:])
	if len(b) > 0 && b[0] == ']' {
		if len(trimSpace(b[1:])) != 0 {
			return nil, errTrailingBytes
		}
		return []string{}, nil
	}
	list := make([]string, 0, 4)
	for {
		if len(b) == 0 || b[0] != '"' {
			if k := kindOf(b); k != "" {
				return nil, &elementError{index: len(list), kind: k}
			}
			return nil, errSyntax
		}
		s, rest, err := readString(b)
		if err != nil {
			return nil, err
		}
		list = append(list, s)
		b = skipSpace(rest)
		if len(b) == 0 {
			return nil, errSyntax
		}
		switch b[0] {
		case ',':
			b = skipSpace(b[1:])
			continue
		case ']':
			if len(trimSpace(b[1:])) != 0 {
				return nil, errTrailingBytes
			}
			return list, nil
		}
		return nil, errSyntax
	}
}

// readSingleString decodes b, which must be exactly one JSON string
// (surrounding whitespace allowed).
func readSingleString(b []byte) (string, error) {
	s, rest, err := readString(skipSpace(b))
	if err != nil {
		return "", err
	}
	if len(trimSpace(rest)) != 0 {
		return "", errTrailingBytes
	}
	return s, nil
}

// appendQuoted appends s to dst as a JSON string. Invalid UTF-8 is replaced
// by U+FFFD so the output is always valid JSON.
func appendQuoted(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, s[start:i]...)
				dst = append(dst, `\ufffd`...)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		if c >= 0x20 && c != '"' && c != '\\' {
			i++
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
