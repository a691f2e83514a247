package dpop

import (
	"fmt"
	"net/url"
	"strings"
)

// origin is a normalized scheme and authority: scheme in lower case, host in
// lower case, the port only when it is not the scheme's default.
type origin struct {
	scheme, host string
}

func (o origin) String() string { return o.scheme + "://" + o.host }

// parseBaseURL reads Config.ExternalBaseURL.
func parseBaseURL(raw string) (*origin, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("dpop: ExternalBaseURL: %w", err)
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.User != nil || u.Opaque != "" {
		return nil, fmt.Errorf("dpop: ExternalBaseURL %q must be a scheme and authority only, like https://api.example.com", raw)
	}
	o, err := normalizeOrigin(u.Scheme, u.Host)
	if err != nil {
		return nil, fmt.Errorf("dpop: ExternalBaseURL: %w", err)
	}
	return &o, nil
}

// normalizeOrigin applies RFC 3986 sections 6.2.2.1 and 6.2.3 to a scheme
// and authority: case of scheme and host, default port removed (an empty
// port too). Only http and https are accepted.
func normalizeOrigin(scheme, hostport string) (origin, error) {
	scheme = strings.ToLower(scheme)
	var def string
	switch scheme {
	case "https":
		def = "443"
	case "http":
		def = "80"
	default:
		return origin{}, fmt.Errorf("scheme %q is not http or https", scheme)
	}
	if hostport == "" {
		return origin{}, fmt.Errorf("no host")
	}
	host, port := hostport, ""
	if i := strings.LastIndexByte(hostport, ':'); i >= 0 && !strings.Contains(hostport[i:], "]") {
		host, port = hostport[:i], hostport[i+1:]
	}
	if host == "" {
		return origin{}, fmt.Errorf("no host")
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return origin{}, fmt.Errorf("port is not a number")
		}
	}
	port = strings.TrimLeft(port, "0")
	if port == strings.TrimLeft(def, "0") {
		port = ""
	}
	// RFC 3986 section 6.2.2.1 lower-cases ASCII letters only.
	// strings.ToLower would fold others too (KELVIN SIGN to "k"), making
	// two different hosts equal; a host that is not ASCII (an IDN not in
	// its A-label form) is refused instead.
	b := []byte(host)
	for i, c := range b {
		switch {
		case c >= 0x80:
			return origin{}, fmt.Errorf("host is not ASCII (write an IDN as its xn-- A-label)")
		case 'A' <= c && c <= 'Z':
			b[i] = c + 'a' - 'A'
		}
	}
	host = string(b)
	if port != "" {
		host += ":" + port
	}
	return origin{scheme: scheme, host: host}, nil
}

// parseHTU reads a proof's htu: an absolute http or https URI without user
// information. The query and fragment are dropped (RFC 9449 section 4.3,
// check 9); the rest is normalized.
func parseHTU(htu string) (origin, string, error) {
	u, err := url.Parse(htu)
	if err != nil {
		return origin{}, "", fmt.Errorf("%w: htu is not a URI", ErrHTU)
	}
	if u.Opaque != "" || u.User != nil {
		return origin{}, "", fmt.Errorf("%w: htu is not a hierarchical URI without user information", ErrHTU)
	}
	o, err := normalizeOrigin(u.Scheme, u.Host)
	if err != nil {
		return origin{}, "", fmt.Errorf("%w: htu: %v", ErrHTU, err)
	}
	p, err := normalizePath(u.EscapedPath())
	if err != nil {
		return origin{}, "", fmt.Errorf("%w: htu path: %v", ErrHTU, err)
	}
	return o, p, nil
}

// normalizePath applies RFC 3986 sections 6.2.2.2 and 6.2.2.3 and 6.2.3 to
// an escaped path: percent-encoded unreserved characters are decoded, other
// percent-encodings get upper-case hex digits, dot segments are removed, and
// an empty path becomes "/". A path that needs none of it comes back as is.
func normalizePath(p string) (string, error) {
	if p == "" {
		return "/", nil
	}
	if strings.IndexByte(p, '%') >= 0 {
		var b strings.Builder
		b.Grow(len(p))
		for i := 0; i < len(p); i++ {
			c := p[i]
			if c != '%' {
				b.WriteByte(c)
				continue
			}
			if i+2 >= len(p) || !isHex(p[i+1]) || !isHex(p[i+2]) {
				return "", fmt.Errorf("invalid percent-encoding")
			}
			v := unhex(p[i+1])<<4 | unhex(p[i+2])
			if unreserved(v) {
				b.WriteByte(v)
			} else {
				const hexUpper = "0123456789ABCDEF"
				b.WriteByte('%')
				b.WriteByte(hexUpper[v>>4])
				b.WriteByte(hexUpper[v&15])
			}
			i += 2
		}
		p = b.String()
	}
	if hasDotSegment(p) {
		p = removeDotSegments(p)
	}
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	return p, nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// unreserved reports the characters of RFC 3986 section 2.3.
func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// hasDotSegment reports whether p has a "." or ".." segment.
func hasDotSegment(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// removeDotSegments is RFC 3986 section 5.2.4 for an absolute path.
func removeDotSegments(p string) string {
	segs := strings.Split(p, "/")
	out := make([]string, 0, len(segs))
	for i, seg := range segs {
		last := i == len(segs)-1
		switch seg {
		case ".":
			if last {
				out = append(out, "")
			}
		case "..":
			if len(out) > 1 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, seg)
		}
	}
	return strings.Join(out, "/")
}

// requestTarget returns the normalized scheme, authority and path the proof's
// htu must name for this request.
func (c *Checker) requestTarget(u *url.URL) (origin, string, error) {
	if u == nil {
		return origin{}, "", fmt.Errorf("%w: no URL", ErrRequest)
	}
	var o origin
	if c.base != nil {
		o = *c.base
	} else {
		var err error
		if o, err = normalizeOrigin(u.Scheme, u.Host); err != nil {
			// The Host header is the client's: a request whose host no
			// htu can name fails the htu check, not the server.
			return origin{}, "", fmt.Errorf("%w: the request's scheme and host cannot be matched: %v", ErrHTU, err)
		}
	}
	p, err := normalizePath(u.EscapedPath())
	if err != nil {
		return origin{}, "", fmt.Errorf("%w: the request's path cannot be matched: %v", ErrHTU, err)
	}
	return o, p, nil
}
