package verify_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/verify"
)

func TestNewRefusesUnsafeConfig(t *testing.T) {
	src := staticRSA(t, "rsa1")
	for _, tc := range []struct {
		name string
		cfg  verify.Config[claims.Registered]
	}{
		{"no keys", verify.Config[claims.Registered]{Algorithms: []string{"RS256"}, Issuers: []string{"i"}, Audiences: []string{"a"}}},
		{"no algorithms", verify.Config[claims.Registered]{Keys: src, Issuers: []string{"i"}, Audiences: []string{"a"}}},
		{"alg none", verify.Config[claims.Registered]{Keys: src, Algorithms: []string{"none"}, Issuers: []string{"i"}, Audiences: []string{"a"}}},
		{"alg None", verify.Config[claims.Registered]{Keys: src, Algorithms: []string{"RS256", "None"}, Issuers: []string{"i"}, Audiences: []string{"a"}}},
		{"unknown alg", verify.Config[claims.Registered]{Keys: src, Algorithms: []string{"RSA-OAEP"}, Issuers: []string{"i"}, Audiences: []string{"a"}}},
		{"HMAC mixed with RSA", verify.Config[claims.Registered]{Keys: src, Algorithms: []string{"RS256", "HS256"}, Issuers: []string{"i"}, Audiences: []string{"a"}}},
		{"no issuer", verify.Config[claims.Registered]{Keys: src, Algorithms: []string{"RS256"}, Audiences: []string{"a"}}},
		{"empty issuer", verify.Config[claims.Registered]{Keys: src, Algorithms: []string{"RS256"}, Issuers: []string{""}, Audiences: []string{"a"}}},
		{"no audience", verify.Config[claims.Registered]{Keys: src, Algorithms: []string{"RS256"}, Issuers: []string{"i"}}},
		{"negative MaxTokenBytes", verify.Config[claims.Registered]{Keys: src, Algorithms: []string{"RS256"}, Issuers: []string{"i"}, Audiences: []string{"a"}, MaxTokenBytes: -1}},
		{"empty required claim", verify.Config[claims.Registered]{Keys: src, Algorithms: []string{"RS256"}, Issuers: []string{"i"}, Audiences: []string{"a"}, RequiredClaims: []string{""}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := verify.New(tc.cfg)
			require.Error(t, err)
			require.Nil(t, v)
		})
	}
}

func staticRSA(t *testing.T, kid string) *keysource.Static {
	t.Helper()
	k, err := keysource.NewKey(kid, "", &testkeys.RSA2048(t).PublicKey)
	require.NoError(t, err)
	src, err := keysource.NewStatic(k)
	require.NoError(t, err)
	return src
}

func rsaVerifier[C any](t *testing.T, src keysource.Source, mod func(*verify.Config[C])) *verify.Verifier[C] {
	t.Helper()
	cfg := verify.Config[C]{
		Keys:       src,
		Algorithms: []string{"RS256"},
		Issuers:    []string{testIssuer},
		Audiences:  []string{testAudience},
		Now:        func() time.Time { return testNow },
	}
	if mod != nil {
		mod(&cfg)
	}
	v, err := verify.New(cfg)
	require.NoError(t, err)
	return v
}

func signRS(t *testing.T, kid string, claims any) string {
	h := map[string]any{}
	if kid != "" {
		h["kid"] = kid
	}
	return testkeys.SignClaims(t, "RS256", testkeys.RSA2048(t), h, claims)
}

// myClaims is a custom issuer's claims type with its own validation.
type myClaims struct {
	claims.Registered
	Tenant string `json:"tenant"`
}

var errWrongTenant = errors.New("wrong tenant")

func (c *myClaims) Validate(context.Context) error {
	if c.Tenant != "acme" {
		return errWrongTenant
	}
	return nil
}

func TestVerifyCustomClaims(t *testing.T) {
	v := rsaVerifier[myClaims](t, staticRSA(t, "rsa1"), nil)
	c, err := v.Verify(context.Background(), signRS(t, "rsa1", with("tenant", "acme")))
	require.NoError(t, err)
	require.Equal(t, "acme", c.Tenant)
	require.Equal(t, "user-1", c.Subject)

	_, err = v.Verify(context.Background(), signRS(t, "rsa1", with("tenant", "other")))
	require.ErrorIs(t, err, verify.ErrClaims)
	require.ErrorIs(t, err, errWrongTenant)
	require.Equal(t, verify.ReasonClaims, verify.Reason(err))
}

func TestVerifyOptions(t *testing.T) {
	src := staticRSA(t, "rsa1")
	errNoAdmin := errors.New("not admin")
	for _, tc := range []struct {
		name   string
		mod    func(*verify.Config[claims.Map])
		claims map[string]any
		want   error
	}{
		{"required claim present", func(c *verify.Config[claims.Map]) { c.RequiredClaims = []string{"sub", "tenant"} }, with("tenant", nil, "tenant", "x"), nil},
		{"required claim missing", func(c *verify.Config[claims.Map]) { c.RequiredClaims = []string{"tenant"} }, validClaims(), verify.ErrMissingClaim},
		{"validator passes", func(c *verify.Config[claims.Map]) {
			c.Validators = []func(context.Context, *claims.Map) error{func(_ context.Context, m *claims.Map) error { return nil }}
		}, validClaims(), nil},
		{"validator refuses", func(c *verify.Config[claims.Map]) {
			c.Validators = []func(context.Context, *claims.Map) error{func(_ context.Context, m *claims.Map) error { return errNoAdmin }}
		}, validClaims(), verify.ErrClaims},
		{"validator chooses its reason", func(c *verify.Config[claims.Map]) {
			c.Validators = []func(context.Context, *claims.Map) error{func(_ context.Context, m *claims.Map) error {
				return fmt.Errorf("%w: body typ is Refresh", verify.ErrTokenType)
			}}
		}, validClaims(), verify.ErrTokenType},
		{"MaxAge within", func(c *verify.Config[claims.Map]) { c.MaxAge = time.Hour }, validClaims(), nil},
		{"MaxAge exceeded", func(c *verify.Config[claims.Map]) { c.MaxAge = time.Hour }, with("iat", testNow.Add(-2*time.Hour).Unix()), verify.ErrTooOld},
		{"MaxAge needs iat", func(c *verify.Config[claims.Map]) { c.MaxAge = time.Hour }, with("iat", nil), verify.ErrMissingClaim},
		{"no leeway", func(c *verify.Config[claims.Map]) { c.Leeway = -1 }, with("exp", testNow.Unix()), verify.ErrExpired},
		{"custom leeway", func(c *verify.Config[claims.Map]) { c.Leeway = 5 * time.Minute }, with("exp", testNow.Add(-4*time.Minute).Unix()), nil},
		{"missing exp allowed only by Insecure option", func(c *verify.Config[claims.Map]) { c.InsecureAllowMissingExpiry = true }, with("exp", nil), nil},
		{"InsecureSkipIssuerCheck", func(c *verify.Config[claims.Map]) { c.InsecureSkipIssuerCheck = true }, with("iss", "anyone"), nil},
		{"InsecureSkipAudienceCheck", func(c *verify.Config[claims.Map]) { c.InsecureSkipAudienceCheck = true }, with("aud", nil), nil},
		{"several issuers", func(c *verify.Config[claims.Map]) { c.Issuers = []string{"https://a.example", testIssuer} }, validClaims(), nil},
		{"issuer compared exactly", func(c *verify.Config[claims.Map]) {}, with("iss", testIssuer+"/"), verify.ErrIssuer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := rsaVerifier(t, src, tc.mod)
			c, err := v.Verify(context.Background(), signRS(t, "rsa1", tc.claims))
			if tc.want == nil {
				require.NoError(t, err)
				require.NotNil(t, c)
				return
			}
			require.ErrorIs(t, err, tc.want)
		})
	}
}

func TestVerifyTokenTypes(t *testing.T) {
	src := staticRSA(t, "rsa1")
	v := rsaVerifier(t, src, func(c *verify.Config[claims.Registered]) { c.TokenTypes = []string{"at+jwt"} })
	tok := func(typ any) string {
		return testkeys.SignClaims(t, "RS256", testkeys.RSA2048(t), map[string]any{"kid": "rsa1", "typ": typ}, validClaims())
	}
	_, err := v.Verify(context.Background(), tok("application/at+jwt"))
	require.NoError(t, err)
	_, err = v.Verify(context.Background(), tok("JWT"))
	require.ErrorIs(t, err, verify.ErrTokenType)
	_, err = v.Verify(context.Background(), tok(nil))
	require.ErrorIs(t, err, verify.ErrTokenType)
}

func TestVerifySignatureOnly(t *testing.T) {
	v := rsaVerifier[claims.Map](t, staticRSA(t, "rsa1"), nil)
	tok := testkeys.Sign(t, "RS256", testkeys.RSA2048(t), map[string]any{"kid": "rsa1", "cty": "text/plain"}, []byte("not JSON"))
	s, err := v.VerifySignature(context.Background(), tok)
	require.NoError(t, err)
	require.Equal(t, []byte("not JSON"), s.Payload)
	require.Equal(t, "RS256", s.Header.Alg)
	require.Equal(t, "rsa1", s.Header.KeyID)
	require.Equal(t, "text/plain", s.Header.ContentType)
	require.Equal(t, "rsa1", s.Key.ID())
	require.JSONEq(t, `{"alg":"RS256","kid":"rsa1","cty":"text/plain"}`, string(s.Header.Raw))

	_, err = v.Verify(context.Background(), tok)
	require.ErrorIs(t, err, verify.ErrMalformed)
}

func TestVerifyHMAC(t *testing.T) {
	secret := testkeys.HMAC(t)
	src, err := keysource.StaticFromSecret(secret)
	require.NoError(t, err)
	v, err := verify.New(verify.Config[claims.Registered]{
		Keys: src, Algorithms: []string{"HS256", "HS512"},
		Issuers: []string{testIssuer}, Audiences: []string{testAudience},
		Now: func() time.Time { return testNow },
	})
	require.NoError(t, err)
	for _, alg := range []string{"HS256", "HS512"} {
		_, err = v.Verify(context.Background(), testkeys.SignClaims(t, alg, secret, nil, validClaims()))
		require.NoError(t, err, alg)
	}
	_, err = v.Verify(context.Background(), testkeys.SignClaims(t, "HS384", secret, nil, validClaims()))
	require.ErrorIs(t, err, verify.ErrAlgorithm)
	_, err = v.Verify(context.Background(), testkeys.SignClaims(t, "HS256", []byte("another-secret-another-secret-xx"), nil, validClaims()))
	require.ErrorIs(t, err, verify.ErrSignature)
}

// fakeSource serves one set, then another after a refresh, and counts calls.
type fakeSource struct {
	cur, next *keysource.Set
	keysErr   error
	keys      atomic.Int32
	refreshes atomic.Int32
	hints     []keysource.RefreshHint
}

func (s *fakeSource) Keys(ctx context.Context) (*keysource.Set, error) {
	s.keys.Add(1)
	if s.keysErr != nil {
		return nil, s.keysErr
	}
	return s.cur, nil
}

func (s *fakeSource) Refresh(ctx context.Context, h keysource.RefreshHint) (*keysource.Set, error) {
	s.refreshes.Add(1)
	s.hints = append(s.hints, h)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.next != nil {
		s.cur, s.next = s.next, nil
	}
	return s.cur, nil
}

func set(t *testing.T, keys ...*keysource.Key) *keysource.Set {
	s, err := keysource.NewSet(keys...)
	require.NoError(t, err)
	return s
}

func key(t *testing.T, kid string, pub any) *keysource.Key {
	k, err := keysource.NewKey(kid, "", pub)
	require.NoError(t, err)
	return k
}

func TestVerifyRefresh(t *testing.T) {
	rsa2048 := &testkeys.RSA2048(t).PublicKey
	rsa3072 := &testkeys.RSA3072(t).PublicKey
	ctx := context.Background()

	t.Run("unknown kid refreshes once and verifies with the new key", func(t *testing.T) {
		src := &fakeSource{cur: set(t, key(t, "old", rsa3072)), next: set(t, key(t, "old", rsa3072), key(t, "rsa1", rsa2048))}
		v := rsaVerifier[claims.Registered](t, src, nil)
		_, err := v.Verify(ctx, signRS(t, "rsa1", validClaims()))
		require.NoError(t, err)
		require.EqualValues(t, 1, src.refreshes.Load())
		require.Equal(t, keysource.RefreshUnknownKID, src.hints[0].Reason)
		require.Equal(t, "rsa1", src.hints[0].KID)
	})
	t.Run("unknown kid with nothing newer fails without retry", func(t *testing.T) {
		src := &fakeSource{cur: set(t, key(t, "old", rsa3072))}
		v := rsaVerifier[claims.Registered](t, src, nil)
		_, err := v.Verify(ctx, signRS(t, "rsa1", validClaims()))
		require.ErrorIs(t, err, verify.ErrUnknownKey)
		require.EqualValues(t, 1, src.refreshes.Load())
	})
	t.Run("known kid with a bad signature never refreshes", func(t *testing.T) {
		src := &fakeSource{cur: set(t, key(t, "rsa1", rsa3072))}
		v := rsaVerifier[claims.Registered](t, src, nil)
		_, err := v.Verify(ctx, signRS(t, "rsa1", validClaims()))
		require.ErrorIs(t, err, verify.ErrSignature)
		require.Zero(t, src.refreshes.Load())
	})
	t.Run("rotated key without kid is picked up after a signature failure", func(t *testing.T) {
		src := &fakeSource{cur: set(t, key(t, "", rsa3072)), next: set(t, key(t, "", rsa2048))}
		v := rsaVerifier[claims.Registered](t, src, nil)
		_, err := v.Verify(ctx, signRS(t, "", validClaims()))
		require.NoError(t, err)
		require.EqualValues(t, 1, src.refreshes.Load())
		require.Equal(t, keysource.RefreshSignature, src.hints[0].Reason)
	})
	t.Run("expired token with an unknown kid never refreshes", func(t *testing.T) {
		src := &fakeSource{cur: set(t, key(t, "old", rsa3072)), next: set(t, key(t, "rsa1", rsa2048))}
		v := rsaVerifier[claims.Registered](t, src, nil)
		_, err := v.Verify(ctx, signRS(t, "rsa1", with("exp", testNow.Add(-time.Hour).Unix())))
		require.ErrorIs(t, err, verify.ErrExpired)
		require.Zero(t, src.refreshes.Load())
		// Forged: a far-future exp does not help an unknown kid either.
		_, err = v.Verify(ctx, signRS(t, "nope", with("exp", 1e300)))
		require.ErrorIs(t, err, verify.ErrUnknownKey)
	})
	t.Run("bad token fails before any key lookup", func(t *testing.T) {
		src := &fakeSource{cur: set(t, key(t, "rsa1", rsa2048))}
		v := rsaVerifier[claims.Registered](t, src, nil)
		for _, tok := range []string{"a.b", b64(`{"alg":"none"}`) + ".e30.", b64(`{"alg":"HS256"}`) + ".e30.c2ln"} {
			_, err := v.Verify(ctx, tok)
			require.Error(t, err)
		}
		require.Zero(t, src.keys.Load())
		require.Zero(t, src.refreshes.Load())
	})
	t.Run("keys unavailable", func(t *testing.T) {
		src := &fakeSource{keysErr: errors.Join(keysource.ErrUnavailable, errors.New("upstream 500"))}
		v := rsaVerifier[claims.Registered](t, src, nil)
		_, err := v.Verify(ctx, signRS(t, "rsa1", validClaims()))
		require.ErrorIs(t, err, verify.ErrKeysUnavailable)
		require.Equal(t, verify.ReasonKeysUnavailable, verify.Reason(err))
	})
	t.Run("other source errors count as unavailable", func(t *testing.T) {
		src := &fakeSource{keysErr: errors.New("boom")}
		v := rsaVerifier[claims.Registered](t, src, nil)
		_, err := v.Verify(ctx, signRS(t, "rsa1", validClaims()))
		require.ErrorIs(t, err, keysource.ErrUnavailable)
	})
	t.Run("canceled context", func(t *testing.T) {
		src := &fakeSource{cur: set(t, key(t, "old", rsa3072)), next: set(t, key(t, "rsa1", rsa2048))}
		v := rsaVerifier[claims.Registered](t, src, nil)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := v.Verify(cctx, signRS(t, "rsa1", validClaims()))
		require.ErrorIs(t, err, context.Canceled)
		require.Equal(t, verify.ReasonCanceled, verify.Reason(err))
	})
}

func TestReason(t *testing.T) {
	require.Equal(t, "", verify.Reason(nil))
	require.Equal(t, "error", verify.Reason(errors.New("x")))
}

func TestValidatorReason(t *testing.T) {
	v := rsaVerifier(t, staticRSA(t, "rsa1"), func(c *verify.Config[claims.Registered]) {
		c.Validators = []func(context.Context, *claims.Registered) error{func(context.Context, *claims.Registered) error {
			return fmt.Errorf("%w: body typ is Refresh", verify.ErrTokenType)
		}}
	})
	_, err := v.Verify(context.Background(), signRS(t, "rsa1", validClaims()))
	require.ErrorIs(t, err, verify.ErrTokenType)
	require.ErrorIs(t, err, verify.ErrClaims)
	require.Equal(t, verify.ReasonTokenType, verify.Reason(err))
}
