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

// TestReview_MapScopeArrayOfStringsOnly: the scope claim of untyped claims
// is read as claims.Scopes reads it, and claims.Scopes refuses an array
// holding anything but strings (as Map.Strings does for roles). Such a
// claim grants no scope, not the string entries it happens to hold.
func TestReview_MapScopeArrayOfStringsOnly(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		status  int
	}{
		{name: "array of strings", payload: `{"scope":["read","admin"]}`, status: http.StatusOK},
		{name: "array with a number", payload: `{"scope":["admin",5]}`, status: http.StatusForbidden},
		{name: "array with an object", payload: `{"scope":[{"x":1},"admin"]}`, status: http.StatusForbidden},
		{name: "array with null", payload: `{"scope":["admin",null]}`, status: http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m claims.Map
			if err := json.Unmarshal([]byte(tt.payload), &m); err != nil {
				t.Fatal(err)
			}
			var s claims.Scopes
			raw, _ := json.Marshal(m["scope"])
			scopesErr := json.Unmarshal(raw, &s)
			assert.Equal(t, tt.status == http.StatusOK, scopesErr == nil, "claims.Scopes and the middleware agree")
			auth := mustNew(t, middleware.Config[claims.Map]{
				Verifier: verifierFunc[claims.Map](func(context.Context, string) (*claims.Map, error) { return &m, nil }),
			})
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.Header.Set("Authorization", "Bearer "+goodToken)
			assert.Equal(t, tt.status, serve(auth.Handler(middleware.RequireScopes("admin")(ok200)), req).Code)
		})
	}
}
