package main

import (
	"context"

	"github.com/jwtguard/jwtguard/keysource"
)

// remoteKeys builds a JWKS, PEM or OIDC source. It fetches nothing yet:
// the first fetch happens when the token is verified, bounded by -timeout.
func remoteKeys(o *options) (*keys, error) {
	fetch := keysource.FetchConfig{
		Timeout:           o.timeout,
		InsecureAllowHTTP: o.insecureHTTP,
		Logger:            quietLogger,
		UserAgent:         "jwtverify",
	}
	var (
		src   remoteSource
		where string
		err   error
	)
	switch {
	case o.jwks != "":
		where = "JWKS " + o.jwks
		src, err = asRemote(keysource.NewJWKS(keysource.JWKSConfig{URL: o.jwks, FetchConfig: fetch}))
	case o.pem != "":
		where = "PEM " + o.pem
		src, err = asRemote(keysource.NewPEM(keysource.PEMConfig{URL: o.pem, FetchConfig: fetch}))
	default:
		where = "OIDC issuer " + o.oidc
		src, err = asRemote(keysource.NewOIDC(keysource.OIDCConfig{Issuer: o.oidc, FetchConfig: fetch}))
	}
	if err != nil {
		return nil, err
	}
	return &keys{src: src, where: where, close: func() { _ = src.Close() }}, nil
}

// remoteSource is what NewJWKS, NewPEM and NewOIDC return.
type remoteSource interface {
	keysource.Source
	Ready(ctx context.Context) error
	Close() error
}

// asRemote turns a constructor's typed result into a remoteSource, keeping
// a nil source nil.
func asRemote[S remoteSource](src S, err error) (remoteSource, error) {
	if err != nil {
		return nil, err
	}
	return src, nil
}
