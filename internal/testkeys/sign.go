package testkeys

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"testing"
)

var b64 = base64.RawURLEncoding

// Sign returns a compact JWS (header.payload.signature) over payload, the raw
// bytes of the payload (usually a JSON claims object), signed with the
// standard library alone.
//
// The header is {"alg": alg} merged with header: an entry of header replaces
// "alg" (to make a token whose header lies about its algorithm), and an entry
// whose value is nil is left out (so {"alg": nil} makes a header without
// alg; use json.RawMessage("null") for an explicit null). The header is
// marshaled by encoding/json, members sorted, without HTML escaping. For a
// header that encoding/json cannot produce (duplicate members, odd
// spacing), use SignRawHeader.
//
// alg picks the algorithm, whatever the header says:
//   - RS256, RS384, RS512: RSASSA-PKCS1-v1_5; key is a crypto.Signer with an
//     RSA public key, such as *rsa.PrivateKey.
//   - PS256, PS384, PS512: RSASSA-PSS, salt as long as the hash.
//   - ES256, ES384, ES512: ECDSA, the signature R || S, each as wide as the
//     key's curve (RFC 7518 section 3.4); key is a crypto.Signer with an
//     ECDSA public key. The curve is not checked against alg, so that tests
//     can make tokens whose key does not fit.
//   - EdDSA and Ed25519 (RFC 9864): Ed25519; key is an ed25519.PrivateKey or
//     another crypto.Signer.
//   - HS256, HS384, HS512: HMAC; key is a []byte or a type based on []byte.
//   - none: an empty signature; key is ignored.
func Sign(t testing.TB, alg string, key any, header map[string]any, payload []byte) string {
	t.Helper()
	h := map[string]any{"alg": alg}
	for k, v := range header {
		if v == nil {
			delete(h, k)
			continue
		}
		h[k] = v
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(h); err != nil {
		t.Fatalf("testkeys: header: %v", err)
	}
	return SignRawHeader(t, alg, key, bytes.TrimSuffix(buf.Bytes(), []byte("\n")), payload)
}

// SignClaims is Sign with claims marshaled by encoding/json as the payload.
func SignClaims(t testing.TB, alg string, key any, header map[string]any, claims any) string {
	t.Helper()
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatalf("testkeys: claims: %v", err)
	}
	return Sign(t, alg, key, header, payload)
}

// SignRawHeader is Sign with the header given as the exact bytes to encode.
func SignRawHeader(t testing.TB, alg string, key any, header, payload []byte) string {
	t.Helper()
	input := b64.EncodeToString(header) + "." + b64.EncodeToString(payload)
	sig, err := Signature(alg, key, []byte(input))
	if err != nil {
		t.Fatalf("testkeys: %v", err)
	}
	return input + "." + b64.EncodeToString(sig)
}

// Signature returns the JWS signature of alg over signingInput (the ASCII
// "header.payload"), as Sign computes it, before base64url encoding.
func Signature(alg string, key any, signingInput []byte) ([]byte, error) {
	if alg == "none" {
		return []byte{}, nil
	}
	var h crypto.Hash
	switch alg[min(2, len(alg)):] {
	case "256":
		h = crypto.SHA256
	case "384":
		h = crypto.SHA384
	case "512":
		h = crypto.SHA512
	}
	if len(alg) >= 2 && alg[:2] == "HS" && h != 0 {
		secret, ok := octets(key)
		if !ok {
			return nil, fmt.Errorf("%s needs a []byte secret, not %T", alg, key)
		}
		m := hmac.New(h.New, secret)
		m.Write(signingInput)
		return m.Sum(nil), nil
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%s needs a crypto.Signer, not %T", alg, key)
	}
	if alg == "EdDSA" || alg == "Ed25519" {
		return signer.Sign(rand.Reader, signingInput, crypto.Hash(0))
	}
	if h == 0 {
		return nil, fmt.Errorf("unsupported alg %q", alg)
	}
	d := h.New()
	d.Write(signingInput)
	digest := d.Sum(nil)
	switch alg[:2] {
	case "RS":
		return signer.Sign(rand.Reader, digest, h)
	case "PS":
		return signer.Sign(rand.Reader, digest, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: h})
	case "ES":
		pub, ok := signer.Public().(*ecdsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("%s needs an ECDSA key, not %T", alg, signer.Public())
		}
		der, err := signer.Sign(rand.Reader, digest, h)
		if err != nil {
			return nil, err
		}
		var rs struct{ R, S *big.Int }
		if rest, err := asn1.Unmarshal(der, &rs); err != nil || len(rest) > 0 {
			return nil, fmt.Errorf("ECDSA signature is not DER: %v", err)
		}
		size := (pub.Curve.Params().BitSize + 7) / 8
		out := make([]byte, 2*size)
		rs.R.FillBytes(out[:size])
		rs.S.FillBytes(out[size:])
		return out, nil
	}
	return nil, fmt.Errorf("unsupported alg %q", alg)
}

// octets returns key as bytes when its type is based on []byte.
func octets(key any) ([]byte, bool) {
	v := reflect.ValueOf(key)
	if !v.IsValid() || v.Kind() != reflect.Slice || v.Type().Elem().Kind() != reflect.Uint8 {
		return nil, false
	}
	return v.Bytes(), true
}
