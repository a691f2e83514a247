package middleware_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/middleware"
)

func TestRequireKeycloak(t *testing.T) {
	auth := mustNew(t, middleware.Config[claims.Keycloak]{Verifier: fakeKeycloak(alice())})
	tests := []struct {
		name      string
		check     func(http.Handler) http.Handler
		token     string // "" for none
		status    int
		challenge string
	}{
		{name: "all scopes held", check: middleware.RequireScopes("openid", "reports:read"), token: goodToken, status: 200},
		{name: "one scope missing", check: middleware.RequireScopes("reports:read", "reports:write"), token: goodToken, status: 403,
			challenge: `Bearer realm="api", error="insufficient_scope", error_description="missing_scope", scope="reports:read reports:write"`},
		{name: "any scope held", check: middleware.RequireAnyScope("reports:write", "reports:read"), token: goodToken, status: 200},
		{name: "no scope of any", check: middleware.RequireAnyScope("a", "b"), token: goodToken, status: 403,
			challenge: `Bearer realm="api", error="insufficient_scope", error_description="missing_scope", scope="a b"`},
		{name: "realm roles held", check: middleware.RequireRoles("user", "auditor"), token: goodToken, status: 200},
		{name: "realm role missing", check: middleware.RequireRoles("user", "admin"), token: goodToken, status: 403,
			challenge: `Bearer realm="api", error="insufficient_scope", error_description="missing_role"`},
		{name: "any realm role", check: middleware.RequireAnyRole("admin", "auditor"), token: goodToken, status: 200},
		{name: "no realm role of any", check: middleware.RequireAnyRole("admin", "root"), token: goodToken, status: 403,
			challenge: `Bearer realm="api", error="insufficient_scope", error_description="missing_role"`},
		{name: "client role held", check: middleware.RequireClientRoles("billing", "invoice:read"), token: goodToken, status: 200},
		{name: "client role of another client", check: middleware.RequireClientRoles("shop", "invoice:read"), token: goodToken, status: 403,
			challenge: `Bearer realm="api", error="insufficient_scope", error_description="missing_role"`},
		{name: "realm role is not a client role", check: middleware.RequireClientRoles("billing", "user"), token: goodToken, status: 403,
			challenge: `Bearer realm="api", error="insufficient_scope", error_description="missing_role"`},
		{name: "claim predicate true", check: middleware.RequireClaim("subject alice", func(c *claims.Keycloak) bool { return c.Subject == "alice" }), token: goodToken, status: 200},
		{name: "claim predicate false", check: middleware.RequireClaim("subject bob", func(c *claims.Keycloak) bool { return c.Subject == "bob" }), token: goodToken, status: 403,
			challenge: `Bearer realm="api", error="insufficient_scope", error_description="claim_requirement"`},
		{name: "claim predicate of another claims type", check: middleware.RequireClaim("map", func(*claims.Map) bool { return true }), token: goodToken, status: 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := auth.Handler(tt.check(echo(keycloakSub)))
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			rec := serve(h, req)
			assert.Equal(t, tt.status, rec.Code)
			assert.Equal(t, tt.challenge, rec.Header().Get("WWW-Authenticate"))
			if tt.status != 200 {
				p := problem(t, rec)
				assert.Equal(t, tt.status, p.Status)
			}
		})
	}
}

func TestRequireOtherClaimsTypes(t *testing.T) {
	type plain struct {
		claims.Registered
		Perms []string `json:"perms"`
	}
	mapClaims := claims.Map{
		"sub":             "bob",
		"scope":           "a,b  c\td",
		"realm_access":    map[string]any{"roles": []any{"admin"}},
		"resource_access": map[string]any{"shop": map[string]any{"roles": []any{"seller"}}},
	}
	mapAuth := mustNew(t, middleware.Config[claims.Map]{
		Verifier: verifierFunc[claims.Map](func(context.Context, string) (*claims.Map, error) { return &mapClaims, nil }),
	})
	plainVerifier := verifierFunc[plain](func(context.Context, string) (*plain, error) {
		return &plain{Perms: []string{"x"}}, nil
	})
	plainAuth := mustNew(t, middleware.Config[plain]{Verifier: plainVerifier})
	customAuth := mustNew(t, middleware.Config[plain]{
		Verifier: plainVerifier,
		HasScope: func(c *plain, s string) bool {
			for _, p := range c.Perms {
				if p == s {
					return true
				}
			}
			return false
		},
		HasRole: func(_ *plain, client, role string) bool { return client == "" && role == "x" },
	})
	tests := []struct {
		name   string
		h      http.Handler
		status int
	}{
		{name: "map space scopes", h: mapAuth.Handler(middleware.RequireScopes("c", "d")(ok200)), status: 200},
		{name: "map comma inside a scope", h: mapAuth.Handler(middleware.RequireScopes("a,b")(ok200)), status: 200},
		{name: "map comma does not separate", h: mapAuth.Handler(middleware.RequireAnyScope("a", "b")(ok200)), status: 403},
		{name: "map scope missing", h: mapAuth.Handler(middleware.RequireScopes("e")(ok200)), status: 403},
		{name: "map realm role", h: mapAuth.Handler(middleware.RequireRoles("admin")(ok200)), status: 200},
		{name: "map client role", h: mapAuth.Handler(middleware.RequireClientRoles("shop", "seller")(ok200)), status: 200},
		{name: "map client role missing", h: mapAuth.Handler(middleware.RequireClientRoles("shop", "admin")(ok200)), status: 403},
		{name: "type without scopes is a misconfiguration", h: plainAuth.Handler(middleware.RequireScopes("x")(ok200)), status: 500},
		{name: "type without roles is a misconfiguration", h: plainAuth.Handler(middleware.RequireRoles("x")(ok200)), status: 500},
		{name: "custom HasScope", h: customAuth.Handler(middleware.RequireScopes("x")(ok200)), status: 200},
		{name: "custom HasScope refuses", h: customAuth.Handler(middleware.RequireScopes("y")(ok200)), status: 403},
		{name: "custom HasRole", h: customAuth.Handler(middleware.RequireRoles("x")(ok200)), status: 200},
		{name: "custom HasRole, client", h: customAuth.Handler(middleware.RequireClientRoles("c", "x")(ok200)), status: 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.Header.Set("Authorization", "Bearer "+goodToken)
			assert.Equal(t, tt.status, serve(tt.h, req).Code)
		})
	}
}

var ok200 = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })

// scoped implements ScopeChecker and RealmRoleChecker itself.
type scoped struct{ granted string }

func (s *scoped) HasScope(scope string) bool { return scope == s.granted }
func (s *scoped) HasRealmRole(role string) bool {
	return role == "r"
}

func TestRequireThroughInterfaces(t *testing.T) {
	auth := mustNew(t, middleware.Config[scoped]{
		Verifier: verifierFunc[scoped](func(context.Context, string) (*scoped, error) { return &scoped{granted: "s"}, nil }),
	})
	tests := []struct {
		name   string
		check  func(http.Handler) http.Handler
		status int
	}{
		{name: "scope", check: middleware.RequireScopes("s"), status: 200},
		{name: "other scope", check: middleware.RequireScopes("t"), status: 403},
		{name: "realm role", check: middleware.RequireRoles("r"), status: 200},
		{name: "client role of a type without them", check: middleware.RequireClientRoles("c", "r"), status: 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.Header.Set("Authorization", "Bearer "+goodToken)
			assert.Equal(t, tt.status, serve(auth.Handler(tt.check(ok200)), req).Code)
		})
	}
}

func TestRequireWithoutAuthentication(t *testing.T) {
	t.Run("anonymous in optional mode gets 401", func(t *testing.T) {
		auth := mustNew(t, middleware.Config[claims.Keycloak]{Verifier: fakeKeycloak(alice()), Optional: true, Realm: "r"})
		rec := serve(auth.Handler(middleware.RequireScopes("openid")(ok200)), httptest.NewRequest(http.MethodGet, "/", nil))
		assert.Equal(t, http.StatusUnauthorized, rec.Code)
		assert.Equal(t, `Bearer realm="r"`, rec.Header().Get("WWW-Authenticate"))
	})
	t.Run("no middleware in front gets 500", func(t *testing.T) {
		rec := serve(middleware.RequireScopes("openid")(ok200), httptest.NewRequest(http.MethodGet, "/", nil))
		assert.Equal(t, http.StatusInternalServerError, rec.Code)
		assert.Empty(t, rec.Header().Get("WWW-Authenticate"))
		assert.Equal(t, "misconfigured", problem(t, rec).Reason)
	})
}

func TestRequirePanicsOnBadArguments(t *testing.T) {
	tests := []struct {
		name string
		f    func()
	}{
		{name: "no scope", f: func() { middleware.RequireScopes() }},
		{name: "empty scope", f: func() { middleware.RequireAnyScope("") }},
		{name: "scope with a space", f: func() { middleware.RequireScopes("a b") }},
		{name: "scope with a quote", f: func() { middleware.RequireScopes(`a"`) }},
		{name: "no role", f: func() { middleware.RequireRoles() }},
		{name: "empty role", f: func() { middleware.RequireAnyRole("") }},
		{name: "empty client", f: func() { middleware.RequireClientRoles("", "r") }},
		{name: "nil predicate", f: func() { middleware.RequireClaim[claims.Map]("x", nil) }},
		{name: "nil next", f: func() { middleware.RequireScopes("a")(nil) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Panics(t, tt.f) })
	}
}

// TestRequireScopesSpaceDelimited is the regression test for a comma in a
// scope name: "openid profile tenant:acme,admin" grants openid, profile and
// tenant:acme,admin (RFC 6749 section 3.3), never admin, through every
// claims type RequireScopes reads by default.
func TestRequireScopesSpaceDelimited(t *testing.T) {
	const payload = `{"sub":"alice","scope":"openid profile tenant:acme,admin"}`
	var kc claims.Keycloak
	var m claims.Map
	for _, dst := range []any{&kc, &m} {
		if err := json.Unmarshal([]byte(payload), dst); err != nil {
			t.Fatal(err)
		}
	}
	kcAuth := mustNew(t, middleware.Config[claims.Keycloak]{
		Verifier: verifierFunc[claims.Keycloak](func(context.Context, string) (*claims.Keycloak, error) { return &kc, nil }),
	})
	mapAuth := mustNew(t, middleware.Config[claims.Map]{
		Verifier: verifierFunc[claims.Map](func(context.Context, string) (*claims.Map, error) { return &m, nil }),
	})
	tests := []struct {
		name   string
		check  func(http.Handler) http.Handler
		status int
	}{
		{name: "first scope", check: middleware.RequireScopes("openid"), status: 200},
		{name: "every scope", check: middleware.RequireScopes("openid", "profile", "tenant:acme,admin"), status: 200},
		{name: "after the comma", check: middleware.RequireScopes("admin"), status: 403},
		{name: "before the comma", check: middleware.RequireScopes("tenant:acme"), status: 403},
		{name: "any of the split parts", check: middleware.RequireAnyScope("admin", "tenant:acme"), status: 403},
	}
	for _, a := range []struct {
		name string
		auth interface {
			Handler(http.Handler) http.Handler
		}
	}{{"Keycloak", kcAuth}, {"Map", mapAuth}} {
		for _, tt := range tests {
			t.Run(a.name+"/"+tt.name, func(t *testing.T) {
				req := httptest.NewRequest(http.MethodGet, "/", nil)
				req.Header.Set("Authorization", "Bearer "+goodToken)
				assert.Equal(t, tt.status, serve(a.auth.Handler(tt.check(ok200)), req).Code)
			})
		}
	}
}
