package bench

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// The claims every library checks: the issuer, one accepted audience, and
// the clock skew tolerated on exp, nbf and iat (jwtguard's default).
const (
	issuer   = "https://sso.example.com/realms/eat_realm"
	audience = "ea-api-edge"
	leeway   = 60 * time.Second
)

// algs are the algorithms every comparison runs for, in table order.
var algs = []string{"RS256", "PS256", "ES256", "EdDSA", "HS256"}

// keysDir holds the committed test keys of the jwtguard repository. The
// bench module cannot import jwtguard's internal/testkeys, so it reads the
// same files itself.
var keysDir = filepath.Join("..", "testdata", "keys")

var b64 = base64.RawURLEncoding

// fixture is one algorithm's key pair and the token every library verifies.
type fixture struct {
	alg   string
	kid   string
	token string
	// signingInput is header.payload, and sig the decoded signature, for the
	// raw signature rows.
	signingInput []byte
	sig          []byte
	// sigASN1 is an ECDSA signature re-encoded as ASN.1 (ES256 only).
	sigASN1 []byte
	// pub is the verification key: *rsa.PublicKey, *ecdsa.PublicKey,
	// ed25519.PublicKey or the HMAC secret as []byte.
	pub  any
	priv crypto.PrivateKey
	// jwks is a JWK Set holding only pub, with kid, alg and "use": "sig".
	jwks []byte
	// payload is the token's claims JSON.
	payload []byte
}

var (
	fixturesOnce sync.Once
	fixtures     map[string]*fixture
	fixturesErr  error
)

// fixtureFor returns the fixture of alg. All fixtures are made once per
// process, with exp a day after the process started, so that every library
// checks the token against its own clock (not all of them take an injected
// one) and every benchmark of one run sees the same tokens.
func fixtureFor(tb testing.TB, alg string) *fixture {
	tb.Helper()
	fixturesOnce.Do(func() { fixtures, fixturesErr = makeFixtures(time.Now()) })
	if fixturesErr != nil {
		tb.Fatal(fixturesErr)
	}
	f, ok := fixtures[alg]
	if !ok {
		tb.Fatalf("no fixture for %s", alg)
	}
	return f
}

func makeFixtures(now time.Time) (map[string]*fixture, error) {
	rsaKey, err := readPrivateKey[*rsa.PrivateKey]("rsa2048.pem")
	if err != nil {
		return nil, err
	}
	p256, err := readPrivateKey[*ecdsa.PrivateKey]("p256.pem")
	if err != nil {
		return nil, err
	}
	ed, err := readPrivateKey[ed25519.PrivateKey]("ed25519.pem")
	if err != nil {
		return nil, err
	}
	secret, err := os.ReadFile(filepath.Join(keysDir, "hmac.key"))
	if err != nil {
		return nil, err
	}
	pairs := map[string][2]any{
		"RS256": {rsaKey, &rsaKey.PublicKey},
		"PS256": {rsaKey, &rsaKey.PublicKey},
		"ES256": {p256, &p256.PublicKey},
		"EdDSA": {ed, ed.Public()},
		"HS256": {secret, secret},
	}
	payload, err := json.Marshal(keycloakClaims(now))
	if err != nil {
		return nil, err
	}
	out := make(map[string]*fixture, len(pairs))
	for _, alg := range algs {
		f := &fixture{alg: alg, kid: "bench-" + alg, priv: pairs[alg][0], pub: pairs[alg][1], payload: payload}
		header, err := json.Marshal(map[string]string{"alg": alg, "kid": f.kid, "typ": "JWT"})
		if err != nil {
			return nil, err
		}
		input := b64.EncodeToString(header) + "." + b64.EncodeToString(payload)
		f.sig, err = sign(alg, f.priv, []byte(input))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", alg, err)
		}
		f.signingInput = []byte(input)
		f.token = input + "." + b64.EncodeToString(f.sig)
		if alg == "ES256" {
			f.sigASN1 = ecdsaASN1(f.sig)
		}
		jwk, err := publicJWK(f.kid, alg, f.pub)
		if err != nil {
			return nil, err
		}
		f.jwks, err = json.Marshal(map[string]any{"keys": []any{jwk}})
		if err != nil {
			return nil, err
		}
		out[alg] = f
	}
	return out, nil
}

// keycloakClaims is a Keycloak-sized access token body (about 700 bytes of
// JSON), the shape of verify/bench_test.go's, with real-time dates.
func keycloakClaims(now time.Time) map[string]any {
	return map[string]any{
		"exp": now.Add(24 * time.Hour).Unix(), "iat": now.Unix(), "nbf": 0, "auth_time": now.Unix(),
		"jti": "b1f3c6a2-8d7e-4e8b-9c1a-2f7e5d3b9a10", "iss": issuer, "aud": []string{audience, "account"},
		"sub": "f4a9c1d2-5b7e-4c3a-8e2f-1a6d9b0c7e34", "typ": "Bearer", "azp": "ea-api-edge",
		"session_state": "7e1c9a2b-3d4f-4a5b-8c6d-9e0f1a2b3c4d", "sid": "7e1c9a2b-3d4f-4a5b-8c6d-9e0f1a2b3c4d", "acr": "1",
		"allowed-origins": []string{"https://app.e-attestations.com"},
		"realm_access":    map[string]any{"roles": []string{"offline_access", "uma_authorization", "default-roles-eat_realm"}},
		"resource_access": map[string]any{"account": map[string]any{"roles": []string{"manage-account", "manage-account-links", "view-profile"}}},
		"scope":           "openid profile email", "email_verified": true, "name": "Jeanne Martin",
		"preferred_username": "jeanne.martin", "given_name": "Jeanne", "family_name": "Martin",
		"email": "jeanne.martin@example.com", "account_ids": "118466",
	}
}

// withKid returns a token whose header names kid, with f's payload and
// signature: for the JWKS storm, whose tokens fail at the key lookup.
func (f *fixture) withKid(kid string) string {
	header, err := json.Marshal(map[string]string{"alg": f.alg, "kid": kid, "typ": "JWT"})
	if err != nil {
		panic(err)
	}
	return b64.EncodeToString(header) + "." + b64.EncodeToString(f.payload) + "." + b64.EncodeToString(f.sig)
}

func readPrivateKey[K any](name string) (K, error) {
	var zero K
	data, err := os.ReadFile(filepath.Join(keysDir, name))
	if err != nil {
		return zero, err
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return zero, fmt.Errorf("%s: no PEM block", name)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", name, err)
	}
	key, ok := k.(K)
	if !ok {
		return zero, fmt.Errorf("%s holds a %T", name, k)
	}
	return key, nil
}

// sign makes a JWS signature with the standard library alone.
func sign(alg string, priv crypto.PrivateKey, input []byte) ([]byte, error) {
	h := sha256.Sum256(input)
	switch alg {
	case "RS256":
		return rsa.SignPKCS1v15(rand.Reader, priv.(*rsa.PrivateKey), crypto.SHA256, h[:])
	case "PS256":
		return rsa.SignPSS(rand.Reader, priv.(*rsa.PrivateKey), crypto.SHA256, h[:],
			&rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	case "ES256":
		der, err := ecdsa.SignASN1(rand.Reader, priv.(*ecdsa.PrivateKey), h[:])
		if err != nil {
			return nil, err
		}
		return ecdsaFixed(der, 32)
	case "EdDSA":
		return ed25519.Sign(priv.(ed25519.PrivateKey), input), nil
	case "HS256":
		m := hmac.New(sha256.New, priv.([]byte))
		m.Write(input)
		return m.Sum(nil), nil
	}
	return nil, fmt.Errorf("unsupported alg %s", alg)
}

// ecdsaSig is the ASN.1 form of an ECDSA signature.
type ecdsaSig struct{ R, S *big.Int }

// ecdsaFixed turns an ASN.1 ECDSA signature into JWS's R || S form.
func ecdsaFixed(der []byte, size int) ([]byte, error) {
	var sig ecdsaSig
	if _, err := asn1.Unmarshal(der, &sig); err != nil {
		return nil, err
	}
	out := make([]byte, 2*size)
	sig.R.FillBytes(out[:size])
	sig.S.FillBytes(out[size:])
	return out, nil
}

// ecdsaASN1 turns JWS's R || S into the ASN.1 form crypto/ecdsa verifies.
func ecdsaASN1(sig []byte) []byte {
	n := len(sig) / 2
	der, err := asn1.Marshal(ecdsaSig{new(big.Int).SetBytes(sig[:n]), new(big.Int).SetBytes(sig[n:])})
	if err != nil {
		panic(err)
	}
	return der
}

// publicJWK describes pub as a JWK (RFC 7517, 7518, 8037).
func publicJWK(kid, alg string, pub any) (map[string]any, error) {
	jwk := map[string]any{"kid": kid, "alg": alg, "use": "sig"}
	switch k := pub.(type) {
	case *rsa.PublicKey:
		jwk["kty"] = "RSA"
		jwk["n"] = b64.EncodeToString(k.N.Bytes())
		jwk["e"] = b64.EncodeToString(big.NewInt(int64(k.E)).Bytes())
	case *ecdsa.PublicKey:
		e, err := k.ECDH()
		if err != nil {
			return nil, err
		}
		p := e.Bytes() // 0x04 || X || Y
		n := (len(p) - 1) / 2
		jwk["kty"], jwk["crv"] = "EC", "P-256"
		jwk["x"], jwk["y"] = b64.EncodeToString(p[1:1+n]), b64.EncodeToString(p[1+n:])
	case ed25519.PublicKey:
		jwk["kty"], jwk["crv"] = "OKP", "Ed25519"
		jwk["x"] = b64.EncodeToString(k)
	case []byte:
		jwk["kty"] = "oct"
		jwk["k"] = b64.EncodeToString(k)
	default:
		return nil, fmt.Errorf("unsupported key %T", pub)
	}
	return jwk, nil
}

// signClaims signs other claims with f's key, kid and algorithm.
func (f *fixture) signClaims(tb testing.TB, claims map[string]any) string {
	tb.Helper()
	header, err := json.Marshal(map[string]string{"alg": f.alg, "kid": f.kid, "typ": "JWT"})
	if err != nil {
		tb.Fatal(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		tb.Fatal(err)
	}
	input := b64.EncodeToString(header) + "." + b64.EncodeToString(payload)
	sig, err := sign(f.alg, f.priv, []byte(input))
	if err != nil {
		tb.Fatal(err)
	}
	return input + "." + b64.EncodeToString(sig)
}
