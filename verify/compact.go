package verify

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	// Imported under another name: the package tests declare b64url.
	b64 "github.com/jwtguard/jwtguard/internal/b64url"
)

// compact is a token split into its three segments. The strings point into
// the token; nothing is copied.
type compact struct {
	header, payload, signature string
	signingInput               string // header "." payload
}

// splitCompact checks the token's outer shape: not too long, not JSON
// serialization, exactly two dots, no line breaks. The segments' alphabet is
// checked by the strict base64url decoding every segment goes through
// before any key is used (the unpadded alphabet only: padding, spaces and
// the standard alphabet's "+" and "/" are refused); line breaks are checked
// here too, so that the token's shape never depends on a decoder that
// skips them (as encoding/base64 does). Every search here is a
// vectorized byte scan.
func splitCompact(token string, maxBytes int) (compact, error) {
	if len(token) > maxBytes {
		return compact{}, fmt.Errorf("%w (%w: %d bytes, limit %d)", ErrMalformed, ErrTooLarge, len(token), maxBytes)
	}
	if token == "" {
		return compact{}, fmt.Errorf("%w: empty token", ErrMalformed)
	}
	if token[0] == '{' {
		return compact{}, ErrJSONSerialization
	}
	first := strings.IndexByte(token, '.')
	second := -1
	if first >= 0 {
		if i := strings.IndexByte(token[first+1:], '.'); i >= 0 {
			second = first + 1 + i
		}
	}
	if second < 0 || strings.IndexByte(token[second+1:], '.') >= 0 {
		n := strings.Count(token, ".")
		if n == 4 {
			return compact{}, ErrJWE
		}
		return compact{}, fmt.Errorf("%w: %d segments, want 3", ErrMalformed, n+1)
	}
	if strings.IndexByte(token, '\n') >= 0 || strings.IndexByte(token, '\r') >= 0 {
		return compact{}, fmt.Errorf("%w: line break in the token", ErrMalformed)
	}
	c := compact{
		header:       token[:first],
		payload:      token[first+1 : second],
		signature:    token[second+1:],
		signingInput: token[:second],
	}
	if c.header == "" {
		return compact{}, fmt.Errorf("%w: empty header", ErrMalformed)
	}
	// An empty signature is left to the signature check, so that an
	// unsigned "alg":"none" token fails on its algorithm.
	for _, seg := range [3]string{c.header, c.payload, c.signature} {
		if len(seg)%4 == 1 {
			return compact{}, fmt.Errorf("%w: segment length is not valid base64url", ErrMalformed)
		}
	}
	return c, nil
}

// decodeSegment appends the decoded segment to dst, growing it at most
// once. The decoding is exactly as strict as encoding/base64's
// RawURLEncoding.Strict(): the unpadded URL alphabet only, no len%4 == 1,
// and zero trailing bits, so every token has exactly one encoding; it also
// refuses line breaks, which encoding/base64 would skip (splitCompact
// refuses them first anyway). seg is read in place, never copied.
func decodeSegment(dst []byte, seg string) ([]byte, error) {
	out, err := b64.AppendDecode(dst, seg)
	if err != nil {
		return nil, fmt.Errorf("%w: invalid base64url", ErrMalformed)
	}
	return out, nil
}

// maxDepth bounds the nesting of the header and the claims. Real tokens
// nest two or three levels; the bound keeps a hostile token from costing
// stack and time in the decoder.
const maxDepth = 32

// checkDepth refuses JSON nested deeper than maxDepth. It scans bytes only
// and leaves every other syntax check to the decoder.
func checkDepth(b []byte) error {
	// Nesting deeper than maxDepth needs more than maxDepth openers; most
	// payloads have a handful, and counting a byte is a vectorized scan.
	if bytes.Count(b, []byte{'{'})+bytes.Count(b, []byte{'['}) <= maxDepth {
		return nil
	}
	depth := 0
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > maxDepth {
				return fmt.Errorf("%w: JSON nested deeper than %d levels", ErrMalformed, maxDepth)
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}

// header holds the JOSE header members the verifier acts on. Presence of
// the members it refuses is all that matters, so they stay raw.
type header struct {
	Alg  string         `json:"alg"`
	Kid  string         `json:"kid"`
	Typ  string         `json:"typ"`
	Cty  string         `json:"cty"`
	Crit jsontext.Value `json:"crit"`
	B64  jsontext.Value `json:"b64"`
	JWK  jsontext.Value `json:"jwk"`
	JKU  jsontext.Value `json:"jku"`
	X5U  jsontext.Value `json:"x5u"`
	X5C  jsontext.Value `json:"x5c"`
}

// decodeHeader decodes and checks the protected header. Member names match
// exactly (case-sensitive), duplicate names and invalid UTF-8 are refused.
func decodeHeader(seg string) (header, []byte, error) {
	var buf [512]byte
	raw, err := decodeSegment(buf[:0], seg)
	if err != nil {
		return header{}, nil, err
	}
	if err := checkDepth(raw); err != nil {
		return header{}, nil, err
	}
	var h header
	if err := json.Unmarshal(raw, &h); err != nil {
		return header{}, nil, jsonError(err, "header")
	}
	switch {
	case h.Crit != nil:
		return header{}, nil, fmt.Errorf("%w: %q", ErrCritical, "crit")
	case h.B64 != nil:
		return header{}, nil, fmt.Errorf("%w: %q (RFC 7797)", ErrCritical, "b64")
	case h.JWK != nil:
		return header{}, nil, fmt.Errorf("%w: %q", ErrHeaderKey, "jwk")
	case h.JKU != nil:
		return header{}, nil, fmt.Errorf("%w: %q", ErrHeaderKey, "jku")
	case h.X5U != nil:
		return header{}, nil, fmt.Errorf("%w: %q", ErrHeaderKey, "x5u")
	case h.X5C != nil:
		return header{}, nil, fmt.Errorf("%w: %q", ErrHeaderKey, "x5c")
	}
	return h, raw, nil
}

// jsonError classifies a decoding error: broken syntax (including duplicate
// names and invalid UTF-8) is ErrMalformed, a value of the wrong type is
// ErrClaims. Neither message carries the token's data.
func jsonError(err error, what string) error {
	var syn *jsontext.SyntacticError
	if errors.As(err, &syn) {
		return fmt.Errorf("%w: %s is not strict JSON: %s", ErrMalformed, what, describeSyntax(syn))
	}
	var sem *json.SemanticError
	if errors.As(err, &sem) {
		if what == "header" {
			return fmt.Errorf("%w: header member %s has the wrong type", ErrMalformed, printable(string(sem.JSONPointer)))
		}
		return fmt.Errorf("%w: claim %s has the wrong type or value", ErrClaims, printable(string(sem.JSONPointer)))
	}
	return fmt.Errorf("%w: %s is not strict JSON", ErrMalformed, what)
}

func describeSyntax(e *jsontext.SyntacticError) string {
	switch {
	case errors.Is(e, jsontext.ErrDuplicateName):
		return "duplicate member name " + printable(string(e.JSONPointer))
	case strings.Contains(e.Error(), "UTF-8"):
		return "invalid UTF-8"
	}
	return "syntax error at offset " + fmt.Sprint(e.ByteOffset)
}
