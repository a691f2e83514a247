package main

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/jwtguard/jwtguard/internal/cliflag"
	"github.com/jwtguard/jwtguard/keysource"
)

// keys is the key source the flags name, with what the output should say
// about it.
type keys struct {
	src      keysource.Source
	where    string // "JWKS file x.json", "OIDC issuer https://..."
	warnings []string
	close    func()
	skipped  []error   // keys of a JWKS file that were skipped, for hints
	rec      *recorder // what a remote source fetched, for hints; nil for files
}

// isURL reports whether a -jwks or -pem value is a URL rather than a file.
func isURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// newKeys builds the key source. Files are read and checked here, so a bad
// file is a configuration error (exit 2); remote keys are fetched when the
// token is verified, so an unreachable URL is "keys unavailable" (exit 3).
func newKeys(o *options) (*keys, error) {
	switch {
	case o.secretFile != "":
		return secretKeys(o.secretFile)
	case o.jwks != "" && !isURL(o.jwks):
		return jwksFileKeys(o.jwks)
	case o.pem != "" && !isURL(o.pem):
		data, err := os.ReadFile(o.pem)
		if err != nil {
			return nil, err
		}
		src, err := keysource.StaticFromPEM(data)
		if err != nil {
			return nil, fmt.Errorf("-pem %s: %w", o.pem, err)
		}
		return &keys{src: src, where: "PEM file " + o.pem, close: func() {}}, nil
	}
	return remoteKeys(o)
}

func secretKeys(path string) (*keys, error) {
	src, warnings, err := cliflag.SecretFile(path)
	if err != nil {
		return nil, err
	}
	return &keys{src: src, where: "secret file " + path, warnings: warnings, close: func() {}}, nil
}

// jwksFileKeys reads a JWK Set file as a remote source would read it: keys
// meant for something else (use "enc", as in Keycloak's certs) are skipped
// with a warning rather than failing the set, so a saved certs document
// works as it is.
func jwksFileKeys(path string) (*keys, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	parsed, skipped, err := keysource.ParseJWKS(data)
	if err != nil {
		return nil, fmt.Errorf("-jwks %s: %w", path, err)
	}
	src, err := keysource.NewStatic(parsed...)
	if err != nil {
		return nil, fmt.Errorf("-jwks %s: %w", path, err)
	}
	k := &keys{src: src, where: "JWKS file " + path, close: func() {}, skipped: skipped}
	for _, e := range skipped {
		k.warnings = append(k.warnings, "skipped a key of the JWK Set: "+e.Error())
	}
	return k, nil
}

// quietLogger keeps the remote source's own logs off the terminal: what
// matters reaches the output as the reason and the error.
var quietLogger = slog.New(slog.DiscardHandler)

func keyType(k *keysource.Key) string {
	switch p := k.Public().(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d", p.N.BitLen())
	case *ecdsa.PublicKey:
		return "EC " + p.Curve.Params().Name
	case ed25519.PublicKey:
		return "Ed25519"
	}
	if k.Symmetric() {
		return "HMAC"
	}
	return "unknown"
}
