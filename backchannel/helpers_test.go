package backchannel_test

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/jwtguard/jwtguard/backchannel"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
)

// TestMain checks that no test leaves a goroutine behind (the Keycloak
// tests run a remote key source).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	issuer   = "https://idp.example.com/realms/test"
	clientID = "my-api"
	sid      = "5d2c0b7e-session"
	sub      = "user-42@example.com"
)

// t0 is the fixtures' clock.
var t0 = time.Unix(1_800_000_000, 0).UTC()

// fixture is a Handler over a memStore with the RS256 test key, a fixed
// clock and a log buffer.
type fixture struct {
	h     *backchannel.Handler
	store *memStore
	key   *rsa.PrivateKey
	logs  *syncBuffer
}

// syncBuffer is a bytes.Buffer for a logger shared by goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// staticKeys returns a source holding the RS256 test key under its kid.
func staticKeys(t testing.TB) keysource.Source {
	t.Helper()
	k, err := keysource.NewKey(testkeys.KIDRSA2048, "RS256", &testkeys.RSA2048(t).PublicKey)
	require.NoError(t, err)
	src, err := keysource.NewStatic(k)
	require.NoError(t, err)
	return src
}

// newFixture returns a fixture whose Config edit may change.
func newFixture(t *testing.T, edit func(*backchannel.Config)) *fixture {
	t.Helper()
	f := &fixture{store: newMemStore(func() time.Time { return t0 }), key: testkeys.RSA2048(t), logs: new(syncBuffer)}
	cfg := backchannel.Config{
		Keys:     staticKeys(t),
		Issuer:   issuer,
		ClientID: clientID,
		Store:    f.store,
		Now:      func() time.Time { return t0 },
		Logger:   slog.New(slog.NewJSONHandler(f.logs, nil)),
	}
	if edit != nil {
		edit(&cfg)
	}
	h, err := backchannel.New(cfg)
	require.NoError(t, err)
	f.h = h
	return f
}

var jtis atomic.Int64

// logoutClaims returns the claims of a good logout token (sid and sub,
// exp two minutes after iat, a new jti) with over applied: an entry
// replaces a claim, a nil entry removes it.
func logoutClaims(over map[string]any) map[string]any {
	c := map[string]any{
		"iss":    issuer,
		"aud":    clientID,
		"iat":    t0.Unix(),
		"exp":    t0.Add(2 * time.Minute).Unix(),
		"jti":    fmt.Sprintf("jti-%d", jtis.Add(1)),
		"sid":    sid,
		"sub":    sub,
		"events": map[string]any{backchannel.EventBackchannelLogout: map[string]any{}},
	}
	for k, v := range over {
		if v == nil {
			delete(c, k)
			continue
		}
		c[k] = v
	}
	return c
}

// sign returns an RS256 logout token with the test key: header
// {"alg":"RS256","kid":"rsa-2048","typ":"logout+jwt"} changed by header
// (nil entries removed), claims as given.
func (f *fixture) sign(t testing.TB, header map[string]any, claims map[string]any) string {
	t.Helper()
	h := map[string]any{"kid": testkeys.KIDRSA2048, "typ": backchannel.TokenType}
	maps.Copy(h, header)
	return testkeys.SignClaims(t, "RS256", f.key, h, claims)
}

// token is sign with the default header and logoutClaims(over).
func (f *fixture) token(t testing.TB, over map[string]any) string {
	t.Helper()
	return f.sign(t, nil, logoutClaims(over))
}

// post sends token as the logout_token of a form POST to h.
func post(h http.Handler, token string) *httptest.ResponseRecorder {
	return postBody(h, "application/x-www-form-urlencoded", "logout_token="+url.QueryEscape(token))
}

// postBody sends body with a content type to h.
func postBody(h http.Handler, contentType, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/backchannel-logout", strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// errorBody is the JSON body of a refusal.
type errorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// requireAnswer checks the status, Cache-Control: no-store and, for a
// refusal, the JSON body's error and error_description.
func requireAnswer(t *testing.T, rec *httptest.ResponseRecorder, status int, code, desc string) {
	t.Helper()
	require.Equal(t, status, rec.Code, "body: %s", rec.Body)
	require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
	if status == http.StatusOK {
		require.Empty(t, rec.Body.String())
		return
	}
	require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	var b errorBody
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &b), "body: %s", rec.Body)
	require.Equal(t, code, b.Error)
	require.Equal(t, desc, b.Description)
}

// signRS256 makes a compact JWS without a testing.TB, for the example.
func signRS256(key *rsa.PrivateKey, header, claims map[string]any) string {
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	input := enc(header) + "." + enc(claims)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		panic(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// exampleKey reads the repository's RSA 2048 test key, for the example.
func exampleKey() *rsa.PrivateKey {
	b, err := os.ReadFile("../testdata/keys/rsa2048.pem")
	if err != nil {
		panic(err)
	}
	block, _ := pem.Decode(b)
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		panic(err)
	}
	return k.(*rsa.PrivateKey)
}

// keysourceSecret is a static source holding an HMAC secret.
func keysourceSecret(secret []byte) (keysource.Source, error) {
	return keysource.StaticFromSecret(secret)
}
