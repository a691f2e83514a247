package keysource_test

import (
	"errors"
	"fmt"
	"os"

	"github.com/jwtguard/jwtguard/keysource"
)

// ParsePEM reads public keys and certificates; a private key is refused.
func ExampleParsePEM() {
	data, err := os.ReadFile("../testdata/keys/multi.pub.pem")
	if err != nil {
		panic(err)
	}
	keys, err := keysource.ParsePEM(data)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(keys), keys[0].ID() == "")

	private, err := os.ReadFile("../testdata/keys/rsa2048.pem")
	if err != nil {
		panic(err)
	}
	_, err = keysource.ParsePEM(private)
	fmt.Println(errors.Is(err, keysource.ErrInvalidKey), err)
	// Output:
	// 2 true
	// true keysource: key without kid (#0) refused (private-key): PEM block #0 is a private key (PRIVATE KEY); a verifier must only be given public keys
}
