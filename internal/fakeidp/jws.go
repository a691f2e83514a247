package fakeidp

import (
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"time"
)

// Claims are the claims of a token to mint, or changes to a fake's default
// claims: an entry replaces the claim of that name, and an entry whose
// value is nil removes it (use json.RawMessage("null") for a JSON null).
type Claims map[string]any

// apply returns base with over applied.
func (c Claims) apply(over Claims) Claims {
	out := maps.Clone(c)
	for k, v := range over {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = v
	}
	return out
}

var b64 = base64.RawURLEncoding

// signRS256 makes a compact JWS with RSASSA-PKCS1-v1_5 and SHA-256.
func signRS256(key *rsa.PrivateKey, header map[string]any, claims Claims) string {
	input := signingInput(header, claims)
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest[:])
	if err != nil {
		panic(fmt.Sprintf("fakeidp: RS256 signature: %v", err)) // a valid key never fails
	}
	return input + "." + b64.EncodeToString(sig)
}

// signHS256 makes a compact JWS with HMAC SHA-256.
func signHS256(secret []byte, header map[string]any, claims Claims) string {
	input := signingInput(header, claims)
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(input))
	return input + "." + b64.EncodeToString(mac.Sum(nil))
}

func signingInput(header map[string]any, claims Claims) string {
	h, err := json.Marshal(header)
	if err != nil {
		panic(fmt.Sprintf("fakeidp: header: %v", err))
	}
	c, err := json.Marshal(claims)
	if err != nil {
		panic(fmt.Sprintf("fakeidp: claims: %v", err))
	}
	return b64.EncodeToString(h) + "." + b64.EncodeToString(c)
}

// randomUUID returns a random version 4 UUID, the form of Keycloak's sub,
// sid and jti.
func randomUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// randomKID returns a random key ID of n bytes, base64url.
func randomKID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b64.EncodeToString(b)
}

// clock returns now, or time.Now when now is nil.
func clock(now func() time.Time) func() time.Time {
	if now == nil {
		return time.Now
	}
	return now
}

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// oauthError answers an OAuth 2.0 error (RFC 6749 section 5.2).
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}
