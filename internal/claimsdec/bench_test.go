package claimsdec

import (
	"testing"

	"github.com/go-json-experiment/json"

	"github.com/jwtguard/jwtguard/claims"
)

// BenchmarkKeycloak compares claimsdec with go-json-experiment on a
// Keycloak access token body.
func BenchmarkKeycloak(b *testing.B) {
	in := []byte(keycloakPayload)
	b.Run("claimsdec", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var k claims.Keycloak
			if err := Keycloak(in, &k); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("go-json-experiment", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var k claims.Keycloak
			if err := json.Unmarshal(in, &k); err != nil {
				b.Fatal(err)
			}
		}
	})
}
