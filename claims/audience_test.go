package claims_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
)

const msgAudienceKind = ", want string or array of strings"

func TestAudienceUnmarshalAccepts(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want claims.Audience
	}{
		{name: "string", in: `"account"`, want: claims.Audience{"account"}},
		{name: "array", in: `["account","ea-api-edge"]`, want: claims.Audience{"account", "ea-api-edge"}},
		{name: "array with spaces", in: "[ \"a\" ,\n\"b\"\t]", want: claims.Audience{"a", "b"}},
		{name: "one-element array", in: `["account"]`, want: claims.Audience{"account"}},
		{name: "empty array", in: `[]`, want: claims.Audience{}},
		{name: "empty array with space", in: `[ ]`, want: claims.Audience{}},
		{name: "empty string kept", in: `""`, want: claims.Audience{""}},
		{name: "escapes", in: `"a\"b\\c\/d\b\f\n\r\t\u00e9"`, want: claims.Audience{"a\"b\\c/d\b\f\n\r\té"}},
		{name: "surrogate pair", in: `"\ud83d\ude00"`, want: claims.Audience{"😀"}},
		{name: "raw UTF-8", in: `["ünïcödé","日本"]`, want: claims.Audience{"ünïcödé", "日本"}},
		{name: "escape in array", in: `["a\n","b"]`, want: claims.Audience{"a\n", "b"}},
		{name: "null is absent", in: `null`, want: nil},
	}
	for _, c := range codecs {
		for _, tt := range tests {
			t.Run(c.name+"/"+tt.name, func(t *testing.T) {
				a := claims.Audience{"stale"}
				require.NoError(t, c.unmarshal([]byte(tt.in), &a))
				assert.Equal(t, tt.want, a)
			})
		}
	}
}

func TestAudienceUnmarshalRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
		msg  string
	}{
		{name: "number", in: `1`, msg: "claims: invalid Audience: got JSON number" + msgAudienceKind},
		{name: "boolean", in: `false`, msg: "claims: invalid Audience: got JSON boolean" + msgAudienceKind},
		{name: "object", in: `{"aud":"a"}`, msg: "claims: invalid Audience: got JSON object" + msgAudienceKind},
		{name: "number in array", in: `["a",1]`, msg: "claims: invalid Audience: array element 1 is a JSON number, want string"},
		{name: "null in array", in: `[null]`, msg: "claims: invalid Audience: array element 0 is a JSON null, want string"},
		{name: "nested array", in: `[["a"]]`, msg: "claims: invalid Audience: array element 0 is a JSON array, want string"},
		{name: "object in array", in: `["a","b",{}]`, msg: "claims: invalid Audience: array element 2 is a JSON object, want string"},
		{name: "boolean in array", in: `[true]`, msg: "claims: invalid Audience: array element 0 is a JSON boolean, want string"},
	}
	for _, c := range codecs {
		for _, tt := range tests {
			t.Run(c.name+"/"+tt.name, func(t *testing.T) {
				a := claims.Audience{"kept"}
				err := c.unmarshal([]byte(tt.in), &a)
				require.ErrorIs(t, err, claims.ErrInvalidAudience)
				assert.ErrorContains(t, err, tt.msg)
				assert.Equal(t, claims.Audience{"kept"}, a, "unchanged on error")
			})
		}
	}
}

// TestAudienceInvalidUTF8 checks that invalid UTF-8 is an error under both
// decoders, although encoding/json alone would substitute U+FFFD.
func TestAudienceInvalidUTF8(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{name: "raw invalid byte", in: "\"a\xffb\""},
		{name: "raw invalid byte in array", in: "[\"a\",\"\xc3\"]"},
		{name: "lone high surrogate", in: `"\ud800"`},
		{name: "lone low surrogate", in: `"\udc00"`},
		{name: "high surrogate then letter", in: `"\ud800\u0041"`},
	}
	for _, c := range codecs {
		for _, tt := range tests {
			t.Run(c.name+"/"+tt.name, func(t *testing.T) {
				var a claims.Audience
				err := c.unmarshal([]byte(tt.in), &a)
				require.Error(t, err)
				if c.name == "v1" {
					// v2 rejects the input itself, before calling UnmarshalJSON.
					require.ErrorIs(t, err, claims.ErrInvalidAudience)
					assert.EqualError(t, err, "claims: invalid Audience: invalid UTF-8 in string")
				}
				assert.Nil(t, a)
			})
		}
	}
}

// TestAudienceUnmarshalJSONDirect calls the method itself with input the
// JSON packages would reject before calling it.
func TestAudienceUnmarshalJSONDirect(t *testing.T) {
	tests := []struct {
		name string
		in   string
		msg  string
	}{
		{name: "empty", in: ``, msg: "claims: invalid Audience: invalid JSON"},
		{name: "unterminated string", in: `"abc`, msg: "claims: invalid Audience: invalid JSON"},
		{name: "unterminated array", in: `["a"`, msg: "claims: invalid Audience: invalid JSON"},
		{name: "missing comma", in: `["a" "b"]`, msg: "claims: invalid Audience: invalid JSON"},
		{name: "trailing comma", in: `["a",]`, msg: "claims: invalid Audience: invalid JSON"},
		{name: "leading comma", in: `[,"a"]`, msg: "claims: invalid Audience: invalid JSON"},
		{name: "data after string", in: `"a" "b"`, msg: "claims: invalid Audience: invalid JSON: data after the value"},
		{name: "data after array", in: `["a"]]`, msg: "claims: invalid Audience: invalid JSON: data after the value"},
		{name: "data after empty array", in: `[]x`, msg: "claims: invalid Audience: invalid JSON: data after the value"},
		{name: "data after null", in: `null,`, msg: "claims: invalid Audience: invalid JSON: data after the value"},
		{name: "raw control character", in: "\"a\nb\"", msg: "claims: invalid Audience: control character in string"},
		{name: "raw control character after escape", in: "\"\\n\x01\"", msg: "claims: invalid Audience: control character in string"},
		{name: "unknown escape", in: `"\x41"`, msg: "claims: invalid Audience: invalid JSON"},
		{name: "short unicode escape", in: `"\u12"`, msg: "claims: invalid Audience: invalid JSON"},
		{name: "bad hex", in: `"\u12g4"`, msg: "claims: invalid Audience: invalid JSON"},
		{name: "bad low surrogate hex", in: `"\ud800\uzzzz"`, msg: "claims: invalid Audience: invalid JSON"},
		{name: "backslash at end", in: `"\`, msg: "claims: invalid Audience: invalid JSON"},
		{name: "garbage", in: `xyz`, msg: "claims: invalid Audience: invalid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a claims.Audience
			err := a.UnmarshalJSON([]byte(tt.in))
			require.ErrorIs(t, err, claims.ErrInvalidAudience)
			assert.EqualError(t, err, tt.msg)
		})
	}
}

func TestAudienceContains(t *testing.T) {
	aud := claims.Audience{"account", "ea-api-edge"}
	tests := []struct {
		name       string
		aud        claims.Audience
		candidates []string
		contains   bool // Contains(candidates[0])
		any        bool
	}{
		{name: "first", aud: aud, candidates: []string{"account"}, contains: true, any: true},
		{name: "second", aud: aud, candidates: []string{"ea-api-edge"}, contains: true, any: true},
		{name: "case matters", aud: aud, candidates: []string{"Account"}},
		{name: "no prefix match", aud: aud, candidates: []string{"acc"}},
		{name: "any of several", aud: aud, candidates: []string{"other", "ea-api-edge"}, any: true},
		{name: "none of several", aud: aud, candidates: []string{"other", "x"}},
		{name: "nil audience", aud: nil, candidates: []string{""}},
		{name: "empty string recipient", aud: claims.Audience{""}, candidates: []string{""}, contains: true, any: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.contains, tt.aud.Contains(tt.candidates[0]))
			assert.Equal(t, tt.any, tt.aud.ContainsAny(tt.candidates...))
		})
	}
	t.Run("no candidates", func(t *testing.T) {
		assert.False(t, aud.ContainsAny())
	})
}

func TestAudienceMarshal(t *testing.T) {
	tests := []struct {
		name string
		in   claims.Audience
		want string // exact MarshalJSON output
	}{
		{name: "nil", in: nil, want: `null`},
		{name: "empty", in: claims.Audience{}, want: `[]`},
		{name: "one", in: claims.Audience{"account"}, want: `"account"`},
		{name: "two", in: claims.Audience{"a", "b"}, want: `["a","b"]`},
		{name: "escaped", in: claims.Audience{"q\"b\\s\n\x01é"}, want: `"q\"b\\s\n\u0001é"`},
		{name: "escaped in array", in: claims.Audience{"\t", "\r"}, want: `["\t","\r"]`},
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
				var back claims.Audience
				require.NoError(t, c.unmarshal(b, &back))
				assert.Equal(t, tt.in, back)
			})
		}
	}
	t.Run("invalid UTF-8 replaced", func(t *testing.T) {
		got, err := claims.Audience{"a\xffb"}.MarshalJSON()
		require.NoError(t, err)
		assert.Equal(t, `"a\ufffdb"`, string(got))
	})
}

func TestAudienceField(t *testing.T) {
	type token struct {
		Aud claims.Audience `json:"aud,omitempty"`
	}
	tests := []struct {
		name string
		in   token
		want string
	}{
		{name: "nil omitted", in: token{}, want: `{}`},
		{name: "empty omitted", in: token{Aud: claims.Audience{}}, want: `{}`},
		{name: "single as string", in: token{Aud: claims.Audience{"a"}}, want: `{"aud":"a"}`},
		{name: "several as array", in: token{Aud: claims.Audience{"a", "b"}}, want: `{"aud":["a","b"]}`},
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
