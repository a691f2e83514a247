package main

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"strings"
)

// result is the one JSON object jwtverify prints.
type result struct {
	Valid bool `json:"valid"`
	// Reason is verify.Reason of the failure.
	Reason string `json:"reason,omitempty"`
	// Error is the verifier's error message.
	Error string `json:"error,omitempty"`
	// Hint explains the failure with the token's own values, when it can.
	Hint string `json:"hint,omitempty"`
	// Header is the verified JOSE header.
	Header json.RawMessage `json:"header,omitempty"`
	// Claims is the verified payload, as sent.
	Claims json.RawMessage `json:"claims,omitempty"`
	// Payload is the verified payload in base64url (-signature-only).
	Payload string `json:"payload,omitempty"`
	// Key names the key that verified the signature.
	Key *keyInfo `json:"key,omitempty"`
	// Unverified holds what the token says about itself when it was
	// rejected. Nothing in it is trusted.
	Unverified *unverified `json:"unverified,omitempty"`
	// Warnings lists what was not checked.
	Warnings []string `json:"warnings,omitempty"`
}

type keyInfo struct {
	KID  string `json:"kid,omitempty"`
	Type string `json:"type"`
	Alg  string `json:"alg,omitempty"`
}

type unverified struct {
	Header json.RawMessage `json:"header,omitempty"`
	Claims json.RawMessage `json:"claims,omitempty"`
}

// write prints r as indented JSON.
func (r *result) write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// peek decodes the token's header and payload without trusting them, for
// the output of a rejected token. Parts that are not base64url JSON are
// left out.
func peek(token string) *unverified {
	parts := strings.Split(token, ".")
	if len(parts) < 2 {
		return nil
	}
	u := &unverified{Header: rawJSON(parts[0]), Claims: rawJSON(parts[1])}
	if u.Header == nil && u.Claims == nil {
		return nil
	}
	return u
}

func rawJSON(seg string) json.RawMessage {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil || !json.Valid(b) {
		return nil
	}
	return b
}
