package keysource_test

import (
	"fmt"
	"os"

	"github.com/jwtguard/jwtguard/keysource"
)

// ParseJWKS skips the keys a verifier must not use and says why; the others
// serve.
func ExampleParseJWKS() {
	data, err := os.ReadFile("../testdata/keys/keycloak-certs.json")
	if err != nil {
		panic(err)
	}
	keys, skipped, err := keysource.ParseJWKS(data)
	if err != nil {
		panic(err)
	}
	for _, k := range keys {
		fmt.Println("key", k.Algorithm())
	}
	for _, err := range skipped {
		fmt.Println("skipped:", err.(*keysource.KeyError).Rule)
	}
	set, err := keysource.NewSet(keys...)
	fmt.Println(set.Len(), err)
	// Output:
	// key RS256
	// skipped: use-enc
	// 1 <nil>
}
