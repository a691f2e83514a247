package remotecheck_test

import (
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/remotecheck"
)

// TestIntrospectionScopeSpaceDelimited: an RFC 7662 scope member is
// space-delimited (RFC 7662 section 2.2, RFC 6749 section 3.3), so a comma
// is part of a scope name and never a separator.
func TestIntrospectionScopeSpaceDelimited(t *testing.T) {
	var c remotecheck.Introspection
	require.NoError(t, jsonv2.Unmarshal([]byte(`{"active":true,"scope":"openid profile tenant:acme,admin"}`), &c))
	tests := []struct {
		name  string
		scope string
		want  bool
	}{
		{name: "first scope", scope: "openid", want: true},
		{name: "scope with a comma", scope: "tenant:acme,admin", want: true},
		{name: "after the comma", scope: "admin"},
		{name: "before the comma", scope: "tenant:acme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, c.HasScope(tt.scope))
		})
	}
}
