package fakeepr

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// The kinds of token the fake issues.
const (
	KindUser    = "user"
	KindPartner = "partner"
)

// Claims are the claims of a token the fake issues.
type Claims struct {
	Issuer    string `json:"iss"`
	Subject   string `json:"sub"`
	Kind      string `json:"kind"`
	IssuedAt  int64  `json:"iat"`
	ExpiresAt int64  `json:"exp"`
	ID        string `json:"jti"`
}

var b64 = base64.RawURLEncoding

// jwtHeader is the fixed header of the fake's tokens.
var jwtHeader = b64.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

// sign makes an HS256 JWT of c with key.
func sign(key []byte, c Claims) string {
	payload, err := json.Marshal(c)
	if err != nil {
		panic(err) // unreachable: Claims always marshals
	}
	input := jwtHeader + "." + b64.EncodeToString(payload)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(input))
	return input + "." + b64.EncodeToString(mac.Sum(nil))
}

var errBadToken = errors.New("fakeepr: not a token of this server")

// parse checks a token's signature with key and returns its claims. It does
// not look at exp or revocation.
func parse(key []byte, token string) (Claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[0] != jwtHeader {
		return Claims{}, errBadToken
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return Claims{}, errBadToken
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(parts[0] + "." + parts[1]))
	if !hmac.Equal(sig, mac.Sum(nil)) {
		return Claims{}, errBadToken
	}
	payload, err := b64.DecodeString(parts[1])
	if err != nil {
		return Claims{}, errBadToken
	}
	var c Claims
	if err := json.Unmarshal(payload, &c); err != nil {
		return Claims{}, errBadToken
	}
	return c, nil
}

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// expired reports whether c has expired at now.
func (c Claims) expired(now time.Time) bool {
	return !now.Before(time.Unix(c.ExpiresAt, 0))
}
