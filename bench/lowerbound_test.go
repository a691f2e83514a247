package bench

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"hash"
	"io"
	"math/big"
	"strings"
	"testing"
	"time"
)

// Errors of the hand-written verifier.
var (
	errMalformed = errors.New("malformed token")
	errAlg       = errors.New("unexpected alg")
	errKid       = errors.New("unknown kid")
	errSignature = errors.New("invalid signature")
	errExpired   = errors.New("token expired or without exp")
	errIssuer    = errors.New("issuer not accepted")
	errAudience  = errors.New("audience not accepted")
)

// roles is Keycloak's {"roles": [...]} object.
type roles struct {
	Roles []string `json:"roles"`
}

// kcFields are the claims of a Keycloak access token beyond the registered
// ones, decoded with encoding/json by the lower bound and the peers, so
// that every library decodes the same claims into a typed struct (jwx,
// which keeps private claims in a map, excepted).
type kcFields struct {
	Type              string           `json:"typ"`
	AuthorizedParty   string           `json:"azp"`
	SessionID         string           `json:"sid"`
	SessionState      string           `json:"session_state"`
	AuthTime          int64            `json:"auth_time"`
	ACR               string           `json:"acr"`
	Scope             string           `json:"scope"`
	RealmAccess       roles            `json:"realm_access"`
	ResourceAccess    map[string]roles `json:"resource_access"`
	AllowedOrigins    []string         `json:"allowed-origins"`
	PreferredUsername string           `json:"preferred_username"`
	Email             string           `json:"email"`
	EmailVerified     bool             `json:"email_verified"`
	Name              string           `json:"name"`
	GivenName         string           `json:"given_name"`
	FamilyName        string           `json:"family_name"`
	AccountIDs        string           `json:"account_ids"`
}

// audienceList decodes "aud", a string or an array of strings.
type audienceList []string

func (a *audienceList) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		*a = audienceList{s}
		return nil
	}
	return json.Unmarshal(data, (*[]string)(a))
}

// minimalClaims is the hand-written verifier's claims struct.
type minimalClaims struct {
	Issuer    string       `json:"iss"`
	Subject   string       `json:"sub"`
	Audience  audienceList `json:"aud"`
	ExpiresAt int64        `json:"exp"`
	NotBefore int64        `json:"nbf"`
	IssuedAt  int64        `json:"iat"`
	ID        string       `json:"jti"`
	kcFields
}

// rawVerify returns the lower bound of all: the signature check alone, over
// the already decoded signing input and signature, hashing included. The
// HMAC is keyed once and reset for every token, and the ECDSA signature is
// already in ASN.1, so no row can beat these by skipping work they do.
// The returned function is not safe for concurrent use (HS256).
func rawVerify(f *fixture) func() error {
	input, sig := f.signingInput, f.sig
	switch f.alg {
	case "RS256":
		pub := f.pub.(*rsa.PublicKey)
		return func() error {
			h := sha256.Sum256(input)
			return rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig)
		}
	case "PS256":
		pub := f.pub.(*rsa.PublicKey)
		opts := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}
		return func() error {
			h := sha256.Sum256(input)
			return rsa.VerifyPSS(pub, crypto.SHA256, h[:], sig, opts)
		}
	case "ES256":
		pub, der := f.pub.(*ecdsa.PublicKey), f.sigASN1
		return func() error {
			h := sha256.Sum256(input)
			if !ecdsa.VerifyASN1(pub, h[:], der) {
				return errSignature
			}
			return nil
		}
	case "EdDSA":
		pub := f.pub.(ed25519.PublicKey)
		return func() error {
			if !ed25519.Verify(pub, input, sig) {
				return errSignature
			}
			return nil
		}
	case "HS256":
		mac := hmac.New(sha256.New, f.pub.([]byte))
		var buf [sha256.Size]byte
		return func() error {
			mac.Reset()
			mac.Write(input)
			if !hmac.Equal(mac.Sum(buf[:0]), sig) {
				return errSignature
			}
			return nil
		}
	}
	return nil
}

// minimalVerifier is what a careful developer would write by hand with the
// standard library: split on the dots, decode the header and check its alg
// and kid, decode and check the signature, decode the claims with
// encoding/json into a struct, and check exp (required), iss and aud. It
// accepts only f's algorithm and kid.
type minimalVerifier struct {
	alg, kid string
	pub      any
}

func (m *minimalVerifier) verify(token string) (*minimalClaims, error) {
	i := strings.IndexByte(token, '.')
	j := strings.LastIndexByte(token, '.')
	if i < 0 || i == j {
		return nil, errMalformed
	}
	hb, err := b64.DecodeString(token[:i])
	if err != nil {
		return nil, errMalformed
	}
	var h struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if err := json.Unmarshal(hb, &h); err != nil {
		return nil, errMalformed
	}
	if h.Alg != m.alg {
		return nil, errAlg
	}
	if h.Kid != m.kid {
		return nil, errKid
	}
	sig, err := b64.DecodeString(token[j+1:])
	if err != nil {
		return nil, errMalformed
	}
	if err := m.checkSignature(token[:j], sig); err != nil {
		return nil, err
	}
	payload, err := b64.DecodeString(token[i+1 : j])
	if err != nil {
		return nil, errMalformed
	}
	c := new(minimalClaims)
	if err := json.Unmarshal(payload, c); err != nil {
		return nil, errMalformed
	}
	now := time.Now()
	if c.ExpiresAt == 0 || now.Add(-leeway).Unix() >= c.ExpiresAt {
		return nil, errExpired
	}
	if c.Issuer != issuer {
		return nil, errIssuer
	}
	for _, a := range c.Audience {
		if a == audience {
			return c, nil
		}
	}
	return nil, errAudience
}

func (m *minimalVerifier) checkSignature(input string, sig []byte) error {
	var sum [sha256.Size]byte
	digest := func(h hash.Hash) []byte {
		io.WriteString(h, input)
		return h.Sum(sum[:0])
	}
	switch m.alg {
	case "RS256":
		return rsa.VerifyPKCS1v15(m.pub.(*rsa.PublicKey), crypto.SHA256, digest(sha256.New()), sig)
	case "PS256":
		return rsa.VerifyPSS(m.pub.(*rsa.PublicKey), crypto.SHA256, digest(sha256.New()), sig,
			&rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	case "ES256":
		if len(sig) != 64 {
			return errSignature
		}
		r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
		if !ecdsa.Verify(m.pub.(*ecdsa.PublicKey), digest(sha256.New()), r, s) {
			return errSignature
		}
	case "EdDSA":
		if !ed25519.Verify(m.pub.(ed25519.PublicKey), []byte(input), sig) {
			return errSignature
		}
	case "HS256":
		if !hmac.Equal(digest(hmac.New(sha256.New, m.pub.([]byte))), sig) {
			return errSignature
		}
	default:
		return errAlg
	}
	return nil
}

func newMinimal(_ testing.TB, f *fixture) func(string) error {
	m := &minimalVerifier{alg: f.alg, kid: f.kid, pub: f.pub}
	return func(token string) error {
		_, err := m.verify(token)
		return err
	}
}
