package middleware_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/middleware"
)

func TestExtractors(t *testing.T) {
	tests := []struct {
		name    string
		x       middleware.Extractor
		header  http.Header
		target  string
		want    string
		wantErr error
	}{
		{name: "bearer: none", x: middleware.BearerHeader()},
		{name: "bearer: token", x: middleware.BearerHeader(), header: http.Header{"Authorization": {"Bearer a.b.c"}}, want: "a.b.c"},
		{name: "bearer: lower case", x: middleware.BearerHeader(), header: http.Header{"Authorization": {"bearer a.b.c"}}, want: "a.b.c"},
		{name: "bearer: b64token with padding", x: middleware.BearerHeader(), header: http.Header{"Authorization": {"Bearer ab+/~-_.c=="}}, want: "ab+/~-_.c=="},
		{name: "bearer: padding in the middle", x: middleware.BearerHeader(), header: http.Header{"Authorization": {"Bearer ab=c"}}, wantErr: middleware.ErrMalformedRequest},
		{name: "bearer: only padding", x: middleware.BearerHeader(), header: http.Header{"Authorization": {"Bearer =="}}, wantErr: middleware.ErrMalformedRequest},
		{name: "bearer: tab is not a separator", x: middleware.BearerHeader(), header: http.Header{"Authorization": {"Bearer\ta.b.c"}}},
		{name: "bearer: BearerX is another scheme", x: middleware.BearerHeader(), header: http.Header{"Authorization": {"Bearerx a.b.c"}}},
		{name: "bearer: DPoP is another scheme", x: middleware.BearerHeader(), header: http.Header{"Authorization": {"DPoP a.b.c"}}},
		{name: "bearer: no token", x: middleware.BearerHeader(), header: http.Header{"Authorization": {"Bearer "}}, wantErr: middleware.ErrMalformedRequest},
		{name: "bearer: two tokens", x: middleware.BearerHeader(), header: http.Header{"Authorization": {"Bearer a b"}}, wantErr: middleware.ErrMalformedRequest},
		{name: "bearer: two headers", x: middleware.BearerHeader(), header: http.Header{"Authorization": {"Bearer a", "Basic b"}}, wantErr: middleware.ErrMultipleTokens},
		{name: "header: bare", x: middleware.Header("x-access-token"), header: http.Header{"X-Access-Token": {"a.b.c"}}, want: "a.b.c"},
		{name: "header: prefixed", x: middleware.Header("x-access-token"), header: http.Header{"X-Access-Token": {"BEARER a.b.c"}}, want: "a.b.c"},
		{name: "header: empty", x: middleware.Header("x-access-token"), header: http.Header{"X-Access-Token": {""}}},
		{name: "header: junk", x: middleware.Header("jwt"), header: http.Header{"Jwt": {"a,b"}}, wantErr: middleware.ErrMalformedRequest},
		{name: "header: twice", x: middleware.Header("jwt"), header: http.Header{"Jwt": {"a", "b"}}, wantErr: middleware.ErrMultipleTokens},
		{name: "cookie: none at all", x: middleware.Cookie("at")},
		{name: "cookie: other cookies", x: middleware.Cookie("at"), header: http.Header{"Cookie": {"x=1"}}},
		{name: "cookie: found", x: middleware.Cookie("at"), header: http.Header{"Cookie": {"x=1; at=a.b.c"}}, want: "a.b.c"},
		{name: "cookie: empty", x: middleware.Cookie("at"), header: http.Header{"Cookie": {"at="}}},
		{name: "cookie: twice", x: middleware.Cookie("at"), header: http.Header{"Cookie": {"at=a; at=b"}}, wantErr: middleware.ErrMultipleTokens},
		{name: "cookie: junk", x: middleware.Cookie("at"), header: http.Header{"Cookie": {`at="a,b"`}}, wantErr: middleware.ErrMalformedRequest},
		{name: "query: none", x: middleware.Query("access_token"), target: "/?a=b"},
		{name: "query: found", x: middleware.Query("access_token"), target: "/?a=b&access_token=a.b.c", want: "a.b.c"},
		{name: "query: escaped name and value", x: middleware.Query("access_token"), target: "/?access%5Ftoken=a%2Eb.c", want: "a.b.c"},
		{name: "query: twice", x: middleware.Query("access_token"), target: "/?access_token=a&access_token=b", wantErr: middleware.ErrMultipleTokens},
		{name: "query: empty", x: middleware.Query("access_token"), target: "/?access_token="},
		{name: "query: bad escape", x: middleware.Query("access_token"), target: "/?access_token=%zz", wantErr: middleware.ErrMalformedRequest},
		{name: "query: space", x: middleware.Query("access_token"), target: "/?access_token=a+b", wantErr: middleware.ErrMalformedRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := tt.target
			if target == "" {
				target = "/"
			}
			req := httptest.NewRequest(http.MethodGet, target, nil)
			for k, v := range tt.header {
				req.Header[k] = v
			}
			got, err := tt.x.Extract(req)
			assert.Equal(t, tt.want, got)
			if tt.wantErr == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.wantErr)
			assert.ErrorIs(t, err, middleware.ErrInvalidRequest)
		})
	}
}

func TestExtractorConstructorsPanic(t *testing.T) {
	assert.Panics(t, func() { middleware.Header("") })
	assert.Panics(t, func() { middleware.Header("x token") })
	assert.Panics(t, func() { middleware.Cookie("a;b") })
	assert.Panics(t, func() { middleware.Query("") })
}

func TestCustomExtractor(t *testing.T) {
	custom := middleware.ExtractorFunc(func(r *http.Request) (string, error) {
		if r.URL.Path == "/broken" {
			return "", errors.New("cannot read")
		}
		return r.Header.Get("X-Custom"), nil
	})
	auth := mustNew(t, middleware.Config[claims.Keycloak]{
		Verifier:   fakeKeycloak(alice()),
		Extractors: []middleware.Extractor{custom},
	})
	h := auth.Handler(echo(keycloakSub))

	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("X-Custom", goodToken)
	assert.Equal(t, http.StatusOK, serve(h, req).Code)

	rec := serve(h, httptest.NewRequest(http.MethodGet, "/broken", nil))
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Equal(t, `Bearer realm="api", error="invalid_request", error_description="malformed_request"`, rec.Header().Get("WWW-Authenticate"))
	assert.NotContains(t, rec.Body.String(), "cannot read")
}

// FuzzExtractors feeds arbitrary header values, cookies and queries to the
// built-in extractors: they never panic, and what they return is one
// b64token taken from the request.
func FuzzExtractors(f *testing.F) {
	for _, s := range []string{"Bearer a.b.c", "bearer  x", "Bearer", "Basic x", "Bearer a b", "a=b&access_token=x.y", "%zz", "at=a; at=b", "Bearer ab==", "Bearer =="} {
		f.Add(s)
	}
	xs := []middleware.Extractor{middleware.BearerHeader(), middleware.Header("jwt"), middleware.Cookie("at"), middleware.Query("access_token")}
	f.Fuzz(func(t *testing.T, v string) {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL.RawQuery = v
		req.Header["Authorization"] = []string{v}
		req.Header["Jwt"] = []string{v}
		req.Header["Cookie"] = []string{v}
		for _, x := range xs {
			tok, err := x.Extract(req)
			if err != nil {
				if tok != "" || !errors.Is(err, middleware.ErrInvalidRequest) {
					t.Fatalf("%T: token %q with error %v", x, tok, err)
				}
				continue
			}
			if tok == "" {
				continue
			}
			if strings.ContainsAny(tok, " \t\r\n\",;\\") || strings.Trim(tok, "=") == "" {
				t.Fatalf("%T: %q is not a b64token", x, tok)
			}
		}
	})
}
