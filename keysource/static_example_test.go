package keysource_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/jwtguard/jwtguard/keysource"
)

// A static source from a JWK Set file: strict, so a Keycloak certs document
// with its encryption key fails and names that key.
func ExampleStaticFromJWKS() {
	data, err := os.ReadFile("../testdata/keys/jwks.json")
	if err != nil {
		panic(err)
	}
	src, err := keysource.StaticFromJWKS(data)
	if err != nil {
		panic(err)
	}
	set, _ := src.Keys(context.Background())
	fmt.Println(set.KeyIDs())

	keycloak, err := os.ReadFile("../testdata/keys/keycloak-certs.json")
	if err != nil {
		panic(err)
	}
	_, err = keysource.StaticFromJWKS(keycloak)
	var ke *keysource.KeyError
	fmt.Println(errors.As(err, &ke), ke.Index, ke.Rule)
	// Output:
	// [rsa-2048 rsa-3072 p-256 p-384 ed25519]
	// true 1 use-enc
}

// An HMAC secret with a kid, restricted to HS512.
func ExampleNewStatic() {
	secret := []byte("a shared secret of at least sixty-four bytes for HS512, no less!")
	k, err := keysource.NewKey("2024-05", "HS512", secret)
	if err != nil {
		panic(err)
	}
	src, err := keysource.NewStatic(k)
	if err != nil {
		panic(err)
	}
	set, _ := src.Keys(context.Background())
	fmt.Println(set.KeyIDs(), set.Symmetric(), set.ByID("2024-05").Algorithm())

	_, err = keysource.NewKey("short", "HS512", secret[:48])
	fmt.Println(err)
	// Output:
	// [2024-05] true HS512
	// keysource: key "short" refused (hmac-min-bytes): HMAC secret is 48 bytes, need at least 64
}
