package claims_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
)

const mapToken = `{"sub":"u1","aud":["a","b"],"azp":"c","exp":1700003600,"auth_time":1700000000.5,` +
	`"nbf":0,"big":1e300,"neg":-1.5,"mixed":["a",1],"empty":[],"nothing":null,"flag":true,"ts":"1700000000"}`

func TestMap(t *testing.T) {
	for _, c := range codecs {
		var m claims.Map
		require.NoError(t, c.unmarshal([]byte(mapToken), &m))

		t.Run(c.name+"/Has", func(t *testing.T) {
			assert.True(t, m.Has("sub"))
			assert.True(t, m.Has("nothing"), "present as null")
			assert.False(t, m.Has("iss"))
		})

		t.Run(c.name+"/String", func(t *testing.T) {
			tests := []struct {
				name  string
				claim string
				want  string
				ok    bool
			}{
				{name: "string", claim: "sub", want: "u1", ok: true},
				{name: "array", claim: "aud"},
				{name: "number", claim: "exp"},
				{name: "null", claim: "nothing"},
				{name: "missing", claim: "iss"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					got, ok := m.String(tt.claim)
					assert.Equal(t, tt.ok, ok)
					assert.Equal(t, tt.want, got)
				})
			}
		})

		t.Run(c.name+"/Strings", func(t *testing.T) {
			tests := []struct {
				name  string
				claim string
				want  []string
				ok    bool
			}{
				{name: "array", claim: "aud", want: []string{"a", "b"}, ok: true},
				{name: "string", claim: "azp", want: []string{"c"}, ok: true},
				{name: "empty array", claim: "empty", want: []string{}, ok: true},
				{name: "mixed array", claim: "mixed"},
				{name: "number", claim: "exp"},
				{name: "bool", claim: "flag"},
				{name: "null", claim: "nothing"},
				{name: "missing", claim: "iss"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					got, ok := m.Strings(tt.claim)
					assert.Equal(t, tt.ok, ok)
					assert.Equal(t, tt.want, got)
				})
			}
		})

		t.Run(c.name+"/Time", func(t *testing.T) {
			tests := []struct {
				name  string
				claim string
				want  time.Time
				ok    bool
			}{
				{name: "integer", claim: "exp", want: time.Unix(1700003600, 0), ok: true},
				{name: "fraction exact", claim: "auth_time", want: time.Unix(1700000000, 5e8), ok: true},
				{name: "epoch", claim: "nbf", want: time.Unix(0, 0), ok: true},
				{name: "negative", claim: "neg", want: time.Unix(-2, 5e8), ok: true},
				{name: "out of range", claim: "big"},
				{name: "string", claim: "ts"},
				{name: "null", claim: "nothing"},
				{name: "missing", claim: "iat"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					got, ok := m.Time(tt.claim)
					assert.Equal(t, tt.ok, ok)
					if tt.ok {
						assert.True(t, tt.want.Equal(got), "want %v, got %v", tt.want, got)
						assert.Equal(t, time.UTC, got.Location())
					} else {
						assert.True(t, got.IsZero())
					}
				})
			}
		})
	}
}

func TestMapTimeOtherShapes(t *testing.T) {
	var withNumbers claims.Map
	dec := json.NewDecoder(bytes.NewReader([]byte(`{"exp":1700000000.123456789}`)))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&withNumbers))

	tests := []struct {
		name string
		m    claims.Map
		want time.Time
		ok   bool
	}{
		{name: "json.Number kept exact", m: withNumbers, want: time.Unix(1700000000, 123456789), ok: true},
		{name: "int64", m: claims.Map{"exp": int64(1700000000)}, want: time.Unix(1700000000, 0), ok: true},
		{name: "int", m: claims.Map{"exp": 1700000000}, want: time.Unix(1700000000, 0), ok: true},
		{name: "NumericDate", m: claims.Map{"exp": claims.NewNumericDate(time.Unix(1700000000, 0))}, want: time.Unix(1700000000, 0), ok: true},
		{name: "zero NumericDate", m: claims.Map{"exp": claims.NumericDate{}}},
		{name: "bad json.Number", m: claims.Map{"exp": json.Number("abc")}},
		{name: "int64 out of range", m: claims.Map{"exp": int64(1) << 62}},
		{name: "time.Time is not a JSON shape", m: claims.Map{"exp": time.Unix(1700000000, 0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.m.Time("exp")
			assert.Equal(t, tt.ok, ok)
			assert.True(t, tt.want.Equal(got) || (!tt.ok && got.IsZero()), "want %v, got %v", tt.want, got)
		})
	}
}

func TestMapStringsTyped(t *testing.T) {
	m := claims.Map{"roles": []string{"a", "b"}}
	got, ok := m.Strings("roles")
	assert.True(t, ok)
	assert.Equal(t, []string{"a", "b"}, got)
}
