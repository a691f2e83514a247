package verify

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
)

// TestDecodeJSONBothDecoders runs decodeJSON with claimsdec and with
// go-json-experiment alone: the same values, the same sentinel, and the
// same message (a refusal is described by go-json-experiment either way).
func TestDecodeJSONBothDecoders(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error // nil, ErrMalformed or ErrClaims
	}{
		{name: "keycloak", in: `{"iss":"i","aud":["a","b"],"exp":1700000000,"scope":"openid email","realm_access":{"roles":["r"]},"x":{"y":[1,"z",null]}}`},
		{name: "null", in: `null`},
		{name: "duplicate name", in: `{"sub":"a","sub":"b"}`, want: ErrMalformed},
		{name: "duplicate nested name", in: `{"x":{"a":1,"a":2}}`, want: ErrMalformed},
		{name: "escaped duplicate", in: `{"sub":"a","\u0073ub":"b"}`, want: ErrMalformed},
		{name: "invalid UTF-8", in: "{\"sub\":\"\xff\"}", want: ErrMalformed},
		{name: "lone surrogate", in: `{"sub":"\ud800"}`, want: ErrMalformed},
		{name: "trailing data", in: `{} {}`, want: ErrMalformed},
		{name: "wrong type", in: `{"sub":1}`, want: ErrClaims},
		{name: "wrong exp", in: `{"exp":"1700000000"}`, want: ErrClaims},
		{name: "number out of range", in: `{"x":1e400}`, want: ErrClaims},
		{name: "not an object", in: `[]`, want: ErrClaims},
		{name: "type error before a syntax error", in: `{"sub":1,"x":}`, want: ErrClaims},
		{name: "syntax error inside a wrong value", in: `{"sub":[1,}`, want: ErrMalformed},
	}
	defer func() { fastClaims = true }()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var errs, regErrs [2]error
			var got [2]claims.Keycloak
			var reg [2]claims.Registered
			for i, fast := range []bool{true, false} {
				fastClaims = fast
				errs[i] = decodeJSON([]byte(tt.in), &got[i])
				regErrs[i] = decodeJSON([]byte(tt.in), &reg[i])
			}
			require.Equal(t, sentinel(regErrs[1]), sentinel(regErrs[0]), "Registered")
			if regErrs[0] != nil {
				require.Equal(t, regErrs[1].Error(), regErrs[0].Error())
			} else {
				require.Equal(t, reg[1], reg[0])
			}
			if tt.want == nil {
				require.NoError(t, errs[0])
				require.NoError(t, errs[1])
				require.Equal(t, got[1], got[0])
				require.Equal(t, reg[1], reg[0])
				return
			}
			require.ErrorIs(t, errs[0], tt.want)
			require.ErrorIs(t, errs[1], tt.want)
			require.Equal(t, errs[1].Error(), errs[0].Error())
		})
	}
}

func sentinel(err error) error {
	for _, s := range []error{ErrMalformed, ErrClaims} {
		if errors.Is(err, s) {
			return s
		}
	}
	return err
}
