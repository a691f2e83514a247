package keysource

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// maxRedirects is how many redirects one fetch follows.
const maxRedirects = 5

var errRedirects = errors.New("keysource: too many redirects")

// ErrInsecureURL means a URL (configured, discovered, or a redirect target)
// is not https, and is neither to a loopback host nor allowed by
// InsecureAllowHTTP.
var ErrInsecureURL = errors.New("keysource: URL must be https")

// checkURL parses raw and applies the URL rules: an absolute http or https
// URL with a host and no user info; http only to a loopback host unless
// insecure.
func checkURL(raw string, insecure bool) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: URL %q: %v", ErrConfig, raw, err)
	}
	if err := checkParsedURL(u, insecure); err != nil {
		return nil, err
	}
	return u, nil
}

func checkParsedURL(u *url.URL, insecure bool) error {
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("%w: URL %q: scheme %q, want https", ErrInsecureURL, u.Redacted(), u.Scheme)
	case u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("%w: URL %q has no host", ErrConfig, u.Redacted())
	case u.User != nil:
		return fmt.Errorf("%w: URL %q carries user info; use HTTPClient for credentials", ErrConfig, u.Redacted())
	case u.Scheme == "http" && !insecure && !isLoopback(u.Hostname()):
		return fmt.Errorf("%w: %q is http to a non-loopback host (set InsecureAllowHTTP to allow)", ErrInsecureURL, u.Redacted())
	}
	return nil
}

// isLoopback reports whether host is "localhost" or a loopback IP address
// (127.0.0.0/8, ::1). Names are not resolved.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// redirectChecked returns a copy of c (or a new client) whose CheckRedirect
// applies the URL rules to every redirect, refuses a downgrade from https to
// http unless insecure, and stops after maxRedirects; c's own CheckRedirect
// runs afterwards.
func redirectChecked(c *http.Client, insecure bool) *http.Client {
	var cp http.Client
	if c != nil {
		cp = *c
	}
	next := cp.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= maxRedirects {
			return fmt.Errorf("%w (%d)", errRedirects, maxRedirects)
		}
		if !insecure && req.URL.Scheme != "https" && anyHTTPS(via) {
			return fmt.Errorf("%w: redirect from https to %q refused", ErrInsecureURL, req.URL.Redacted())
		}
		if err := checkParsedURL(req.URL, insecure); err != nil {
			return fmt.Errorf("keysource: redirect refused: %w", err)
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
	return &cp
}

func anyHTTPS(via []*http.Request) bool {
	for _, r := range via {
		if r.URL.Scheme == "https" {
			return true
		}
	}
	return false
}
