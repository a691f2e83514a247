package dpop_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"net/http/httptest"

	"github.com/jwtguard/jwtguard/dpop"
)

// A client proves possession of its key with a fresh proof per request; the
// server checks it and compares Proof.JKT with the token's cnf.jkt. The
// same proof sent again is refused.
func ExampleChecker_Check() {
	checker, err := dpop.New(dpop.Config{ExternalBaseURL: "https://api.example.com"})
	if err != nil {
		panic(err)
	}

	// Client side.
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	token := "the-access-token" // bound to key: its cnf.jkt is dpop.Thumbprint(&key.PublicKey)
	proof, err := dpop.NewProof(key, "GET", "https://api.example.com/orders?page=2", token, "")
	if err != nil {
		panic(err)
	}
	r := httptest.NewRequest("GET", "http://10.0.0.7:8080/orders?page=2", nil)
	r.Header.Set("Authorization", "DPoP "+token)
	r.Header.Set("DPoP", proof)

	// Server side.
	p, err := checker.Check(context.Background(), dpop.RequestFromHTTP(r, token))
	if err != nil {
		panic(err)
	}
	jkt, _ := dpop.Thumbprint(&key.PublicKey)
	fmt.Println("bound key:", p.JKT == jkt)

	_, err = checker.Check(context.Background(), dpop.RequestFromHTTP(r, token))
	fmt.Println("again:", dpop.Reason(err))
	// Output:
	// bound key: true
	// again: replayed
}
