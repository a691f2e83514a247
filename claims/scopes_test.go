package claims_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
)

func TestScopesUnmarshalAccepts(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want claims.Scopes
	}{
		{name: "space delimited", in: `"profile email"`, want: claims.Scopes{"profile", "email"}},
		{name: "repeated spaces", in: `"a b  c"`, want: claims.Scopes{"a", "b", "c"}},
		{name: "tabs and newlines", in: `" a\tb\r\nc "`, want: claims.Scopes{"a", "b", "c"}},
		{name: "single", in: `"openid"`, want: claims.Scopes{"openid"}},
		{name: "comma is part of a scope", in: `"a,b"`, want: claims.Scopes{"a,b"}},
		{name: "comma and space", in: `"a, b"`, want: claims.Scopes{"a,", "b"}},
		{name: "comma inside a space-delimited list", in: `"openid profile tenant:acme,admin"`, want: claims.Scopes{"openid", "profile", "tenant:acme,admin"}},
		{name: "spaces around commas", in: `" a , ,b,"`, want: claims.Scopes{"a", ",", ",b,"}},
		{name: "only commas", in: `",,"`, want: claims.Scopes{",,"}},
		{name: "empty string", in: `""`, want: nil},
		{name: "only spaces", in: `"   "`, want: nil},
		{name: "colon scopes", in: `"read:orders write:orders"`, want: claims.Scopes{"read:orders", "write:orders"}},
		{name: "array", in: `["a","b"]`, want: claims.Scopes{"a", "b"}},
		{name: "array empty entries dropped", in: `["","a","","b",""]`, want: claims.Scopes{"a", "b"}},
		{name: "array elements not split", in: `["a b","c,d"]`, want: claims.Scopes{"a b", "c,d"}},
		{name: "empty array", in: `[]`, want: nil},
		{name: "array of empty strings", in: `[""]`, want: nil},
		{name: "escaped space separates", in: `"a\u0020b"`, want: claims.Scopes{"a", "b"}},
		{name: "null is absent", in: `null`, want: nil},
	}
	for _, c := range codecs {
		for _, tt := range tests {
			t.Run(c.name+"/"+tt.name, func(t *testing.T) {
				s := claims.Scopes{"stale"}
				require.NoError(t, c.unmarshal([]byte(tt.in), &s))
				assert.Equal(t, tt.want, s)
			})
		}
	}
}

func TestScopesUnmarshalRejects(t *testing.T) {
	const want = ", want string or array of strings"
	tests := []struct {
		name string
		in   string
		msg  string
	}{
		{name: "number", in: `42`, msg: "claims: invalid Scopes: got JSON number" + want},
		{name: "boolean", in: `true`, msg: "claims: invalid Scopes: got JSON boolean" + want},
		{name: "object", in: `{"scope":"a"}`, msg: "claims: invalid Scopes: got JSON object" + want},
		{name: "number in array", in: `["a",2]`, msg: "claims: invalid Scopes: array element 1 is a JSON number, want string"},
		{name: "null in array", in: `["a",null]`, msg: "claims: invalid Scopes: array element 1 is a JSON null, want string"},
	}
	for _, c := range codecs {
		for _, tt := range tests {
			t.Run(c.name+"/"+tt.name, func(t *testing.T) {
				s := claims.Scopes{"kept"}
				err := c.unmarshal([]byte(tt.in), &s)
				require.ErrorIs(t, err, claims.ErrInvalidScopes)
				assert.ErrorContains(t, err, tt.msg)
				assert.Equal(t, claims.Scopes{"kept"}, s, "unchanged on error")
			})
		}
	}
	t.Run("direct/invalid UTF-8", func(t *testing.T) {
		var s claims.Scopes
		err := s.UnmarshalJSON([]byte("\"a \xff\""))
		require.ErrorIs(t, err, claims.ErrInvalidScopes)
		assert.EqualError(t, err, "claims: invalid Scopes: invalid UTF-8 in string")
	})
	t.Run("direct/data after null", func(t *testing.T) {
		var s claims.Scopes
		err := s.UnmarshalJSON([]byte("nullnull"))
		require.ErrorIs(t, err, claims.ErrInvalidScopes)
		assert.EqualError(t, err, "claims: invalid Scopes: invalid JSON: data after the value")
	})
	t.Run("direct/broken array", func(t *testing.T) {
		var s claims.Scopes
		err := s.UnmarshalJSON([]byte(`["a"`))
		require.ErrorIs(t, err, claims.ErrInvalidScopes)
		assert.EqualError(t, err, "claims: invalid Scopes: invalid JSON")
	})
	t.Run("direct/garbage", func(t *testing.T) {
		var s claims.Scopes
		err := s.UnmarshalJSON([]byte(`scope`))
		require.ErrorIs(t, err, claims.ErrInvalidScopes)
		assert.EqualError(t, err, "claims: invalid Scopes: invalid JSON")
	})
}

func TestScopesHelpers(t *testing.T) {
	s := claims.Scopes{"profile", "email", "read:orders"}
	tests := []struct {
		name   string
		scopes claims.Scopes
		args   []string
		all    bool
		any    bool
	}{
		{name: "one present", scopes: s, args: []string{"email"}, all: true, any: true},
		{name: "all present", scopes: s, args: []string{"email", "profile"}, all: true, any: true},
		{name: "one of two present", scopes: s, args: []string{"email", "admin"}, any: true},
		{name: "none present", scopes: s, args: []string{"admin"}},
		{name: "case matters", scopes: s, args: []string{"Email"}},
		{name: "no partial match", scopes: s, args: []string{"read"}},
		{name: "no arguments", scopes: s, args: nil, all: true},
		{name: "nil scopes", scopes: nil, args: []string{"email"}},
		{name: "nil scopes no arguments", scopes: nil, args: nil, all: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.all, tt.scopes.HasAll(tt.args...), "HasAll")
			assert.Equal(t, tt.any, tt.scopes.HasAny(tt.args...), "HasAny")
			if len(tt.args) == 1 {
				assert.Equal(t, tt.all, tt.scopes.Has(tt.args[0]), "Has")
			}
		})
	}
	t.Run("String", func(t *testing.T) {
		assert.Equal(t, "profile email read:orders", s.String())
		assert.Empty(t, claims.Scopes(nil).String())
	})
}

func TestScopesMarshal(t *testing.T) {
	tests := []struct {
		name string
		in   claims.Scopes
		want string
		back claims.Scopes // what decoding the output gives
	}{
		{name: "two", in: claims.Scopes{"profile", "email"}, want: `"profile email"`, back: claims.Scopes{"profile", "email"}},
		{name: "one", in: claims.Scopes{"openid"}, want: `"openid"`, back: claims.Scopes{"openid"}},
		{name: "nil", in: nil, want: `""`, back: nil},
		{name: "empty", in: claims.Scopes{}, want: `""`, back: nil},
		{name: "escaped", in: claims.Scopes{`a"b`}, want: `"a\"b"`, back: claims.Scopes{`a"b`}},
		{name: "entry with a space is split", in: claims.Scopes{"a b"}, want: `"a b"`, back: claims.Scopes{"a", "b"}},
		{name: "entry with a comma survives", in: claims.Scopes{"a,b", "c"}, want: `"a,b c"`, back: claims.Scopes{"a,b", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.MarshalJSON()
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
		})
		for _, c := range codecs {
			t.Run(c.name+"/"+tt.name+"/round trip", func(t *testing.T) {
				b, err := c.marshal(tt.in)
				require.NoError(t, err)
				assert.Equal(t, tt.want, string(b))
				var back claims.Scopes
				require.NoError(t, c.unmarshal(b, &back))
				assert.Equal(t, tt.back, back)
			})
		}
	}
}

func TestScopesField(t *testing.T) {
	type token struct {
		Scope claims.Scopes `json:"scope,omitempty"`
	}
	tests := []struct {
		name string
		in   token
		want string
	}{
		{name: "nil omitted", in: token{}, want: `{}`},
		{name: "empty omitted", in: token{Scope: claims.Scopes{}}, want: `{}`},
		{name: "present", in: token{Scope: claims.Scopes{"a", "b"}}, want: `{"scope":"a b"}`},
	}
	for _, c := range codecs {
		for _, tt := range tests {
			t.Run(c.name+"/"+tt.name, func(t *testing.T) {
				got, err := c.marshal(tt.in)
				require.NoError(t, err)
				assert.Equal(t, tt.want, string(got))
			})
		}
	}
}

func TestCommaScopesUnmarshal(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want claims.CommaScopes
	}{
		{name: "comma delimited", in: `"campaigns:read,assets:read"`, want: claims.CommaScopes{"campaigns:read", "assets:read"}},
		{name: "comma and space", in: `"a, b"`, want: claims.CommaScopes{"a", "b"}},
		{name: "space delimited", in: `"a b"`, want: claims.CommaScopes{"a", "b"}},
		{name: "mixed", in: `"openid profile tenant:acme,admin"`, want: claims.CommaScopes{"openid", "profile", "tenant:acme", "admin"}},
		{name: "empty entries dropped", in: `" a , ,b,"`, want: claims.CommaScopes{"a", "b"}},
		{name: "only commas", in: `",,"`, want: nil},
		{name: "empty string", in: `""`, want: nil},
		{name: "array elements not split", in: `["a b","c,d"]`, want: claims.CommaScopes{"a b", "c,d"}},
		{name: "null is absent", in: `null`, want: nil},
	}
	for _, c := range codecs {
		for _, tt := range tests {
			t.Run(c.name+"/"+tt.name, func(t *testing.T) {
				s := claims.CommaScopes{"stale"}
				require.NoError(t, c.unmarshal([]byte(tt.in), &s))
				assert.Equal(t, tt.want, s)
			})
		}
	}
	rejects := []struct {
		name string
		in   string
	}{
		{name: "number", in: `42`},
		{name: "object", in: `{"scope":"a"}`},
		{name: "number in array", in: `["a",2]`},
		{name: "invalid UTF-8", in: "\"a,\xff\""},
	}
	for _, tt := range rejects {
		t.Run("rejects/"+tt.name, func(t *testing.T) {
			s := claims.CommaScopes{"kept"}
			require.ErrorIs(t, s.UnmarshalJSON([]byte(tt.in)), claims.ErrInvalidScopes)
			assert.Equal(t, claims.CommaScopes{"kept"}, s, "unchanged on error")
		})
	}
}

func TestCommaScopesHelpersAndMarshal(t *testing.T) {
	s := claims.CommaScopes{"campaigns:read", "assets:read"}
	assert.True(t, s.Has("assets:read"))
	assert.False(t, s.Has("campaigns:read,assets:read"))
	assert.True(t, s.HasAll("assets:read", "campaigns:read"))
	assert.False(t, s.HasAll("assets:read", "admin"))
	assert.True(t, s.HasAny("admin", "assets:read"))
	assert.False(t, s.HasAny())
	assert.Equal(t, "campaigns:read,assets:read", s.String())
	for _, c := range codecs {
		t.Run(c.name, func(t *testing.T) {
			b, err := c.marshal(s)
			require.NoError(t, err)
			assert.Equal(t, `"campaigns:read,assets:read"`, string(b))
			var back claims.CommaScopes
			require.NoError(t, c.unmarshal(b, &back))
			assert.Equal(t, s, back)
			b, err = c.marshal(claims.CommaScopes(nil))
			require.NoError(t, err)
			assert.Equal(t, `""`, string(b))
		})
	}
}
