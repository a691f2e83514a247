package remotecheck

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/jwtguard/jwtguard/keysource"
)

// Defaults applied to zero fields of HTTPOptions.
const (
	// DefaultTimeout bounds one HTTP exchange with the issuer.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxBodyBytes is the largest response body read, 1 MiB.
	DefaultMaxBodyBytes = 1 << 20
)

// ErrInsecureURL means a configured URL is not https, and is neither to a
// loopback host nor allowed by HTTPOptions.InsecureAllowHTTP.
var ErrInsecureURL = errors.New("remotecheck: URL must be https")

// HTTPOptions are the HTTP settings of the checks that NewIntrospection and
// NewEPR build. The zero value is ready to use.
type HTTPOptions struct {
	// Client makes the requests. If nil, a client with Go's default
	// transport. Its Timeout, if any, applies too. Redirects are never
	// followed, whatever its CheckRedirect says: a redirected check would
	// carry the token and the credentials elsewhere, so a 3xx answer is
	// ErrBadResponse.
	Client *http.Client

	// Timeout bounds one attempt: connection, request and the whole
	// response. If zero, DefaultTimeout (10 s). A timed-out attempt is
	// retried (see Options.Attempts).
	Timeout time.Duration

	// MaxBodyBytes is the largest response body read; a larger one is
	// ErrBadResponse. If zero, DefaultMaxBodyBytes (1 MiB).
	MaxBodyBytes int64

	// UserAgent, when set, is sent before "jwtguard/<version>" in the
	// User-Agent header, which always names jwtguard.
	UserAgent string

	// InsecureAllowHTTP allows http:// URLs to hosts other than loopback
	// ones. The token and the credentials then cross the network in clear
	// text; use it only inside a trusted network.
	InsecureAllowHTTP bool
}

// poster makes the POST requests of a check.
type poster struct {
	client    *http.Client
	timeout   time.Duration
	maxBody   int64
	userAgent string
}

func (o *HTTPOptions) poster() (*poster, error) {
	p := &poster{timeout: o.Timeout, maxBody: o.MaxBodyBytes, userAgent: "jwtguard/" + keysource.Version}
	switch {
	case p.timeout < 0:
		return nil, errors.New("remotecheck: HTTPOptions.Timeout is negative")
	case p.timeout == 0:
		p.timeout = DefaultTimeout
	}
	switch {
	case p.maxBody < 0:
		return nil, errors.New("remotecheck: HTTPOptions.MaxBodyBytes is negative")
	case p.maxBody == 0:
		p.maxBody = DefaultMaxBodyBytes
	}
	if o.UserAgent != "" {
		if strings.ContainsAny(o.UserAgent, "\r\n") {
			return nil, errors.New("remotecheck: HTTPOptions.UserAgent holds a line break")
		}
		p.userAgent = o.UserAgent + " " + p.userAgent
	}
	var c http.Client
	if o.Client != nil {
		c = *o.Client
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	p.client = &c
	return p, nil
}

// checkURL parses raw and applies the URL rules: an absolute http or https
// URL with a host, no user info, no fragment; http only to a loopback host
// unless insecure.
func checkURL(raw string, insecure bool) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("remotecheck: URL %q: %w", raw, err)
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("%w: URL %q: scheme %q", ErrInsecureURL, u.Redacted(), u.Scheme)
	case u.Hostname() == "":
		return nil, fmt.Errorf("remotecheck: URL %q has no host", u.Redacted())
	case u.User != nil:
		return nil, fmt.Errorf("remotecheck: URL %q carries user info; use the credential fields", u.Redacted())
	case u.Fragment != "" || u.RawFragment != "":
		return nil, fmt.Errorf("remotecheck: URL %q has a fragment", u.Redacted())
	case u.Scheme == "http" && !insecure && !isLoopback(u.Hostname()):
		return nil, fmt.Errorf("%w: %q is http to a non-loopback host (set InsecureAllowHTTP to allow)", ErrInsecureURL, u.Redacted())
	}
	return u, nil
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
