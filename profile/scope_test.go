package profile_test

import (
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/profile"
)

// TestPrincipalScopeDelimiters: behind a Multi profile, a Keycloak token's
// scope is space-delimited (a comma belongs to the scope name), while an
// Ansira token's scope is comma-delimited, as Ansira documents (and, since
// no scope name holds a space, spaces separate there too).
func TestPrincipalScopeDelimiters(t *testing.T) {
	const payload = `{"sub":"alice","scope":"openid profile tenant:acme,admin"}`
	var kc claims.Keycloak
	require.NoError(t, jsonv2.Unmarshal([]byte(payload), &kc))
	var an profile.AnsiraClaims
	require.NoError(t, jsonv2.Unmarshal([]byte(payload), &an))
	keycloak := &profile.Principal{Keycloak: &kc, Claims: &kc}
	ansira := &profile.Principal{Ansira: &an, Claims: &an}
	tests := []struct {
		name  string
		p     *profile.Principal
		scope string
		want  bool
	}{
		{name: "Keycloak: first scope", p: keycloak, scope: "openid", want: true},
		{name: "Keycloak: scope with a comma", p: keycloak, scope: "tenant:acme,admin", want: true},
		{name: "Keycloak: after the comma", p: keycloak, scope: "admin"},
		{name: "Ansira: after the comma", p: ansira, scope: "admin", want: true},
		{name: "Ansira: before the comma", p: ansira, scope: "tenant:acme", want: true},
		{name: "Ansira: spaces separate too", p: ansira, scope: "openid", want: true},
		{name: "Ansira: a comma is never inside a scope", p: ansira, scope: "tenant:acme,admin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.p.HasScope(tt.scope))
		})
	}
}
