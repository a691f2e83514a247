package claims_test

import (
	"encoding/json"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
)

// eattestationsToken is an access-token body shaped like e-Attestations'
// sample: Keycloak realm eat_realm, client ea-api-edge, nbf 0 and the
// custom account_ids claim as a string.
const eattestationsToken = `{
  "exp": 1700003600,
  "iat": 1700000000,
  "nbf": 0,
  "jti": "6c1f1c3a-1b7e-4f43-9a43-2d1b8f0e9a11",
  "iss": "https://auth.example.com/auth/realms/eat_realm",
  "aud": "account",
  "sub": "f3a1c2d4-5b6e-4f70-8a91-b2c3d4e5f607",
  "typ": "Bearer",
  "azp": "ea-api-edge",
  "session_state": "8d2f4c6a-0e1b-4c3d-9f5a-7b6c5d4e3f21",
  "acr": "1",
  "allowed-origins": ["https://app.example.com"],
  "realm_access": {"roles": ["offline_access", "uma_authorization", "default-roles-eat_realm"]},
  "resource_access": {"account": {"roles": ["manage-account", "manage-account-links", "view-profile"]}},
  "scope": "profile email",
  "email_verified": true,
  "account_ids": "118466",
  "name": "Jane Doe",
  "preferred_username": "jane.doe",
  "given_name": "Jane",
  "family_name": "Doe",
  "email": "jane.doe@example.com"
}`

// wantEattestations is eattestationsToken decoded, without Extra.
func wantEattestations() claims.Keycloak {
	return claims.Keycloak{
		Registered: claims.Registered{
			Issuer:    "https://auth.example.com/auth/realms/eat_realm",
			Subject:   "f3a1c2d4-5b6e-4f70-8a91-b2c3d4e5f607",
			Audience:  claims.Audience{"account"},
			ExpiresAt: claims.NewNumericDate(time.Unix(1700003600, 0)),
			NotBefore: claims.NewNumericDate(time.Unix(0, 0)),
			IssuedAt:  claims.NewNumericDate(time.Unix(1700000000, 0)),
			ID:        "6c1f1c3a-1b7e-4f43-9a43-2d1b8f0e9a11",
		},
		Type:              "Bearer",
		AuthorizedParty:   "ea-api-edge",
		SessionState:      "8d2f4c6a-0e1b-4c3d-9f5a-7b6c5d4e3f21",
		ACR:               "1",
		Scope:             claims.Scopes{"profile", "email"},
		RealmAccess:       claims.Roles{Roles: []string{"offline_access", "uma_authorization", "default-roles-eat_realm"}},
		ResourceAccess:    map[string]claims.Roles{"account": {Roles: []string{"manage-account", "manage-account-links", "view-profile"}}},
		AllowedOrigins:    []string{"https://app.example.com"},
		PreferredUsername: "jane.doe",
		Email:             "jane.doe@example.com",
		EmailVerified:     true,
		Name:              "Jane Doe",
		GivenName:         "Jane",
		FamilyName:        "Doe",
	}
}

func TestKeycloakEattestationsV2(t *testing.T) {
	var k claims.Keycloak
	require.NoError(t, jsonv2.Unmarshal([]byte(eattestationsToken), &k))

	want := wantEattestations()
	want.Extra = map[string]any{"account_ids": "118466"}
	assert.Equal(t, want, k)

	assert.False(t, k.NotBefore.IsZero(), "nbf 0 is 1970, present")
	assert.Equal(t, "8d2f4c6a-0e1b-4c3d-9f5a-7b6c5d4e3f21", k.Session())
	assert.True(t, k.HasRealmRole("uma_authorization"))
	assert.True(t, k.HasClientRole("account", "view-profile"))
	v, ok := k.Claim("account_ids")
	assert.True(t, ok)
	assert.Equal(t, "118466", v)
	_, ok = k.Claim("sub")
	assert.False(t, ok, "named claims are not in Extra")
}

func TestKeycloakEattestationsV1(t *testing.T) {
	var k claims.Keycloak
	require.NoError(t, json.Unmarshal([]byte(eattestationsToken), &k))
	assert.Equal(t, wantEattestations(), k, "same fields, Extra not filled by v1")
	_, ok := k.Claim("account_ids")
	assert.False(t, ok)
}

func TestKeycloakMarshalRoundTripV2(t *testing.T) {
	var k claims.Keycloak
	require.NoError(t, jsonv2.Unmarshal([]byte(eattestationsToken), &k))
	out, err := jsonv2.Marshal(&k)
	require.NoError(t, err)
	assert.JSONEq(t, eattestationsToken, string(out), "Extra written back at top level")
}

func TestKeycloakExtraClaimNamedExtra(t *testing.T) {
	tests := []struct {
		name  string
		codec string
		in    string
		extra map[string]any
		err   bool // a *json.UnmarshalTypeError
	}{
		{name: "string", codec: "v2", in: `{"sub":"s","Extra":"x"}`, extra: map[string]any{"Extra": "x"}},
		{name: "lower case object", codec: "v2", in: `{"sub":"s","extra":{"a":1}}`, extra: map[string]any{"extra": map[string]any{"a": 1.0}}},
		{name: "string", codec: "v1", in: `{"sub":"s","Extra":"x"}`, err: true},
		{name: "lower case object", codec: "v1", in: `{"sub":"s","extra":{"a":1}}`, extra: map[string]any{"a": 1.0}},
	}
	for _, c := range codecs {
		for _, tt := range tests {
			if tt.codec != c.name {
				continue
			}
			t.Run(c.name+"/"+tt.name, func(t *testing.T) {
				var k claims.Keycloak
				err := c.unmarshal([]byte(tt.in), &k)
				if tt.err {
					var typeErr *json.UnmarshalTypeError
					require.ErrorAs(t, err, &typeErr)
				} else {
					require.NoError(t, err)
				}
				assert.Equal(t, "s", k.Subject, "the other claims are decoded")
				assert.Equal(t, tt.extra, k.Extra)
			})
		}
	}
}

func TestKeycloakV2Strictness(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{name: "duplicate named claim", in: `{"sub":"a","sub":"b"}`},
		{name: "duplicate unknown claim", in: `{"account_ids":"1","account_ids":"2"}`},
		{name: "invalid UTF-8 in unknown claim", in: "{\"x\":\"\xff\"}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var k claims.Keycloak
			assert.Error(t, jsonv2.Unmarshal([]byte(tt.in), &k))
		})
	}
}

func TestKeycloakV2CaseSensitive(t *testing.T) {
	var k claims.Keycloak
	require.NoError(t, jsonv2.Unmarshal([]byte(`{"sub":"a","SUB":"b","Typ":"ID"}`), &k))
	assert.Equal(t, "a", k.Subject)
	assert.Empty(t, k.Type)
	assert.Equal(t, map[string]any{"SUB": "b", "Typ": "ID"}, k.Extra)
}

func TestKeycloakRoles(t *testing.T) {
	k := wantEattestations()
	tests := []struct {
		name   string
		client string // "" means a realm role
		role   string
		want   bool
	}{
		{name: "realm role", role: "offline_access", want: true},
		{name: "missing realm role", role: "admin"},
		{name: "client role as realm role", role: "view-profile"},
		{name: "client role", client: "account", role: "manage-account", want: true},
		{name: "missing client role", client: "account", role: "admin"},
		{name: "realm role as client role", client: "account", role: "offline_access"},
		{name: "unknown client", client: "ea-api-edge", role: "view-profile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.client == "" {
				assert.Equal(t, tt.want, k.HasRealmRole(tt.role))
				return
			}
			assert.Equal(t, tt.want, k.HasClientRole(tt.client, tt.role))
		})
	}
	t.Run("zero value", func(t *testing.T) {
		var z claims.Keycloak
		assert.False(t, z.HasRealmRole("x"))
		assert.False(t, z.HasClientRole("account", "x"))
		_, ok := z.Claim("x")
		assert.False(t, ok)
	})
}

func TestKeycloakSession(t *testing.T) {
	tests := []struct {
		name         string
		sid, session string
		want         string
	}{
		{name: "sid only", sid: "s1", want: "s1"},
		{name: "session_state only", session: "s2", want: "s2"},
		{name: "sid wins", sid: "s1", session: "s2", want: "s1"},
		{name: "neither", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := claims.Keycloak{SessionID: tt.sid, SessionState: tt.session}
			assert.Equal(t, tt.want, k.Session())
		})
	}
}

func TestKeycloakRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
		err  error
	}{
		{name: "auth_time as string", in: `{"auth_time":"1700000000"}`, err: claims.ErrInvalidNumericDate},
		{name: "scope as number", in: `{"scope":1}`, err: claims.ErrInvalidScopes},
		{name: "aud as object", in: `{"aud":{}}`, err: claims.ErrInvalidAudience},
	}
	for _, c := range codecs {
		for _, tt := range tests {
			t.Run(c.name+"/"+tt.name, func(t *testing.T) {
				var k claims.Keycloak
				assert.ErrorIs(t, c.unmarshal([]byte(tt.in), &k), tt.err)
			})
		}
	}
}

func TestKeycloakEmbeddedKeepsExtra(t *testing.T) {
	type tenantClaims struct {
		claims.Keycloak
		Tenant string `json:"tenant"`
	}
	var c tenantClaims
	require.NoError(t, jsonv2.Unmarshal([]byte(`{"typ":"Bearer","tenant":"t1","account_ids":"118466"}`), &c))
	assert.Equal(t, "Bearer", c.Type)
	assert.Equal(t, "t1", c.Tenant)
	assert.Equal(t, map[string]any{"account_ids": "118466"}, c.Extra)
	_, ok := any(&c).(claims.Carrier)
	assert.True(t, ok)
}

func TestKeycloakEmptyMarshal(t *testing.T) {
	tests := []struct {
		codec string
		want  string
	}{
		{codec: "v1", want: `{"Extra":null}`},
		{codec: "v2", want: `{}`},
	}
	for _, c := range codecs {
		for _, tt := range tests {
			if tt.codec != c.name {
				continue
			}
			t.Run(c.name, func(t *testing.T) {
				out, err := c.marshal(&claims.Keycloak{})
				require.NoError(t, err)
				assert.Equal(t, tt.want, string(out))
			})
		}
	}
}

// TestKeycloakScopeSpaceDelimited is the regression test for a comma in a
// scope name: RFC 6749 section 3.3 makes scope space-delimited, so
// "tenant:acme,admin" is one scope, and neither "admin" nor "tenant:acme"
// is granted, while "openid" still is.
func TestKeycloakScopeSpaceDelimited(t *testing.T) {
	const payload = `{"sub":"alice","scope":"openid profile tenant:acme,admin"}`
	tests := []struct {
		name  string
		scope string
		want  bool
	}{
		{name: "first scope", scope: "openid", want: true},
		{name: "second scope", scope: "profile", want: true},
		{name: "scope with a comma", scope: "tenant:acme,admin", want: true},
		{name: "after the comma", scope: "admin"},
		{name: "before the comma", scope: "tenant:acme"},
	}
	for _, c := range codecs {
		var k claims.Keycloak
		require.NoError(t, c.unmarshal([]byte(payload), &k))
		for _, tt := range tests {
			t.Run(c.name+"/"+tt.name, func(t *testing.T) {
				assert.Equal(t, tt.want, k.HasScope(tt.scope))
			})
		}
	}
}
