package middleware_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/middleware"
)

// routes are the cases both routers must answer the same way.
func routerCases(t *testing.T, rv realVerifier) []struct {
	name, path, token string
	status            int
	challenge         string
} {
	good := rv.sign(t, time.Minute, map[string]any{"realm_access": map[string]any{"roles": []string{"user"}}})
	return []struct {
		name, path, token string
		status            int
		challenge         string
	}{
		{name: "public", path: "/healthz", status: 200},
		{name: "me without token", path: "/api/me", status: 401, challenge: `Bearer realm="api"`},
		{name: "me", path: "/api/me", token: good, status: 200},
		{name: "reports with scope", path: "/api/reports", token: good, status: 200},
		{name: "admin without role", path: "/api/admin", token: good, status: 403,
			challenge: `Bearer realm="api", error="insufficient_scope", error_description="missing_role"`},
		{name: "expired", path: "/api/me", token: rv.sign(t, -time.Hour, nil), status: 401,
			challenge: `Bearer realm="api", error="invalid_token", error_description="expired"`},
	}
}

func me(w http.ResponseWriter, r *http.Request) {
	c, _ := middleware.ClaimsFrom[claims.Keycloak](r.Context())
	_ = json.NewEncoder(w).Encode(map[string]string{"sub": c.Subject})
}

func TestWithChi(t *testing.T) {
	rv := newRealVerifier(t)
	auth := mustNew(t, middleware.Config[claims.Keycloak]{Verifier: rv.v})

	r := chi.NewRouter()
	r.Get("/healthz", ok200)
	r.Route("/api", func(r chi.Router) {
		r.Use(auth.Handler)
		r.Get("/me", me)
		r.With(middleware.RequireScopes("reports:read")).Get("/reports", ok200)
		r.With(middleware.RequireRoles("admin")).Get("/admin", ok200)
	})
	srv := httptest.NewServer(r)
	defer srv.Close()
	runRouterCases(t, srv, rv)
}

func TestWithServeMux(t *testing.T) {
	rv := newRealVerifier(t)
	auth := mustNew(t, middleware.Config[claims.Keycloak]{Verifier: rv.v})

	api := http.NewServeMux()
	api.HandleFunc("GET /api/me", me)
	api.Handle("GET /api/reports", middleware.RequireScopes("reports:read")(ok200))
	api.Handle("GET /api/admin", middleware.RequireRoles("admin")(ok200))

	mux := http.NewServeMux()
	mux.Handle("GET /healthz", ok200)
	mux.Handle("/api/", auth.Handler(api))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	runRouterCases(t, srv, rv)
}

func runRouterCases(t *testing.T, srv *httptest.Server, rv realVerifier) {
	for _, tt := range routerCases(t, rv) {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, srv.URL+tt.path, nil)
			require.NoError(t, err)
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Equal(t, tt.challenge, resp.Header.Get("WWW-Authenticate"))
			if tt.path == "/api/me" && tt.status == 200 {
				var body map[string]string
				require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
				assert.Equal(t, "alice", body["sub"])
			}
		})
	}
}
