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

// BenchmarkRegistered decodes the same body into claims.Registered, as
// the verifier does for claims types claimsdec does not know: every
// other member is checked and skipped.
func BenchmarkRegistered(b *testing.B) {
	in := []byte(keycloakPayload)
	b.Run("claimsdec", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var r claims.Registered
			if err := Registered(in, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("go-json-experiment", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var r claims.Registered
			if err := json.Unmarshal(in, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFacts reads the revocation facts and cnf of the same body, as
// the verifier does with a revocation checker.
func BenchmarkFacts(b *testing.B) {
	in := []byte(keycloakPayload)
	b.Run("claimsdec", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var f Facts
			if err := DecodeFacts(in, &f, true); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("go-json-experiment", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var f factsRef
			if err := json.Unmarshal(in, &f); err != nil {
				b.Fatal(err)
			}
		}
	})
}
