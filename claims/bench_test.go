package claims_test

import (
	"encoding/json"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/jwtguard/jwtguard/claims"
)

func BenchmarkNumericDateUnmarshal(b *testing.B) {
	for _, bm := range []struct{ name, in string }{
		{name: "integer", in: `1700000000`},
		{name: "fraction", in: `1700000000.123456789`},
		{name: "exponent", in: `1.7e9`},
	} {
		b.Run(bm.name, func(b *testing.B) {
			in := []byte(bm.in)
			var d claims.NumericDate
			b.ReportAllocs()
			for b.Loop() {
				if err := d.UnmarshalJSON(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkNumericDateMarshal(b *testing.B) {
	var d claims.NumericDate
	if err := d.UnmarshalJSON([]byte(`1700000000.5`)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.MarshalJSON(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAudienceUnmarshal(b *testing.B) {
	for _, bm := range []struct{ name, in string }{
		{name: "string", in: `"account"`},
		{name: "array", in: `["account","ea-api-edge","broker"]`},
	} {
		b.Run(bm.name, func(b *testing.B) {
			in := []byte(bm.in)
			var a claims.Audience
			b.ReportAllocs()
			for b.Loop() {
				if err := a.UnmarshalJSON(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkScopesUnmarshal(b *testing.B) {
	for _, bm := range []struct{ name, in string }{
		{name: "spaces", in: `"openid profile email offline_access"`},
		{name: "commas", in: `"orders:read, orders:write, reports:read"`},
		{name: "array", in: `["openid","profile","email"]`},
	} {
		b.Run(bm.name, func(b *testing.B) {
			in := []byte(bm.in)
			var s claims.Scopes
			b.ReportAllocs()
			for b.Loop() {
				if err := s.UnmarshalJSON(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkKeycloakUnmarshalV2 decodes a whole e-Attestations-shaped body
// the way the verifier does.
func BenchmarkKeycloakUnmarshalV2(b *testing.B) {
	in := []byte(eattestationsToken)
	b.ReportAllocs()
	for b.Loop() {
		var k claims.Keycloak
		if err := jsonv2.Unmarshal(in, &k); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKeycloakUnmarshalV1 is the same decode with encoding/json, which
// the verifier does not use: it accepts duplicate member names, replaces
// invalid UTF-8 and matches names case-insensitively. It is here to keep
// the choice of decoder measured.
func BenchmarkKeycloakUnmarshalV1(b *testing.B) {
	in := []byte(eattestationsToken)
	b.ReportAllocs()
	for b.Loop() {
		var k claims.Keycloak
		if err := json.Unmarshal(in, &k); err != nil {
			b.Fatal(err)
		}
	}
}
