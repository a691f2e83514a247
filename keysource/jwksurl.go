package keysource

import (
	"context"
	"fmt"
)

// jwksAccept is the Accept header of a JWK Set request.
const jwksAccept = "application/jwk-set+json, application/json;q=0.9"

// JWKSConfig configures NewJWKS.
type JWKSConfig struct {
	// URL is the JWK Set's address, e.g. Keycloak's
	// "https://id.example.com/realms/r/protocol/openid-connect/certs".
	// Required. It must be https, except to a loopback host or with
	// InsecureAllowHTTP.
	URL string

	FetchConfig
}

// NewJWKS returns a source serving the keys of the JWK Set at cfg.URL. Keys
// that cannot be used (use "enc", unsupported types, weak keys, HMAC
// secrets, duplicate kids) are skipped and logged; the others serve. It
// fails with an error wrapping ErrConfig or ErrInsecureURL when the
// configuration is invalid. The caller must Close the source.
func NewJWKS(cfg JWKSConfig) (*Remote, error) {
	return newURLSource(cfg.FetchConfig, cfg.URL, "JWKSConfig", jwksAccept, ParseJWKS)
}

// newURLSource builds a remote source for one fixed URL: the JWKS and PEM
// sources differ only in what they ask for and how they parse it.
func newURLSource(fc FetchConfig, rawURL, cfgName, accept string, parse func([]byte) ([]*Key, []error, error)) (*Remote, error) {
	s, err := fc.resolve()
	if err != nil {
		return nil, err
	}
	if rawURL == "" {
		return nil, fmt.Errorf("%w: %s.URL is required", ErrConfig, cfgName)
	}
	u, err := checkURL(rawURL, s.insecure)
	if err != nil {
		return nil, err
	}
	target := u.String()
	r := newRemote(document{
		name:   target,
		accept: accept,
		target: func(context.Context) (string, error) { return target, nil },
		parse:  parse,
	}, s)
	r.startEager()
	return r, nil
}
