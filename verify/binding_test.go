package verify_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/revocation"
	"github.com/jwtguard/jwtguard/verify"
)

const (
	jktA = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I" // RFC 9449 section 6.1
	jktB = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
	x5tA = "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"
)

// TestBinding runs every combination of a token's cnf and a request's
// proof of possession, first verified and then answered from the cache.
func TestBinding(t *testing.T) {
	src := staticRSA(t, "rsa1")
	tests := []struct {
		name    string
		payload string // raw JSON after the valid claims' opening brace
		b       verify.Binding
		want    error
	}{
		{"unbound bearer", ``, verify.Binding{}, nil},
		{"unbound with a client certificate", ``, verify.Binding{CertThumbprint: x5tA}, nil},
		{"unbound with a DPoP proof", ``, verify.Binding{DPoPThumbprint: jktA}, verify.ErrBinding},
		{"DPoP-bound as bearer", `"cnf":{"jkt":"` + jktA + `"},`, verify.Binding{}, verify.ErrBinding},
		{"DPoP-bound with its key", `"cnf":{"jkt":"` + jktA + `"},`, verify.Binding{DPoPThumbprint: jktA}, nil},
		{"DPoP-bound with another key", `"cnf":{"jkt":"` + jktA + `"},`, verify.Binding{DPoPThumbprint: jktB}, verify.ErrBinding},
		{"DPoP-bound with only a certificate", `"cnf":{"jkt":"` + jktA + `"},`, verify.Binding{CertThumbprint: x5tA}, verify.ErrBinding},
		{"cert-bound without a certificate", `"cnf":{"x5t#S256":"` + x5tA + `"},`, verify.Binding{}, verify.ErrBinding},
		{"cert-bound with its certificate", `"cnf":{"x5t#S256":"` + x5tA + `"},`, verify.Binding{CertThumbprint: x5tA}, nil},
		{"cert-bound with another certificate", `"cnf":{"x5t#S256":"` + x5tA + `"},`, verify.Binding{CertThumbprint: jktB}, verify.ErrBinding},
		{"bound to both, both given", `"cnf":{"jkt":"` + jktA + `","x5t#S256":"` + x5tA + `"},`, verify.Binding{DPoPThumbprint: jktA, CertThumbprint: x5tA}, nil},
		{"bound to both, only DPoP", `"cnf":{"jkt":"` + jktA + `","x5t#S256":"` + x5tA + `"},`, verify.Binding{DPoPThumbprint: jktA}, verify.ErrBinding},
		{"cnf with an unsupported method", `"cnf":{"jwk":{"kty":"EC"}},`, verify.Binding{}, verify.ErrBinding},
		{"cnf with an unsupported method and a proof", `"cnf":{"kid":"k1"},`, verify.Binding{DPoPThumbprint: jktA}, verify.ErrBinding},
		{"empty cnf", `"cnf":{},`, verify.Binding{}, verify.ErrBinding},
		{"escaped cnf name", `"\u0063nf":{"jkt":"` + jktA + `"},`, verify.Binding{}, verify.ErrBinding},
		{"escaped cnf name with its key", `"c\u006ef":{"jkt":"` + jktA + `"},`, verify.Binding{DPoPThumbprint: jktA}, nil},
		{"escaped jkt name", `"cnf":{"\u006Akt":"` + jktA + `"},`, verify.Binding{}, verify.ErrBinding},
		{"cnf not an object", `"cnf":"` + jktA + `",`, verify.Binding{DPoPThumbprint: jktA}, verify.ErrClaims},
		{"jkt not a string", `"cnf":{"jkt":1},`, verify.Binding{}, verify.ErrClaims},
		{"jkt empty", `"cnf":{"jkt":""},`, verify.Binding{}, verify.ErrClaims},
		{"cnf null", `"cnf":null,`, verify.Binding{}, verify.ErrClaims},
		{"cnf inside another claim is not a binding", `"x":{"cnf":{"jkt":"` + jktA + `"}},`, verify.Binding{}, nil},
	}
	valid := fmt.Sprintf(`"iss":%q,"aud":%q,"sub":"u","exp":%d}`, testIssuer, testAudience, testNow.Add(time.Hour).Unix())
	for _, cached := range []bool{false, true} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/cached=%v", tt.name, cached), func(t *testing.T) {
				size := -1
				if cached {
					size = 0
				}
				v := rsaVerifier(t, src, func(c *verify.Config[claims.Map]) { c.CacheSize = size })
				tok := testkeys.Sign(t, "RS256", testkeys.RSA2048(t), map[string]any{"kid": "rsa1"}, []byte("{"+tt.payload+valid))
				if cached {
					// Fill the cache through a request that proves
					// whatever the token needs, then ask again.
					// The cache stores a token at its second verification.
					for range 2 {
						_, _ = v.VerifyBound(context.Background(), tok, verify.Binding{DPoPThumbprint: jktA, CertThumbprint: x5tA})
					}
				}
				_, err := v.VerifyBound(context.Background(), tok, tt.b)
				if tt.want == nil {
					require.NoError(t, err)
					return
				}
				require.ErrorIs(t, err, tt.want)
				if tt.want == verify.ErrBinding {
					require.Equal(t, verify.ReasonBinding, verify.Reason(err))
				}
			})
		}
	}
}

// TestVerifyRefusesBoundTokens: the plain Verify call is a bearer
// presentation, so a bound token never passes through it.
func TestVerifyRefusesBoundTokens(t *testing.T) {
	v := rsaVerifier[claims.Keycloak](t, staticRSA(t, "rsa1"), nil)
	tok := signRS(t, "rsa1", with("cnf", map[string]any{"jkt": jktA}))
	for range 2 {
		_, err := v.Verify(context.Background(), tok)
		require.ErrorIs(t, err, verify.ErrBinding)
	}
}

func TestRouterVerifyBound(t *testing.T) {
	v := rsaVerifier[claims.Registered](t, staticRSA(t, "rsa1"), nil)
	r, err := verify.NewRouter(map[string]verify.TokenVerifier[claims.Registered]{testIssuer: v})
	require.NoError(t, err)
	bound := signRS(t, "rsa1", with("cnf", map[string]any{"jkt": jktA}))
	_, err = r.VerifyBound(context.Background(), bound, verify.Binding{DPoPThumbprint: jktA})
	require.NoError(t, err)
	_, err = r.Verify(context.Background(), bound)
	require.ErrorIs(t, err, verify.ErrBinding)

	// A route that cannot check bindings takes no proof.
	plain := verifierFunc[claims.Registered](func(ctx context.Context, tok string) (*claims.Registered, error) {
		return v.Verify(ctx, tok)
	})
	r, err = verify.NewRouter(map[string]verify.TokenVerifier[claims.Registered]{testIssuer: plain})
	require.NoError(t, err)
	_, err = r.VerifyBound(context.Background(), bound, verify.Binding{DPoPThumbprint: jktA})
	require.ErrorIs(t, err, verify.ErrBinding)
}

type verifierFunc[C any] func(context.Context, string) (*C, error)

func (f verifierFunc[C]) Verify(ctx context.Context, tok string) (*C, error) { return f(ctx, tok) }

// fakeChecker is a revocation.Checker that revokes what a test tells it
// and records what it was asked.
type fakeChecker struct {
	mu      sync.Mutex
	asked   []revocation.Token
	revoked func(*revocation.Token) error
}

func (f *fakeChecker) Check(t *revocation.Token) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, *t)
	if f.revoked == nil {
		return nil
	}
	return f.revoked(t)
}

func (f *fakeChecker) set(fn func(*revocation.Token) error) {
	f.mu.Lock()
	f.revoked = fn
	f.mu.Unlock()
}

func (f *fakeChecker) last() revocation.Token {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.asked[len(f.asked)-1]
}

func TestRevocationFacts(t *testing.T) {
	iat := testNow.Add(-time.Minute).Truncate(time.Second)
	exp := testNow.Add(time.Hour).Truncate(time.Second)
	tests := []struct {
		name  string
		extra []any
		want  revocation.Token
	}{
		{"keycloak sid and azp", []any{"jti", "j1", "sid", "s1", "session_state", "ss1", "azp", "c1", "client_id", "c2"},
			revocation.Token{ID: "j1", SessionID: "s1", ClientID: "c1"}},
		{"session_state and client_id when sid and azp are absent", []any{"session_state", "ss1", "client_id", "c2"},
			revocation.Token{SessionID: "ss1", ClientID: "c2"}},
		{"none", nil, revocation.Token{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chk := &fakeChecker{}
			v := rsaVerifier(t, staticRSA(t, "rsa1"), func(c *verify.Config[claims.Keycloak]) { c.Revocation = chk })
			_, err := v.Verify(context.Background(), signRS(t, "rsa1", with(tt.extra...)))
			require.NoError(t, err)
			want := tt.want
			want.Issuer, want.Subject, want.IssuedAt, want.ExpiresAt = testIssuer, "user-1", iat, exp
			got := chk.last()
			require.True(t, got.IssuedAt.Equal(want.IssuedAt) && got.ExpiresAt.Equal(want.ExpiresAt), "times: %v %v", got.IssuedAt, got.ExpiresAt)
			got.IssuedAt, got.ExpiresAt, want.IssuedAt, want.ExpiresAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
			require.Equal(t, want, got)
		})
	}
}

func TestRevocationCheck(t *testing.T) {
	chk := &fakeChecker{}
	v := rsaVerifier(t, staticRSA(t, "rsa1"), func(c *verify.Config[claims.Keycloak]) { c.Revocation = chk })
	tok := signRS(t, "rsa1", with("sid", "s1"))
	ctx := context.Background()
	for range 2 { // stored at the second verification
		_, err := v.Verify(ctx, tok)
		require.NoError(t, err)
	}

	// Revoked after it was cached: the hit is refused.
	chk.set(func(tk *revocation.Token) error {
		if tk.SessionID == "s1" {
			return fmt.Errorf("session: %w", revocation.ErrRevoked)
		}
		return nil
	})
	_, err := v.Verify(ctx, tok)
	require.ErrorIs(t, err, verify.ErrRevoked)
	require.Equal(t, verify.ReasonRevoked, verify.Reason(err))

	// Another session's token stands.
	_, err = v.Verify(ctx, signRS(t, "rsa1", with("sid", "s2")))
	require.NoError(t, err)

	// A checker that cannot know makes the verifier refuse, never accept.
	chk.set(func(*revocation.Token) error { return revocation.ErrUnavailable })
	_, err = v.Verify(ctx, tok)
	require.ErrorIs(t, err, verify.ErrRevocationUnavailable)
	require.Equal(t, verify.ReasonRevocationUnavailable, verify.Reason(err))
	chk.set(func(*revocation.Token) error { return fmt.Errorf("something else") })
	_, err = v.Verify(ctx, signRS(t, "rsa1", with("sid", "s3")))
	require.ErrorIs(t, err, verify.ErrRevocationUnavailable)

	// The check comes last: a token that fails earlier never reaches it.
	n := len(chk.asked)
	_, err = v.Verify(ctx, signRS(t, "rsa1", with("aud", "other")))
	require.ErrorIs(t, err, verify.ErrAudience)
	require.Len(t, chk.asked, n)
}

func TestRevocationClaimTypes(t *testing.T) {
	v := rsaVerifier(t, staticRSA(t, "rsa1"), func(c *verify.Config[claims.Map]) { c.Revocation = &fakeChecker{} })
	for _, name := range []string{"sid", "session_state", "azp", "client_id"} {
		_, err := v.Verify(context.Background(), signRS(t, "rsa1", with(name, 5)))
		require.ErrorIs(t, err, verify.ErrClaims, name)
		require.True(t, strings.Contains(err.Error(), name), err.Error())
	}
}
