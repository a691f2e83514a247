package claims_test

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
)

// The fuzz targets compare the hand-written decoders with
// github.com/go-json-experiment/json decoding the same bytes into an any:
// they must accept exactly the JSON values of the right shape that v2
// accepts, decode them to the same values, and marshal what they accept so
// that it decodes back unchanged.

func FuzzNumericDate(f *testing.F) {
	for _, seed := range []string{
		`1700000000`, `1700000000.5`, `1700000000.123456789`, `-1.5`, `1.7e9`,
		`17E+8`, `0`, `-0`, `null`, `"1700000000"`, `true`, `[1]`, `01`, `1.`,
		`253402300799.999999999`, `253402300800`, `-62135596800`, `1e-999`,
		`0e999999999999999999999`, ` 42 `, `-0.000000001`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var d claims.NumericDate
		err := d.UnmarshalJSON(data)

		var ref any
		refErr := jsonv2.Unmarshal(data, &ref)
		num, isNum := ref.(float64)
		if err != nil {
			require.ErrorIs(t, err, claims.ErrInvalidNumericDate)
			// Well inside (0001-01-01, 10000-01-01), so it must be accepted.
			if refErr == nil && (ref == nil || isNum && -6.2e10 < num && num < 2.5e11) {
				t.Fatalf("rejected %q, which v2 reads as %v: %v", data, ref, err)
			}
			return
		}
		require.NoError(t, refErr, "accepted %q, which v2 rejects", data)
		require.True(t, json.Valid(data), "accepted %q, which v1 rejects", data)
		if ref == nil {
			require.True(t, d.IsZero(), "null must be absent")
			return
		}
		require.True(t, isNum, "accepted %q, which is not a number", data)
		require.False(t, d.IsZero())
		got := float64(d.Unix()) + float64(d.Nanosecond())/1e9
		tolerance := math.Max(math.Abs(num), 1)*1e-15 + 1e-9
		require.InDelta(t, num, got, tolerance, "decoded %q", data)

		out, err := d.MarshalJSON()
		require.NoError(t, err)
		var back claims.NumericDate
		require.NoError(t, back.UnmarshalJSON(out), "re-decoding %q", out)
		require.True(t, d.Equal(back.Time), "round trip of %q via %q: %v != %v", data, out, d.Time, back.Time)
	})
}

// refStrings returns what v2 decoded as a JSON string or an array of
// strings, and whether it is one; JSON null gives (nil, true).
func refStrings(ref any) (list []string, isString, ok bool) {
	switch v := ref.(type) {
	case nil:
		return nil, false, true
	case string:
		return []string{v}, true, true
	case []any:
		list = make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, false, false
			}
			list = append(list, s)
		}
		return list, false, true
	}
	return nil, false, false
}

func FuzzAudience(f *testing.F) {
	for _, seed := range []string{
		`"account"`, `["a","b"]`, `[]`, `[ ]`, `""`, `null`, `1`, `{}`, `["a",1]`,
		`[null]`, `"\u00e9\ud83d\ude00"`, `"\ud800"`, "\"\xff\"", `["a\n" , "b"]`,
		`["a",]`, `"a" "b"`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var a claims.Audience
		err := a.UnmarshalJSON(data)

		var ref any
		refErr := jsonv2.Unmarshal(data, &ref)
		want, _, shapeOK := refStrings(ref)
		if refErr != nil || !shapeOK {
			require.ErrorIs(t, err, claims.ErrInvalidAudience, "accepted %q (v2: %v, %#v)", data, refErr, ref)
			return
		}
		require.NoError(t, err, "rejected %q, which v2 reads as %#v", data, ref)
		assert.Equal(t, claims.Audience(want), a)

		out, err := a.MarshalJSON()
		require.NoError(t, err)
		var back claims.Audience
		require.NoError(t, jsonv2.Unmarshal(out, &back), "re-decoding %q", out)
		require.Equal(t, a, back, "round trip of %q via %q", data, out)
	})
}

// refScopes splits s by the rule documented on Scopes (spaces only), or on
// CommaScopes (commas and spaces) when comma is set, written independently
// of the implementation.
func refScopes(s string, comma bool) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\r' || r == '\n' || comma && r == ','
	})
}

var scopesSeeds = []string{
	`"profile email"`, `"a b  c"`, `"a,b"`, `"a, b"`, `" a , ,b,"`, `"a, b c"`,
	`"openid profile tenant:acme,admin"`, `""`, `["a","","b"]`, `["a b"]`,
	`["a,b"]`, `null`, `42`, `{"a":1}`, `["a",2]`, `"\tx\ny"`, `[]`, `",,"`,
}

// fuzzScopes checks a scope list decoder against v2 and refScopes; sep is
// what marshaling joins entries with.
func fuzzScopes[S ~[]string](t *testing.T, data []byte, comma bool, sep string,
	unmarshal func(*S, []byte) error, marshal func(S) ([]byte, error)) {
	var s S
	err := unmarshal(&s, data)

	var ref any
	refErr := jsonv2.Unmarshal(data, &ref)
	list, isString, shapeOK := refStrings(ref)
	if refErr != nil || !shapeOK {
		require.ErrorIs(t, err, claims.ErrInvalidScopes, "accepted %q (v2: %v, %#v)", data, refErr, ref)
		return
	}
	require.NoError(t, err, "rejected %q, which v2 reads as %#v", data, ref)
	var want []string
	if isString {
		want = refScopes(list[0], comma)
	} else {
		want = slices.DeleteFunc(list, func(e string) bool { return e == "" })
	}
	if len(want) == 0 {
		want = nil
	}
	require.Equal(t, S(want), s, "decoding %q", data)
	if isString && !comma {
		for _, e := range s {
			require.False(t, strings.ContainsAny(e, " \t\r\n"), "entry %q of %q holds a space", e, data)
		}
	}

	out, err := marshal(s)
	require.NoError(t, err)
	var back S
	require.NoError(t, jsonv2.Unmarshal(out, &back), "re-decoding %q", out)
	splitters := " \t\r\n"
	if comma {
		splitters += ","
	}
	if !slices.ContainsFunc(s, func(e string) bool { return strings.ContainsAny(e, splitters) }) {
		require.Equal(t, s, back, "round trip of %q via %q", data, out)
		var joined string
		require.NoError(t, jsonv2.Unmarshal(out, &joined))
		require.Equal(t, strings.Join(s, sep), joined, "marshaling %q", data)
	}
}

func FuzzScopes(f *testing.F) {
	for _, seed := range scopesSeeds {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzScopes(t, data, false, " ",
			func(s *claims.Scopes, b []byte) error { return s.UnmarshalJSON(b) },
			claims.Scopes.MarshalJSON)
	})
}

func FuzzCommaScopes(f *testing.F) {
	for _, seed := range scopesSeeds {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzScopes(t, data, true, ",",
			func(s *claims.CommaScopes, b []byte) error { return s.UnmarshalJSON(b) },
			claims.CommaScopes.MarshalJSON)
	})
}
