package claims_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
)

const (
	msgNumericDateRange  = "claims: invalid NumericDate: out of range (want after 0001-01-01T00:00:00Z and before 10000-01-01T00:00:00Z)"
	msgNumericDateSyntax = "claims: invalid NumericDate: invalid JSON"
)

func TestNumericDateUnmarshalAccepts(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want time.Time // zero means absent
	}{
		{name: "integer", in: `1700000000`, want: time.Unix(1700000000, 0)},
		{name: "half second", in: `1700000000.5`, want: time.Unix(1700000000, 5e8)},
		{name: "nanoseconds exact", in: `1700000000.123456789`, want: time.Unix(1700000000, 123456789)},
		{name: "beyond nanoseconds truncated", in: `1700000000.1234567899`, want: time.Unix(1700000000, 123456789)},
		{name: "trailing zeros", in: `1700000000.000`, want: time.Unix(1700000000, 0)},
		{name: "zero is the epoch not absent", in: `0`, want: time.Unix(0, 0)},
		{name: "negative zero", in: `-0`, want: time.Unix(0, 0)},
		{name: "negative", in: `-1`, want: time.Unix(-1, 0)},
		{name: "negative fraction", in: `-1.5`, want: time.Unix(-2, 5e8)},
		{name: "negative nanosecond", in: `-0.000000001`, want: time.Unix(-1, 999999999)},
		{name: "below a nanosecond truncates to zero", in: `-0.0000000001`, want: time.Unix(0, 0)},
		{name: "exponent", in: `1.7e9`, want: time.Unix(1700000000, 0)},
		{name: "exponent upper case with sign", in: `17E+8`, want: time.Unix(1700000000, 0)},
		{name: "negative exponent", in: `17000000005e-1`, want: time.Unix(1700000000, 5e8)},
		{name: "fraction and exponent", in: `1.7000000005e9`, want: time.Unix(1700000000, 5e8)},
		{name: "zero with huge exponent", in: `0e999999999999999999999`, want: time.Unix(0, 0)},
		{name: "tiny exponent", in: `1e-999999999999999999999`, want: time.Unix(0, 0)},
		{name: "leading zero fraction digits", in: `0.000000005e9`, want: time.Unix(5, 0)},
		{name: "latest second", in: `253402300799.999999999`, want: time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)},
		{name: "just after the zero time", in: `-62135596799.999999999`, want: time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC)},
		{name: "null is absent", in: `null`},
	}
	for _, c := range codecs {
		for _, tt := range tests {
			t.Run(c.name+"/"+tt.name, func(t *testing.T) {
				d := claims.NewNumericDate(time.Unix(42, 0)) // must be overwritten
				require.NoError(t, c.unmarshal([]byte(tt.in), &d))
				if tt.want.IsZero() {
					assert.True(t, d.IsZero(), "got %v", d.Time)
					return
				}
				assert.False(t, d.IsZero())
				assert.True(t, tt.want.Equal(d.Time), "want %v, got %v", tt.want, d.Time)
				assert.Equal(t, time.UTC, d.Location())
			})
		}
	}
}

func TestNumericDateUnmarshalRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
		msg  string
	}{
		{name: "string", in: `"1700000000"`, msg: "claims: invalid NumericDate: got JSON string, want number"},
		{name: "boolean", in: `true`, msg: "claims: invalid NumericDate: got JSON boolean, want number"},
		{name: "object", in: `{"sec":1}`, msg: "claims: invalid NumericDate: got JSON object, want number"},
		{name: "array", in: `[1700000000]`, msg: "claims: invalid NumericDate: got JSON array, want number"},
		{name: "year 10000", in: `253402300800`, msg: msgNumericDateRange},
		{name: "13 digits", in: `1700000000000`, msg: msgNumericDateRange},
		{name: "exponent too large", in: `1e12`, msg: msgNumericDateRange},
		{name: "huge exponent", in: `1e99999999999999999999`, msg: msgNumericDateRange},
		{name: "Go zero time would read as absent", in: `-62135596800`, msg: msgNumericDateRange},
		{name: "before year 1", in: `-62135596800.5`, msg: msgNumericDateRange},
		{name: "very negative", in: `-1e13`, msg: msgNumericDateRange},
	}
	for _, c := range codecs {
		for _, tt := range tests {
			t.Run(c.name+"/"+tt.name, func(t *testing.T) {
				want := claims.NewNumericDate(time.Unix(42, 0))
				d := want
				err := c.unmarshal([]byte(tt.in), &d)
				require.ErrorIs(t, err, claims.ErrInvalidNumericDate)
				assert.ErrorContains(t, err, tt.msg)
				assert.Equal(t, want, d, "unchanged on error")
			})
		}
	}
}

// TestNumericDateUnmarshalJSONDirect calls the method itself with input the
// JSON packages would reject before calling it.
func TestNumericDateUnmarshalJSONDirect(t *testing.T) {
	tests := []struct {
		name string
		in   string
		msg  string // "" means accepted
		want time.Time
	}{
		{name: "surrounding whitespace", in: " \t1700000000\r\n", want: time.Unix(1700000000, 0)},
		{name: "empty", in: ``, msg: msgNumericDateSyntax},
		{name: "leading zero", in: `01`, msg: msgNumericDateSyntax},
		{name: "leading plus", in: `+1`, msg: msgNumericDateSyntax},
		{name: "bare minus", in: `-`, msg: msgNumericDateSyntax},
		{name: "no fraction digits", in: `1.`, msg: msgNumericDateSyntax},
		{name: "no integer digits", in: `.5`, msg: msgNumericDateSyntax},
		{name: "no exponent digits", in: `1e`, msg: msgNumericDateSyntax},
		{name: "exponent sign only", in: `1e+`, msg: msgNumericDateSyntax},
		{name: "two numbers", in: `1 2`, msg: msgNumericDateSyntax},
		{name: "hex", in: `0x10`, msg: msgNumericDateSyntax},
		{name: "NaN", in: `NaN`, msg: msgNumericDateSyntax},
		{name: "Infinity", in: `-Infinity`, msg: msgNumericDateSyntax},
		{name: "null prefix", in: `nullx`, msg: "claims: invalid NumericDate: got JSON null, want number"},
		{name: "misspelt null", in: `nul`, msg: msgNumericDateSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d claims.NumericDate
			err := d.UnmarshalJSON([]byte(tt.in))
			if tt.msg != "" {
				require.ErrorIs(t, err, claims.ErrInvalidNumericDate)
				assert.EqualError(t, err, tt.msg)
				assert.True(t, d.IsZero())
				return
			}
			require.NoError(t, err)
			assert.True(t, tt.want.Equal(d.Time), "want %v, got %v", tt.want, d.Time)
		})
	}
}

func TestNumericDateMarshal(t *testing.T) {
	tests := []struct {
		name string
		in   claims.NumericDate
		want string
	}{
		{name: "absent", in: claims.NumericDate{}, want: `null`},
		{name: "whole seconds", in: claims.NewNumericDate(time.Unix(1700000000, 0)), want: `1700000000`},
		{name: "half second", in: claims.NewNumericDate(time.Unix(1700000000, 5e8)), want: `1700000000.5`},
		{name: "one nanosecond", in: claims.NewNumericDate(time.Unix(1700000000, 1)), want: `1700000000.000000001`},
		{name: "epoch", in: claims.NewNumericDate(time.Unix(0, 0)), want: `0`},
		{name: "negative", in: claims.NewNumericDate(time.Unix(-2, 0)), want: `-2`},
		{name: "negative fraction", in: claims.NewNumericDate(time.Unix(-2, 5e8)), want: `-1.5`},
		{name: "just below zero", in: claims.NewNumericDate(time.Unix(-1, 999999999)), want: `-0.000000001`},
		{name: "other location", in: claims.NumericDate{Time: time.Unix(1700000000, 0).In(time.FixedZone("X", 3600))}, want: `1700000000`},
	}
	for _, c := range codecs {
		for _, tt := range tests {
			t.Run(c.name+"/"+tt.name, func(t *testing.T) {
				got, err := c.marshal(tt.in)
				require.NoError(t, err)
				assert.Equal(t, tt.want, string(got))

				var back claims.NumericDate
				require.NoError(t, c.unmarshal(got, &back))
				assert.True(t, tt.in.Equal(back.Time), "round trip: want %v, got %v", tt.in.Time, back.Time)
			})
		}
	}
}

func TestNumericDateMarshalOutOfRange(t *testing.T) {
	tests := []struct {
		name string
		in   time.Time
	}{
		{name: "year 10000", in: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{name: "year 0", in: time.Date(0, 12, 31, 23, 59, 59, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := claims.NewNumericDate(tt.in).MarshalJSON()
			require.ErrorIs(t, err, claims.ErrInvalidNumericDate)
			assert.EqualError(t, err, msgNumericDateRange)
		})
	}
}

func TestNumericDateField(t *testing.T) {
	type token struct {
		Exp claims.NumericDate `json:"exp,omitzero"`
	}
	tests := []struct {
		name   string
		in     string
		absent bool
		out    string
	}{
		{name: "present", in: `{"exp":1700000000}`, out: `{"exp":1700000000}`},
		{name: "missing", in: `{}`, absent: true, out: `{}`},
		{name: "null", in: `{"exp":null}`, absent: true, out: `{}`},
		{name: "epoch kept", in: `{"exp":0}`, out: `{"exp":0}`},
	}
	for _, c := range codecs {
		for _, tt := range tests {
			t.Run(c.name+"/"+tt.name, func(t *testing.T) {
				var tok token
				require.NoError(t, c.unmarshal([]byte(tt.in), &tok))
				assert.Equal(t, tt.absent, tok.Exp.IsZero())
				out, err := c.marshal(tok)
				require.NoError(t, err)
				assert.Equal(t, tt.out, string(out))
			})
		}
	}
}

func TestNewNumericDate(t *testing.T) {
	tests := []struct {
		name string
		in   time.Time
	}{
		{name: "now has a monotonic reading", in: time.Now()},
		{name: "other location", in: time.Date(2024, 5, 1, 12, 0, 0, 0, time.FixedZone("CEST", 7200))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := claims.NewNumericDate(tt.in)
			assert.True(t, tt.in.Equal(d.Time))
			assert.Equal(t, time.UTC, d.Location())
			assert.NotContains(t, d.String(), "m=", "monotonic reading stripped")
		})
	}
	t.Run("zero stays absent", func(t *testing.T) {
		assert.True(t, claims.NewNumericDate(time.Time{}).IsZero())
	})
}

func TestNumericDateUnmarshalAllocs(t *testing.T) {
	in := []byte(`1700000000.5`)
	var d claims.NumericDate
	allocs := testing.AllocsPerRun(100, func() {
		if err := d.UnmarshalJSON(in); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, allocs)
}
