package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/jwtguard/jwtguard/revocation"
)

// maxToken caps the token read from stdin.
const maxToken = 64 << 10

// tokenClaims are the claims the token command reads, unverified.
type tokenClaims struct {
	Issuer    *string      `json:"iss"`
	ID        *string      `json:"jti"`
	ExpiresAt *json.Number `json:"exp"`
	Session   string       `json:"sid"`
	Subject   string       `json:"sub"`
}

// tokenEntry reads token (or, when it is "" or "-", stdin) without
// verifying it, and returns the entry that revokes it: its iss, jti and
// exp. Reading unverified claims is safe here: a revocation can only
// refuse tokens.
func tokenEntry(token string, stdin io.Reader) (revocation.Entry, error) {
	if token == "" || token == "-" {
		b, err := io.ReadAll(io.LimitReader(stdin, maxToken+1))
		if err != nil {
			return revocation.Entry{}, fmt.Errorf("reading the token from stdin: %w", err)
		}
		if len(b) > maxToken {
			return revocation.Entry{}, fmt.Errorf("stdin holds more than %d bytes: not a token", maxToken)
		}
		token = string(bytes.TrimSpace(b))
	}
	if token == "" {
		return revocation.Entry{}, errors.New("no token: give it as the argument, or on stdin")
	}
	parts := strings.Split(token, ".")
	switch {
	case len(parts) == 5:
		return revocation.Entry{}, errors.New("the token is encrypted (JWE): its claims cannot be read")
	case len(parts) != 3:
		return revocation.Entry{}, errors.New("not a JWT: a compact JWT has three dot-separated parts")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return revocation.Entry{}, errors.New("not a JWT: the payload is not base64url")
	}
	var c tokenClaims
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if err := dec.Decode(&c); err != nil {
		return revocation.Entry{}, fmt.Errorf("not a JWT: the payload is not a JSON object of claims: %v", err)
	}
	other := alternatives(c)
	switch {
	case c.Issuer == nil || *c.Issuer == "":
		return revocation.Entry{}, errors.New("the token has no iss: a revocation is scoped to the issuer, and a verifier never accepts a token without one")
	case c.ID == nil || *c.ID == "":
		return revocation.Entry{}, fmt.Errorf("the token has no jti, so it cannot be revoked alone; revoke %s instead", other)
	case c.ExpiresAt == nil:
		return revocation.Entry{}, fmt.Errorf("the token has no exp, so an entry for it could never expire; revoke %s instead", other)
	}
	exp, err := c.ExpiresAt.Float64()
	if err != nil || exp <= 0 || exp > 1e11 || math.IsNaN(exp) {
		return revocation.Entry{}, fmt.Errorf("the token's exp %s is not a time", c.ExpiresAt)
	}
	sec, frac := math.Modf(exp)
	return revocation.TokenEntry(*c.Issuer, *c.ID, time.Unix(int64(sec), int64(math.Ceil(frac*1e9)))), nil
}

// alternatives suggests, for a token that cannot be revoked by jti, the
// commands that can reach it.
func alternatives(c tokenClaims) string {
	var alt []string
	if c.Session != "" {
		alt = append(alt, fmt.Sprintf("its session (session -sid %q)", c.Session))
	}
	if c.Subject != "" {
		alt = append(alt, fmt.Sprintf("its subject's tokens (subject -sub %q)", c.Subject))
	}
	alt = append(alt, "its client's tokens (client -client ID)")
	return strings.Join(alt, ", or ")
}
