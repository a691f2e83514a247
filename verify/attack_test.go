package verify_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/verify"
)

const (
	testIssuer   = "https://issuer.example"
	testAudience = "api"
)

// testNow is the fixed clock of these tests.
var testNow = time.Unix(1_800_000_000, 0)

// fixture holds an asymmetric key set (RSA, P-256, Ed25519, each with a
// kid) and a verifier over it with a fixed clock.
type fixture struct {
	t      *testing.T
	src    *keysource.Static
	v      *verify.Verifier[claims.Registered]
	claims map[string]any
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	rsaKey, err := keysource.NewKey("rsa1", "RS256", &testkeys.RSA2048(t).PublicKey)
	require.NoError(t, err)
	ecKey, err := keysource.NewKey("ec1", "", &testkeys.P256(t).PublicKey)
	require.NoError(t, err)
	edKey, err := keysource.NewKey("ed1", "", testkeys.Ed25519(t).Public())
	require.NoError(t, err)
	src, err := keysource.NewStatic(rsaKey, ecKey, edKey)
	require.NoError(t, err)
	v, err := verify.New(verify.Config[claims.Registered]{
		Keys:       src,
		Algorithms: []string{"RS256", "ES256", "EdDSA"},
		Issuers:    []string{testIssuer},
		Audiences:  []string{testAudience},
		Now:        func() time.Time { return testNow },
	})
	require.NoError(t, err)
	return &fixture{t: t, src: src, v: v, claims: validClaims()}
}

func validClaims() map[string]any {
	return map[string]any{
		"iss": testIssuer,
		"sub": "user-1",
		"aud": testAudience,
		"exp": testNow.Add(time.Hour).Unix(),
		"iat": testNow.Add(-time.Minute).Unix(),
	}
}

// with returns the valid claims changed by kv pairs (a nil value deletes).
func with(kv ...any) map[string]any {
	c := validClaims()
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(c, kv[i].(string))
		} else {
			c[kv[i].(string)] = kv[i+1]
		}
	}
	return c
}

func (f *fixture) rs256(header map[string]any, claims any) string {
	h := map[string]any{"kid": "rsa1", "typ": "JWT"}
	for k, v := range header {
		h[k] = v
	}
	return testkeys.SignClaims(f.t, "RS256", testkeys.RSA2048(f.t), h, claims)
}

func (f *fixture) es256Raw(payload []byte, sig []byte) string {
	h, _ := json.Marshal(map[string]string{"alg": "ES256", "kid": "ec1"})
	b := base64.RawURLEncoding
	return b.EncodeToString(h) + "." + b.EncodeToString(payload) + "." + b.EncodeToString(sig)
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestVerifyValid(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name  string
		token string
	}{
		{"RS256", f.rs256(nil, f.claims)},
		{"ES256", testkeys.SignClaims(t, "ES256", testkeys.P256(t), map[string]any{"kid": "ec1"}, f.claims)},
		{"EdDSA", testkeys.SignClaims(t, "EdDSA", testkeys.Ed25519(t), map[string]any{"kid": "ed1"}, f.claims)},
		{"typ at+jwt", f.rs256(map[string]any{"typ": "at+jwt"}, f.claims)},
		{"typ application/AT+JWT", f.rs256(map[string]any{"typ": "application/AT+JWT"}, f.claims)},
		{"aud array", f.rs256(nil, with("aud", []string{"other", testAudience}))},
		{"fractional exp", f.rs256(nil, with("exp", float64(testNow.Unix())+0.5))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := f.v.Verify(context.Background(), tc.token)
			require.NoError(t, err)
			require.Equal(t, "user-1", c.Subject)
		})
	}
}

func TestVerifyAttacks(t *testing.T) {
	f := newFixture(t)
	rsaPub := testkeys.RSA2048(t).Public()
	der, err := x509.MarshalPKIXPublicKey(rsaPub)
	require.NoError(t, err)
	rsaPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	attackerJWK := map[string]any{"kty": "oct", "k": b64("attacker-secret-attacker-secret!")}
	good := f.rs256(nil, f.claims)
	parts := strings.Split(good, ".")
	payload := []byte(`{"iss":"` + testIssuer + `","aud":"api","exp":1900000000}`)
	p256 := testkeys.P256(t)
	n := p256.Curve.Params().N.FillBytes(make([]byte, 32))
	deep := `{"iss":"` + testIssuer + `","aud":"api","exp":1900000000,"x":` + strings.Repeat("[", 1000) + strings.Repeat("]", 1000) + `}`

	for _, tc := range []struct {
		name  string
		token string
		want  error
	}{
		{"alg none", b64(`{"alg":"none"}`) + "." + parts[1] + ".", verify.ErrAlgorithm},
		{"alg None", b64(`{"alg":"None"}`) + "." + parts[1] + ".", verify.ErrAlgorithm},
		{"alg NONE", b64(`{"alg":"NONE"}`) + "." + parts[1] + ".", verify.ErrAlgorithm},
		{"alg nOnE", b64(`{"alg":"nOnE"}`) + "." + parts[1] + ".", verify.ErrAlgorithm},
		{"alg missing", b64(`{"kid":"rsa1"}`) + "." + parts[1] + "." + parts[2], verify.ErrAlgorithm},
		{"alg rs256 lower case", b64(`{"alg":"rs256","kid":"rsa1"}`) + "." + parts[1] + "." + parts[2], verify.ErrAlgorithm},
		{"HS256 with the RSA public key as secret", testkeys.SignClaims(t, "HS256", rsaPEM, map[string]any{"kid": "rsa1"}, f.claims), verify.ErrAlgorithm},
		{"jwk header", testkeys.SignClaims(t, "HS256", []byte("attacker-secret-attacker-secret!"), map[string]any{"jwk": attackerJWK}, f.claims), verify.ErrHeaderKey},
		{"jwk header with allowed alg", f.rs256(map[string]any{"jwk": attackerJWK}, f.claims), verify.ErrHeaderKey},
		{"jku header", f.rs256(map[string]any{"jku": "https://attacker.example/jwks"}, f.claims), verify.ErrHeaderKey},
		{"x5u header", f.rs256(map[string]any{"x5u": "https://attacker.example/cert"}, f.claims), verify.ErrHeaderKey},
		{"x5c header", f.rs256(map[string]any{"x5c": []string{"MIIB"}}, f.claims), verify.ErrHeaderKey},
		{"crit", f.rs256(map[string]any{"crit": []string{"exp"}, "exp": 1}, f.claims), verify.ErrCritical},
		{"b64 false", f.rs256(map[string]any{"b64": false, "crit": []string{"b64"}}, f.claims), verify.ErrCritical},
		{"b64 false without crit", f.rs256(map[string]any{"b64": false}, f.claims), verify.ErrCritical},
		{"typ not accepted", f.rs256(map[string]any{"typ": "Refresh"}, f.claims), verify.ErrTokenType},
		{"JWE compact", b64(`{"alg":"RSA-OAEP","enc":"A256GCM"}`) + ".a.b.c.d", verify.ErrJWE},
		{"JSON serialization", `{"payload":"` + parts[1] + `","signatures":[]}`, verify.ErrJSONSerialization},
		{"two segments", parts[0] + "." + parts[1], verify.ErrMalformed},
		{"four segments", good + ".x", verify.ErrMalformed},
		{"padding", parts[0] + "=." + parts[1] + "." + parts[2], verify.ErrMalformed},
		{"padding on signature", good + "==", verify.ErrMalformed},
		{"space inside", parts[0] + ". " + parts[1] + "." + parts[2], verify.ErrMalformed},
		{"newline inside", parts[0] + "." + parts[1][:10] + "\n" + parts[1][10:] + "." + parts[2], verify.ErrMalformed},
		{"standard base64 alphabet", parts[0] + "." + parts[1] + "." + strings.NewReplacer("-", "+", "_", "/").Replace(parts[2]) + "+/", verify.ErrMalformed},
		{"1 MB token", parts[0] + "." + strings.Repeat("A", 1<<20) + "." + parts[2], verify.ErrTooLarge},
		{"1 MB token is malformed too", parts[0] + "." + strings.Repeat("A", 1<<20) + "." + parts[2], verify.ErrMalformed},
		{"empty", "", verify.ErrMalformed},
		{"header not JSON", b64("not json") + "." + parts[1] + "." + parts[2], verify.ErrMalformed},
		{"header duplicate alg", b64(`{"alg":"RS256","alg":"none"}`) + "." + parts[1] + "." + parts[2], verify.ErrMalformed},
		{"header invalid UTF-8", b64("{\"alg\":\"RS256\",\"kid\":\"\xff\"}") + "." + parts[1] + "." + parts[2], verify.ErrMalformed},
		{"deeply nested claims", testkeys.SignRawHeader(t, "RS256", testkeys.RSA2048(t), []byte(`{"alg":"RS256","kid":"rsa1"}`), []byte(deep)), verify.ErrMalformed},
		{"duplicate claim names", testkeys.SignRawHeader(t, "RS256", testkeys.RSA2048(t), []byte(`{"alg":"RS256","kid":"rsa1"}`), []byte(`{"iss":"`+testIssuer+`","aud":"api","exp":1900000000,"exp":1}`)), verify.ErrMalformed},
		{"claims invalid UTF-8", testkeys.SignRawHeader(t, "RS256", testkeys.RSA2048(t), []byte(`{"alg":"RS256","kid":"rsa1"}`), []byte("{\"iss\":\""+testIssuer+"\",\"aud\":\"api\",\"exp\":1900000000,\"sub\":\"\xff\"}")), verify.ErrMalformed},
		{"exp as string", f.rs256(nil, with("exp", "1900000000")), verify.ErrClaims},
		{"aud as number", f.rs256(nil, with("aud", 42)), verify.ErrClaims},
		{"aud array with number", f.rs256(nil, with("aud", []any{"api", 1})), verify.ErrClaims},
		{"iss mismatch", f.rs256(nil, with("iss", "https://evil.example")), verify.ErrIssuer},
		{"iss missing", f.rs256(nil, with("iss", nil)), verify.ErrMissingClaim},
		{"aud mismatch", f.rs256(nil, with("aud", "other")), verify.ErrAudience},
		{"aud missing", f.rs256(nil, with("aud", nil)), verify.ErrMissingClaim},
		{"exp missing", f.rs256(nil, with("exp", nil)), verify.ErrMissingClaim},
		{"exp exactly at the leeway", f.rs256(nil, with("exp", testNow.Add(-verify.DefaultLeeway).Unix())), verify.ErrExpired},
		{"exp beyond the leeway", f.rs256(nil, with("exp", testNow.Add(-verify.DefaultLeeway-time.Second).Unix())), verify.ErrExpired},
		{"nbf just beyond the leeway", f.rs256(nil, with("nbf", testNow.Add(verify.DefaultLeeway+time.Second).Unix())), verify.ErrNotYetValid},
		{"iat just beyond the leeway", f.rs256(nil, with("iat", testNow.Add(verify.DefaultLeeway+time.Second).Unix())), verify.ErrIssuedInFuture},
		{"ES256 r=0 s=0", f.es256Raw(payload, make([]byte, 64)), verify.ErrSignature},
		{"ES256 r=n s=n", f.es256Raw(payload, append(append([]byte{}, n...), n...)), verify.ErrSignature},
		{"ES256 r=n s=1", f.es256Raw(payload, append(append([]byte{}, n...), new(big.Int).SetInt64(1).FillBytes(make([]byte, 32))...)), verify.ErrSignature},
		{"ES256 signature too short", f.es256Raw(payload, make([]byte, 63)), verify.ErrSignature},
		{"ES256 signature DER", f.es256Raw(payload, derSig(t, p256)), verify.ErrSignature},
		{"ES256 empty signature", f.es256Raw(payload, nil), verify.ErrSignature},
		{"kid path traversal", f.rs256(map[string]any{"kid": "../../etc/passwd"}, f.claims), verify.ErrUnknownKey},
		{"kid 10 KB", f.rs256(map[string]any{"kid": strings.Repeat("k", 10<<10)}, f.claims), verify.ErrUnknownKey},
		{"unknown kid", f.rs256(map[string]any{"kid": "rotated-away"}, f.claims), verify.ErrUnknownKey},
		{"kid names an EC key, alg RS256", f.rs256(map[string]any{"kid": "ec1"}, f.claims), verify.ErrAlgorithm},
		{"kid names an RS256 key, alg EdDSA", testkeys.SignClaims(t, "EdDSA", testkeys.Ed25519(t), map[string]any{"kid": "rsa1"}, f.claims), verify.ErrAlgorithm},
		{"signature of another key", testkeys.SignClaims(t, "RS256", testkeys.RSA3072(t), map[string]any{"kid": "rsa1"}, f.claims), verify.ErrSignature},
		{"payload changed", parts[0] + "." + b64(`{"iss":"`+testIssuer+`","aud":"api","exp":1900000000,"sub":"admin"}`) + "." + parts[2], verify.ErrSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := f.v.Verify(context.Background(), tc.token)
			require.ErrorIs(t, err, tc.want)
			require.Nil(t, c)
			var ve *verify.Error
			require.ErrorAs(t, err, &ve)
			require.NotEqual(t, "error", ve.Reason)
		})
	}
}

func derSig(t *testing.T, k *ecdsa.PrivateKey) []byte {
	sig, err := ecdsa.SignASN1(zeroReader{}, k, make([]byte, 32))
	require.NoError(t, err)
	return sig
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 1
	}
	return len(p), nil
}

func TestVerifyLeewayBoundaries(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name   string
		claims map[string]any
		want   error
	}{
		{"exp one second inside the leeway", with("exp", testNow.Add(-verify.DefaultLeeway+time.Second).Unix()), nil},
		{"exp exactly at the leeway", with("exp", testNow.Add(-verify.DefaultLeeway).Unix()), verify.ErrExpired},
		{"nbf exactly at the leeway", with("nbf", testNow.Add(verify.DefaultLeeway).Unix()), nil},
		{"nbf one second beyond", with("nbf", testNow.Add(verify.DefaultLeeway+time.Second).Unix()), verify.ErrNotYetValid},
		{"iat exactly at the leeway", with("iat", testNow.Add(verify.DefaultLeeway).Unix()), nil},
		{"iat one second beyond", with("iat", testNow.Add(verify.DefaultLeeway+time.Second).Unix()), verify.ErrIssuedInFuture},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.v.Verify(context.Background(), f.rs256(nil, tc.claims))
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
		})
	}
}

func TestErrorMessagesBoundTokenText(t *testing.T) {
	f := newFixture(t)
	long := strings.Repeat("n", 4096)
	tok := testkeys.SignRawHeader(t, "RS256", testkeys.RSA2048(t), []byte(`{"alg":"RS256","kid":"rsa1"}`),
		[]byte(`{"iss":"`+testIssuer+`","aud":"api","exp":1900000000,"`+long+`":1,"`+long+`":2}`))
	_, err := f.v.Verify(context.Background(), tok)
	require.ErrorIs(t, err, verify.ErrMalformed)
	require.Less(t, len(err.Error()), 300, "a claim name from the token is cut in the message")
}
