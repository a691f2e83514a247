package main

import (
	"net/http"

	"github.com/jwtguard/jwtguard/internal/cliflag"
	"github.com/jwtguard/jwtguard/keysource"
)

// remoteKeys builds a JWKS, PEM or OIDC source. It fetches nothing yet:
// the first fetch happens when the token is verified, bounded by -timeout.
func remoteKeys(o *options) (*keys, error) {
	rec := newRecorder()
	fetch := keysource.FetchConfig{
		HTTPClient:        &http.Client{Transport: rec},
		Timeout:           o.timeout,
		InsecureAllowHTTP: o.insecureHTTP,
		Logger:            quietLogger,
		UserAgent:         "jwtverify",
	}
	var (
		src   cliflag.Remote
		where string
		err   error
	)
	switch {
	case o.jwks != "":
		where = "JWKS " + o.jwks
		src, err = cliflag.AsRemote(keysource.NewJWKS(keysource.JWKSConfig{URL: o.jwks, FetchConfig: fetch}))
	case o.pem != "":
		where = "PEM " + o.pem
		src, err = cliflag.AsRemote(keysource.NewPEM(keysource.PEMConfig{URL: o.pem, FetchConfig: fetch}))
	default:
		where = "OIDC issuer " + o.oidc
		src, err = cliflag.AsRemote(keysource.NewOIDC(keysource.OIDCConfig{Issuer: o.oidc, FetchConfig: fetch}))
	}
	if err != nil {
		return nil, err
	}
	return &keys{src: src, where: where, close: func() { _ = src.Close() }, rec: rec}, nil
}
