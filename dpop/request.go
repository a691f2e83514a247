package dpop

import (
	"net/http"
	"net/url"
)

// RequestFromHTTP fills a Request from an HTTP server request: its method,
// its DPoP header values, and a URL whose scheme is "https" when the
// connection is TLS and "http" otherwise, whose host is the Host header
// (r.Host), and whose path is the request's. accessToken is the token that
// came with the request ("" at a token endpoint).
//
// The scheme and host are what this server saw, which behind a
// TLS-terminating proxy is not what the client used; and the Host header
// is chosen by the client. Set Config.ExternalBaseURL to check htu against
// the service's public address instead (see the package documentation).
func RequestFromHTTP(r *http.Request, accessToken string) Request {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return Request{
		Method:       r.Method,
		URL:          &url.URL{Scheme: scheme, Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath},
		ProofHeaders: r.Header.Values("DPoP"),
		AccessToken:  accessToken,
	}
}
