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

func TestErplyDecode(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		perms claims.CommaScopes
		extra map[string]any // what v2 puts in Extra
	}{
		{
			name:  "permissions as array",
			in:    `{"exp":1700003600,"clientCode":"123456","username":"jdoe","permissions":["products_read","sales_write"],"sessionKey":"k1"}`,
			perms: claims.CommaScopes{"products_read", "sales_write"},
			extra: map[string]any{"sessionKey": "k1"},
		},
		{
			name:  "permissions as comma string",
			in:    `{"exp":1700003600,"clientCode":"123456","username":"jdoe","permissions":"products_read, sales_write"}`,
			perms: claims.CommaScopes{"products_read", "sales_write"},
		},
		{
			name:  "permissions as space string",
			in:    `{"exp":1700003600,"clientCode":"123456","username":"jdoe","permissions":"products_read sales_write","employeeID":7}`,
			perms: claims.CommaScopes{"products_read", "sales_write"},
			extra: map[string]any{"employeeID": 7.0},
		},
	}
	for _, c := range codecs {
		for _, tt := range tests {
			t.Run(c.name+"/"+tt.name, func(t *testing.T) {
				var e claims.Erply
				require.NoError(t, c.unmarshal([]byte(tt.in), &e))
				assert.Equal(t, claims.Code("123456"), e.ClientCode)
				assert.Equal(t, "jdoe", e.Username)
				assert.Equal(t, tt.perms, e.Permissions)
				assert.True(t, e.ExpiresAt.Equal(time.Unix(1700003600, 0)))
				if c.name == "v1" {
					assert.Nil(t, e.Extra, "v1 does not fill Extra")
					return
				}
				assert.Equal(t, tt.extra, e.Extra)
				for name, want := range tt.extra {
					got, ok := e.Claim(name)
					assert.True(t, ok)
					assert.Equal(t, want, got)
				}
			})
		}
	}
}

func TestErplyRejectsBadPermissions(t *testing.T) {
	for _, c := range codecs {
		t.Run(c.name, func(t *testing.T) {
			var e claims.Erply
			assert.ErrorIs(t, c.unmarshal([]byte(`{"permissions":{"read":true}}`), &e), claims.ErrInvalidScopes)
		})
	}
}

func TestErplyMarshalV2(t *testing.T) {
	e := claims.Erply{
		Registered:  claims.Registered{ExpiresAt: claims.NewNumericDate(time.Unix(1700003600, 0))},
		ClientCode:  "123456",
		Permissions: claims.CommaScopes{"a", "b"},
		Extra:       map[string]any{"sessionKey": "k1"},
	}
	out, err := jsonv2.Marshal(&e)
	require.NoError(t, err)
	assert.JSONEq(t, `{"exp":1700003600,"clientCode":"123456","permissions":"a,b","sessionKey":"k1"}`, string(out))

	out, err = json.Marshal(&e)
	require.NoError(t, err)
	assert.JSONEq(t, `{"exp":1700003600,"clientCode":"123456","permissions":"a,b","Extra":{"sessionKey":"k1"}}`, string(out), "v1 nests Extra")
}
