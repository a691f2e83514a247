package keysource_test

import (
	"errors"
	"testing"

	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
)

// FuzzParsePEM checks that ParsePEM never panics, returns keys only without
// an error, and fails only with ErrMalformed or ErrInvalidKey. Seeds:
// testdata/fuzz/FuzzParsePEM and the committed PEM files.
func FuzzParsePEM(f *testing.F) {
	for _, name := range []string{"multi.pub.pem", "cert.pem", "rsa2048.pkcs1.pub.pem", "ed25519.pub.pem", "p384.pem"} {
		f.Add(testkeys.Read(f, name))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := keysource.ParsePEM(data)
		if err != nil {
			if keys != nil {
				t.Fatalf("keys with error %v", err)
			}
			if !errors.Is(err, keysource.ErrMalformed) && !errors.Is(err, keysource.ErrInvalidKey) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if len(keys) == 0 {
			t.Fatal("no keys and no error")
		}
		for _, k := range keys {
			if k == nil || k.ID() != "" || k.Algorithm() != "" || k.Symmetric() {
				t.Fatalf("bad key %+v", k)
			}
		}
	})
}
