package claims_test

import (
	"encoding/json"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
)

func TestCode(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     claims.Code
		ok       bool
	}{
		{"string", `"104553"`, "104553", true},
		{"integer", `104553`, "104553", true},
		{"negative integer", `-7`, "-7", true},
		{"zero", `0`, "0", true},
		{"null", `null`, "", true},
		{"escaped string", `"a\u0062c"`, "abc", true},
		{"fraction", `1.5`, "", false},
		{"exponent", `1e5`, "", false},
		{"leading zero", `0123`, "", false},
		{"bare minus", `-`, "", false},
		{"boolean", `true`, "", false},
		{"object", `{}`, "", false},
		{"array", `["1"]`, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, unmarshal := range []func([]byte, any) error{json.Unmarshal, func(b []byte, v any) error { return jsonv2.Unmarshal(b, v) }} {
				var c struct {
					Code claims.Code `json:"c"`
				}
				err := unmarshal([]byte(`{"c":`+tc.in+`}`), &c)
				if !tc.ok {
					require.Error(t, err)
					continue
				}
				require.NoError(t, err)
				require.Equal(t, tc.want, c.Code)
			}
		})
	}
	out, err := json.Marshal(claims.Code("104553"))
	require.NoError(t, err)
	require.Equal(t, `"104553"`, string(out))
}
