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
	s, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	if cfg.URL == "" {
		return nil, fmt.Errorf("%w: JWKSConfig.URL is required", ErrConfig)
	}
	u, err := checkURL(cfg.URL, s.insecure)
	if err != nil {
		return nil, err
	}
	target := u.String()
	r := newRemote(document{
		name:   target,
		accept: jwksAccept,
		target: func(context.Context) (string, error) { return target, nil },
		parse:  ParseJWKS,
	}, s)
	r.startEager()
	return r, nil
}
