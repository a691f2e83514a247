package remotecheck

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/verify"
)

var strictB64 = base64.RawURLEncoding.Strict()

// checkShape refuses a token that no issuer could have made: empty, longer
// than maxBytes, or holding anything but printable ASCII (no spaces, no
// control characters, nothing above 0x7e).
func checkShape(token string, maxBytes int) error {
	if len(token) > maxBytes {
		return fmt.Errorf("%w (%w: %d bytes, limit %d)", verify.ErrMalformed, verify.ErrTooLarge, len(token), maxBytes)
	}
	if token == "" {
		return fmt.Errorf("%w: empty token", verify.ErrMalformed)
	}
	for i := 0; i < len(token); i++ {
		if c := token[i]; c < 0x21 || c > 0x7e {
			return fmt.Errorf("%w: character 0x%02x at offset %d is not printable ASCII", verify.ErrMalformed, c, i)
		}
	}
	return nil
}

// jwtPayload returns the decoded payload of token when the token is a JWT
// (three strict base64url segments whose first decodes to a JSON object),
// and nil when it is anything else, an opaque token for instance. Nothing
// in it is verified: use it only to refuse a token, or when the issuer has
// vouched for the token.
func jwtPayload(token string) []byte {
	h, rest, ok := strings.Cut(token, ".")
	if !ok {
		return nil
	}
	p, sig, ok := strings.Cut(rest, ".")
	if !ok || strings.Contains(sig, ".") || h == "" || p == "" {
		return nil
	}
	if !isB64URL(sig) {
		return nil
	}
	header, err := strictB64.DecodeString(h)
	if err != nil || !isObject(header) {
		return nil
	}
	payload, err := strictB64.DecodeString(p)
	if err != nil {
		return nil
	}
	return payload
}

// isB64URL reports whether s holds only base64url characters in a valid
// length.
func isB64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return len(s)%4 != 1
}

// isObject reports whether b is exactly one strict JSON object.
func isObject(b []byte) bool {
	if jsontext.Value(b).Kind() != '{' {
		return false
	}
	return jsontext.Value(b).IsValid()
}

// strictJWT reads a token that must be a compact JWT (three base64url
// segments, the last one non-empty, a JSON object header and payload) with
// an exp that is a NumericDate, all without verifying anything. It returns
// the payload and exp, or verify.ErrMalformed: no issuer that signs its
// tokens would have made such a token, so it is refused without a call.
func strictJWT(token string) ([]byte, time.Time, error) {
	payload := jwtPayload(token)
	if payload == nil || strings.HasSuffix(token, ".") {
		return nil, time.Time{}, fmt.Errorf("%w: not a compact signed JWT", verify.ErrMalformed)
	}
	exp, err := payloadExpiry(payload)
	if err != nil {
		return nil, time.Time{}, err
	}
	if exp.IsZero() {
		return nil, time.Time{}, fmt.Errorf("%w: unverified payload has no exp", verify.ErrMalformed)
	}
	return payload, exp, nil
}

// unverifiedExpiry reads exp from a JWT's payload, which has not been
// verified. It returns the zero time for a token that is not a JWT or has
// no exp, and verify.ErrMalformed for a JWT whose payload is not a strict
// JSON object or whose exp is not a NumericDate: an issuer would not make
// such a token, so it is refused without a call.
func unverifiedExpiry(token string) (time.Time, error) {
	payload := jwtPayload(token)
	if payload == nil {
		return time.Time{}, nil
	}
	return payloadExpiry(payload)
}

// payloadExpiry reads exp from an unverified JWT payload: the zero time when
// absent, verify.ErrMalformed when the payload is not a strict JSON object
// or exp not a NumericDate.
func payloadExpiry(payload []byte) (time.Time, error) {
	var p struct {
		Exp claims.NumericDate `json:"exp"`
	}
	if err := json.Unmarshal(payload, &p); err != nil {
		return time.Time{}, fmt.Errorf("%w: unverified payload: %s", verify.ErrMalformed, describeJSON(err))
	}
	return p.Exp.Time, nil
}
