package middleware_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/revocation"
	"github.com/jwtguard/jwtguard/verify"
)

func TestHandlerResponses(t *testing.T) {
	refuse := func(err error) verifierFunc[claims.Keycloak] {
		return func(context.Context, string) (*claims.Keycloak, error) { return nil, err }
	}
	tests := []struct {
		name      string
		cfg       middleware.Config[claims.Keycloak] // Verifier defaults to fakeKeycloak(alice())
		header    http.Header
		method    string
		target    string
		status    int
		challenge string // WWW-Authenticate, exactly
		retry     string // Retry-After, exactly
		body      string // exact body for 200s
		reason    string // Problem.Reason for refusals
	}{
		{name: "no token", status: 401, challenge: `Bearer realm="api"`, reason: "missing_token"},
		{
			name:   "bearer token",
			header: http.Header{"Authorization": {"Bearer " + goodToken}},
			status: 200, body: "hello alice",
		},
		{
			name:   "scheme in any case, several spaces",
			header: http.Header{"Authorization": {"bEaReR   " + goodToken}},
			status: 200, body: "hello alice",
		},
		{
			name:   "another scheme is no token",
			header: http.Header{"Authorization": {"Basic YWxpY2U6c2VjcmV0"}},
			status: 401, challenge: `Bearer realm="api"`, reason: "missing_token",
		},
		{
			name:   "Bearer without a token",
			header: http.Header{"Authorization": {"Bearer"}},
			status: 400, challenge: `Bearer realm="api", error="invalid_request", error_description="malformed_request"`,
			reason: "malformed_request",
		},
		{
			name:   "token outside b64token syntax",
			header: http.Header{"Authorization": {"Bearer abc def"}},
			status: 400, challenge: `Bearer realm="api", error="invalid_request", error_description="malformed_request"`,
			reason: "malformed_request",
		},
		{
			name:   "two Authorization headers",
			header: http.Header{"Authorization": {"Bearer " + goodToken, "Bearer " + goodToken}},
			status: 400, challenge: `Bearer realm="api", error="invalid_request", error_description="multiple_tokens"`,
			reason: "multiple_tokens",
		},
		{
			name:   "Authorization and x-access-token both set",
			cfg:    middleware.Config[claims.Keycloak]{Extractors: []middleware.Extractor{middleware.BearerHeader(), middleware.Header("x-access-token")}},
			header: http.Header{"Authorization": {"Bearer " + goodToken}, "X-Access-Token": {goodToken}},
			status: 400, challenge: `Bearer realm="api", error="invalid_request", error_description="multiple_tokens"`,
			reason: "multiple_tokens",
		},
		{
			name:   "x-access-token bare",
			cfg:    middleware.Config[claims.Keycloak]{Extractors: []middleware.Extractor{middleware.BearerHeader(), middleware.Header("x-access-token")}},
			header: http.Header{"X-Access-Token": {goodToken}},
			status: 200, body: "hello alice",
		},
		{
			name:   "jwt header with a Bearer prefix",
			cfg:    middleware.Config[claims.Keycloak]{Extractors: []middleware.Extractor{middleware.Header("jwt")}},
			header: http.Header{"Jwt": {"Bearer " + goodToken}},
			status: 200, body: "hello alice",
		},
		{
			name:   "cookie",
			cfg:    middleware.Config[claims.Keycloak]{Extractors: []middleware.Extractor{middleware.Cookie("session")}},
			header: http.Header{"Cookie": {"theme=dark; session=" + goodToken}},
			status: 200, body: "hello alice",
		},
		{
			name:   "query parameter",
			cfg:    middleware.Config[claims.Keycloak]{Extractors: []middleware.Extractor{middleware.Query("access_token")}},
			target: "/x?a=1&access_token=" + goodToken,
			status: 200, body: "hello alice",
		},
		{
			name:   "query parameter is not read unless configured",
			target: "/x?access_token=" + goodToken,
			status: 401, challenge: `Bearer realm="api"`, reason: "missing_token",
		},
		{
			name:   "expired",
			header: http.Header{"Authorization": {"Bearer other.token.here"}},
			status: 401, challenge: `Bearer realm="api", error="invalid_token", error_description="expired"`,
			reason: "expired",
		},
		{
			name:   "expired mapped to 403",
			cfg:    middleware.Config[claims.Keycloak]{StatusByReason: map[string]int{verify.ReasonExpired: http.StatusForbidden}},
			header: http.Header{"Authorization": {"Bearer other.token.here"}},
			status: 403, challenge: `Bearer realm="api", error="invalid_token", error_description="expired"`,
			reason: "expired",
		},
		{
			name:   "keys unavailable",
			cfg:    middleware.Config[claims.Keycloak]{Verifier: refuse(&verify.Error{Reason: verify.ReasonKeysUnavailable, Err: fmt.Errorf("%w: dial tcp 10.0.0.1:443", keysource.ErrUnavailable)})},
			header: http.Header{"Authorization": {"Bearer " + goodToken}},
			status: 503, retry: "10", reason: "keys_unavailable",
		},
		{
			name:   "remote checker down keeps its own reason",
			cfg:    middleware.Config[claims.Keycloak]{Verifier: refuse(&verify.Error{Reason: "check_unavailable", Err: fmt.Errorf("%w: 502 from checker", keysource.ErrUnavailable)})},
			header: http.Header{"Authorization": {"Bearer " + goodToken}},
			status: 503, retry: "10", reason: "check_unavailable",
		},
		{
			name:   "keys unavailable, custom Retry-After",
			cfg:    middleware.Config[claims.Keycloak]{RetryAfter: 1500 * time.Millisecond, Verifier: refuse(keysource.ErrUnavailable)},
			header: http.Header{"Authorization": {"Bearer " + goodToken}},
			status: 503, retry: "2", reason: "keys_unavailable",
		},
		{
			name:   "revoked",
			cfg:    middleware.Config[claims.Keycloak]{Verifier: refuse(&verify.Error{Reason: verify.ReasonRevoked, Err: verify.ErrRevoked})},
			header: http.Header{"Authorization": {"Bearer " + goodToken}},
			status: 401, challenge: `Bearer realm="api", error="invalid_token", error_description="revoked"`,
			reason: "revoked",
		},
		{
			name:   "revocation state unavailable",
			cfg:    middleware.Config[claims.Keycloak]{Verifier: refuse(&verify.Error{Reason: verify.ReasonRevocationUnavailable, Err: fmt.Errorf("%w: not in sync for 2m", revocation.ErrUnavailable)})},
			header: http.Header{"Authorization": {"Bearer " + goodToken}},
			status: 503, retry: "10", reason: "revocation_unavailable",
		},
		{
			name:   "bound token without its proof",
			cfg:    middleware.Config[claims.Keycloak]{Verifier: refuse(&verify.Error{Reason: verify.ReasonBinding, Err: verify.ErrBinding})},
			header: http.Header{"Authorization": {"Bearer " + goodToken}},
			status: 401, challenge: `Bearer realm="api", error="invalid_token", error_description="binding"`,
			reason: "binding",
		},
		{
			name:   "context canceled",
			cfg:    middleware.Config[claims.Keycloak]{Verifier: refuse(&verify.Error{Reason: verify.ReasonCanceled, Err: context.Canceled})},
			header: http.Header{"Authorization": {"Bearer " + goodToken}},
			status: 503, retry: "10", reason: "canceled",
		},
		{
			name:   "foreign error says rejected, never its text",
			cfg:    middleware.Config[claims.Keycloak]{Verifier: refuse(errors.New(`db "password" leaked`))},
			header: http.Header{"Authorization": {"Bearer " + goodToken}},
			status: 401, challenge: `Bearer realm="api", error="invalid_token", error_description="rejected"`,
			reason: "rejected",
		},
		{
			name:   "verifier with neither claims nor error",
			cfg:    middleware.Config[claims.Keycloak]{Verifier: refuse(nil)},
			header: http.Header{"Authorization": {"Bearer " + goodToken}},
			status: 401, challenge: `Bearer realm="api", error="invalid_token", error_description="rejected"`,
			reason: "rejected",
		},
		{
			name:   "reason with forbidden characters is cleaned",
			cfg:    middleware.Config[claims.Keycloak]{Verifier: refuse(&verify.Error{Reason: "re\"vo\\ked\n", Err: errors.New("x")})},
			header: http.Header{"Authorization": {"Bearer " + goodToken}},
			status: 401, challenge: `Bearer realm="api", error="invalid_token", error_description="revoked"`,
			reason: "revoked",
		},
		{
			name:      "custom realm",
			cfg:       middleware.Config[claims.Keycloak]{Realm: "reports"},
			status:    401,
			challenge: `Bearer realm="reports"`, reason: "missing_token",
		},
		{
			name:   "optional without token",
			cfg:    middleware.Config[claims.Keycloak]{Optional: true},
			status: 200, body: "anonymous",
		},
		{
			name:   "optional with a bad token",
			cfg:    middleware.Config[claims.Keycloak]{Optional: true},
			header: http.Header{"Authorization": {"Bearer other.token.here"}},
			status: 401, challenge: `Bearer realm="api", error="invalid_token", error_description="expired"`,
			reason: "expired",
		},
		{
			name:   "CORS preflight bypass",
			cfg:    middleware.Config[claims.Keycloak]{SkipCORSPreflight: true},
			method: http.MethodOptions,
			header: http.Header{"Origin": {"https://app.test"}, "Access-Control-Request-Method": {"GET"}},
			status: 200, body: "anonymous",
		},
		{
			name:   "preflight checked without the option",
			method: http.MethodOptions,
			header: http.Header{"Origin": {"https://app.test"}, "Access-Control-Request-Method": {"GET"}},
			status: 401, challenge: `Bearer realm="api"`, reason: "missing_token",
		},
		{
			name:   "OPTIONS without preflight headers is checked",
			cfg:    middleware.Config[claims.Keycloak]{SkipCORSPreflight: true},
			method: http.MethodOptions,
			header: http.Header{"Origin": {"https://app.test"}},
			status: 401, challenge: `Bearer realm="api"`, reason: "missing_token",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			if cfg.Verifier == nil {
				cfg.Verifier = fakeKeycloak(alice())
			}
			h := mustNew(t, cfg).Handler(echo(keycloakSub))
			method, target := tt.method, tt.target
			if method == "" {
				method = http.MethodGet
			}
			if target == "" {
				target = "/x"
			}
			req := httptest.NewRequest(method, target, nil)
			for k, v := range tt.header {
				req.Header[k] = v
			}
			rec := serve(h, req)

			assert.Equal(t, tt.status, rec.Code)
			assert.Equal(t, tt.challenge, rec.Header().Get("WWW-Authenticate"))
			assert.Equal(t, tt.retry, rec.Header().Get("Retry-After"))
			if tt.status == http.StatusOK {
				assert.Equal(t, tt.body, rec.Body.String())
				return
			}
			assert.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
			p := problem(t, rec)
			assert.Equal(t, "about:blank", p.Type)
			assert.Equal(t, http.StatusText(tt.status), p.Title)
			assert.Equal(t, tt.status, p.Status)
			assert.Equal(t, tt.reason, p.Reason)
			assert.NotEmpty(t, p.Detail)
			assert.NotContains(t, rec.Body.String(), "password")
			assert.NotContains(t, rec.Body.String(), "10.0.0.1")
		})
	}
}

func TestHandlerWithRealVerifier(t *testing.T) {
	rv := newRealVerifier(t)
	h := mustNew(t, middleware.Config[claims.Keycloak]{Verifier: rv.v}).Handler(echo(keycloakSub))
	good := rv.sign(t, time.Minute, nil)
	tests := []struct {
		name      string
		token     string
		status    int
		challenge string
	}{
		{name: "valid", token: good, status: 200},
		{name: "expired", token: rv.sign(t, -time.Hour, nil), status: 401,
			challenge: `Bearer realm="api", error="invalid_token", error_description="expired"`},
		{name: "wrong audience", token: rv.sign(t, time.Minute, map[string]any{"aud": "other"}), status: 401,
			challenge: `Bearer realm="api", error="invalid_token", error_description="audience"`},
		{name: "tampered signature", token: good[:len(good)-4] + "AAAA", status: 401,
			challenge: `Bearer realm="api", error="invalid_token", error_description="signature"`},
		{name: "not a JWT", token: "abc", status: 401,
			challenge: `Bearer realm="api", error="invalid_token", error_description="malformed"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.Header.Set("Authorization", "Bearer "+tt.token)
			rec := serve(h, req)
			assert.Equal(t, tt.status, rec.Code)
			assert.Equal(t, tt.challenge, rec.Header().Get("WWW-Authenticate"))
			if tt.status == 200 {
				assert.Equal(t, "hello alice", rec.Body.String())
			}
		})
	}
}

func TestContextHoldsVerifiedClaimsAndToken(t *testing.T) {
	var gotClaims *claims.Keycloak
	var gotToken string
	var okClaims, okToken, okOther bool
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotClaims, okClaims = middleware.ClaimsFrom[claims.Keycloak](r.Context())
		gotToken, okToken = middleware.TokenFrom(r.Context())
		_, okOther = middleware.ClaimsFrom[claims.Map](r.Context())
	})
	want := alice()
	h := mustNew(t, middleware.Config[claims.Keycloak]{Verifier: fakeKeycloak(want)}).Handler(next)
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Authorization", "Bearer "+goodToken)
	serve(h, req)

	require.True(t, okClaims)
	assert.Same(t, want, gotClaims)
	require.True(t, okToken)
	assert.Equal(t, goodToken, gotToken)
	assert.False(t, okOther, "claims of another type")
}

func TestContextGettersWithoutPrincipal(t *testing.T) {
	ctx := context.Background()
	c, ok := middleware.ClaimsFrom[claims.Keycloak](ctx)
	assert.Nil(t, c)
	assert.False(t, ok)
	tok, ok := middleware.TokenFrom(ctx)
	assert.Empty(t, tok)
	assert.False(t, ok)

	// Optional mode without token: the request goes on with neither.
	var okClaims, okToken bool
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, okClaims = middleware.ClaimsFrom[claims.Keycloak](r.Context())
		_, okToken = middleware.TokenFrom(r.Context())
	})
	h := mustNew(t, middleware.Config[claims.Keycloak]{Verifier: fakeKeycloak(alice()), Optional: true}).Handler(next)
	serve(h, httptest.NewRequest(http.MethodGet, "/", nil))
	assert.False(t, okClaims)
	assert.False(t, okToken)
}

func TestFailedTokenNeverReachesNext(t *testing.T) {
	called := false
	next := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true })
	h := mustNew(t, middleware.Config[claims.Keycloak]{Verifier: fakeKeycloak(alice()), Optional: true}).Handler(next)
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Authorization", "Bearer bad.token.x")
	rec := serve(h, req)
	assert.Equal(t, http.StatusUnauthorized, rec.Code)
	assert.False(t, called)
}

func TestGettersDoNotAllocate(t *testing.T) {
	var ctx context.Context
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { ctx = r.Context() })
	h := mustNew(t, middleware.Config[claims.Keycloak]{Verifier: fakeKeycloak(alice())}).Handler(next)
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Authorization", "Bearer "+goodToken)
	serve(h, req)
	require.NotNil(t, ctx)
	allocs := testing.AllocsPerRun(100, func() {
		_, _ = middleware.ClaimsFrom[claims.Keycloak](ctx)
		_, _ = middleware.TokenFrom(ctx)
	})
	assert.Zero(t, allocs)
}

func TestErrorHandlerReplacesResponses(t *testing.T) {
	var got *middleware.Error
	h := mustNew(t, middleware.Config[claims.Keycloak]{
		Verifier: fakeKeycloak(alice()),
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, e *middleware.Error) {
			got = e
			w.WriteHeader(http.StatusTeapot)
		},
	}).Handler(echo(keycloakSub))
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Authorization", "Bearer other.token.x")
	rec := serve(h, req)

	assert.Equal(t, http.StatusTeapot, rec.Code)
	assert.Empty(t, rec.Header().Get("WWW-Authenticate"))
	require.NotNil(t, got)
	assert.Equal(t, http.StatusUnauthorized, got.Status)
	assert.Equal(t, middleware.CodeInvalidToken, got.Code)
	assert.Equal(t, verify.ReasonExpired, got.Reason)
	assert.ErrorIs(t, got, verify.ErrExpired)
}

func TestNewRefusesBadConfig(t *testing.T) {
	v := fakeKeycloak(alice())
	tests := []struct {
		name string
		cfg  middleware.Config[claims.Keycloak]
		want string
	}{
		{name: "no verifier", cfg: middleware.Config[claims.Keycloak]{}, want: "Verifier is required"},
		{name: "empty extractors", cfg: middleware.Config[claims.Keycloak]{Verifier: v, Extractors: []middleware.Extractor{}}, want: "Extractors is empty"},
		{name: "nil extractor", cfg: middleware.Config[claims.Keycloak]{Verifier: v, Extractors: []middleware.Extractor{nil}}, want: "Extractors[0] is nil"},
		{name: "same header twice", cfg: middleware.Config[claims.Keycloak]{Verifier: v, Extractors: []middleware.Extractor{middleware.Header("jwt"), middleware.Header("JWT")}}, want: "reads header Jwt twice"},
		{name: "quote in realm", cfg: middleware.Config[claims.Keycloak]{Verifier: v, Realm: `a"b`}, want: "Config.Realm"},
		{name: "status 200", cfg: middleware.Config[claims.Keycloak]{Verifier: v, StatusByReason: map[string]int{"expired": 200}}, want: "not a 4xx or 5xx"},
		{name: "negative Retry-After", cfg: middleware.Config[claims.Keycloak]{Verifier: v, RetryAfter: -time.Second}, want: "RetryAfter is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := middleware.New(tt.cfg)
			assert.Nil(t, m)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestHandlerNilPanics(t *testing.T) {
	m := mustNew(t, middleware.Config[claims.Keycloak]{Verifier: fakeKeycloak(alice())})
	assert.Panics(t, func() { m.Handler(nil) })
}
