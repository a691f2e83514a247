package claims_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
)

// The claims types of this package are Carriers through a pointer.
var (
	_ claims.Carrier = (*claims.Registered)(nil)
	_ claims.Carrier = (*claims.Keycloak)(nil)
	_ claims.Carrier = (*claims.Erply)(nil)
)

func TestRegisteredDecode(t *testing.T) {
	const in = `{"iss":"https://id.example/realms/r","sub":"u1","aud":["a","b"],` +
		`"exp":1700003600,"nbf":1700000000.25,"iat":1700000000,"jti":"id-1"}`
	want := claims.Registered{
		Issuer:    "https://id.example/realms/r",
		Subject:   "u1",
		Audience:  claims.Audience{"a", "b"},
		ExpiresAt: claims.NewNumericDate(time.Unix(1700003600, 0)),
		NotBefore: claims.NewNumericDate(time.Unix(1700000000, 25e7)),
		IssuedAt:  claims.NewNumericDate(time.Unix(1700000000, 0)),
		ID:        "id-1",
	}
	for _, c := range codecs {
		t.Run(c.name, func(t *testing.T) {
			var r claims.Registered
			require.NoError(t, c.unmarshal([]byte(in), &r))
			assert.Equal(t, want, r)

			out, err := c.marshal(&r)
			require.NoError(t, err)
			assert.JSONEq(t, in, string(out))
		})
	}
}

func TestRegisteredRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
		err  error
	}{
		{name: "exp as string", in: `{"exp":"1700000000"}`, err: claims.ErrInvalidNumericDate},
		{name: "nbf as bool", in: `{"nbf":true}`, err: claims.ErrInvalidNumericDate},
		{name: "iat as object", in: `{"iat":{}}`, err: claims.ErrInvalidNumericDate},
		{name: "aud as number", in: `{"aud":1}`, err: claims.ErrInvalidAudience},
		{name: "aud with an object", in: `{"aud":["a",{}]}`, err: claims.ErrInvalidAudience},
	}
	for _, c := range codecs {
		for _, tt := range tests {
			t.Run(c.name+"/"+tt.name, func(t *testing.T) {
				var r claims.Registered
				assert.ErrorIs(t, c.unmarshal([]byte(tt.in), &r), tt.err)
			})
		}
	}
}

func TestRegisteredEmptyMarshal(t *testing.T) {
	for _, c := range codecs {
		t.Run(c.name, func(t *testing.T) {
			out, err := c.marshal(claims.Registered{})
			require.NoError(t, err)
			assert.Equal(t, `{}`, string(out))
		})
	}
}

// partnerClaims is a custom issuer's claims type, as a user would write it.
type partnerClaims struct {
	claims.Registered
	Partner string        `json:"partner"`
	Scope   claims.Scopes `json:"scope"`
}

func TestCarrierEmbedding(t *testing.T) {
	const in = `{"iss":"https://partner.example","exp":1700003600,"partner":"p1","scope":"a b"}`
	for _, c := range codecs {
		t.Run(c.name, func(t *testing.T) {
			v := new(partnerClaims)
			require.NoError(t, c.unmarshal([]byte(in), v))

			carrier, ok := any(v).(claims.Carrier)
			require.True(t, ok, "*partnerClaims must be a Carrier")
			reg := carrier.RegisteredClaims()
			assert.Same(t, &v.Registered, reg, "points into the value, no copy")
			assert.Equal(t, "https://partner.example", reg.Issuer)
			assert.Equal(t, int64(1700003600), reg.ExpiresAt.Unix())
			assert.Equal(t, "p1", v.Partner)
			assert.Equal(t, claims.Scopes{"a", "b"}, v.Scope)

			_, ok = any(*v).(claims.Carrier)
			assert.False(t, ok, "only the pointer is a Carrier")
		})
	}
}
