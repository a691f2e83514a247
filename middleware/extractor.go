package middleware

import (
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
)

// Extractor finds a token in one place of a request.
//
// Extract returns the token, or "" with a nil error when the place holds
// none. It returns an error when the place holds something that is not one
// well-formed token (the middleware answers 400 invalid_request and logs
// the error, never sends it). Built-in extractors return errors matching
// ErrMultipleTokens or ErrMalformedRequest.
type Extractor interface {
	Extract(r *http.Request) (string, error)
}

// ExtractorFunc adapts a function to an Extractor.
type ExtractorFunc func(r *http.Request) (string, error)

// Extract calls f(r).
func (f ExtractorFunc) Extract(r *http.Request) (string, error) { return f(r) }

// placer is implemented by the built-in extractors, so that New can refuse
// two extractors reading the same place.
type placer interface{ place() string }

// BearerHeader returns the RFC 6750 extractor: "Authorization: Bearer
// <token>", the scheme matched without regard to case and followed by one
// or more spaces, the token in b64token syntax. An Authorization header
// with another scheme (Basic, DPoP, ...) counts as no token; two
// Authorization headers, or "Bearer" with a missing or malformed token, are
// errors.
func BearerHeader() Extractor { return bearerHeader{} }

type bearerHeader struct{}

func (bearerHeader) place() string { return "header Authorization" }

func (bearerHeader) Extract(r *http.Request) (string, error) {
	v := r.Header["Authorization"]
	switch {
	case len(v) == 0:
		return "", nil
	case len(v) > 1:
		return "", fmt.Errorf("%w: %d Authorization headers", ErrMultipleTokens, len(v))
	}
	rest, ok := cutBearer(v[0])
	if !ok {
		return "", nil // another scheme: not ours
	}
	if !isB64Token(rest) {
		return "", fmt.Errorf("%w: Authorization: Bearer is not followed by one b64token", ErrMalformedRequest)
	}
	return rest, nil
}

// cutBearer reports whether s starts with the scheme "Bearer" (any case)
// followed by spaces or nothing, and returns what follows the spaces.
func cutBearer(s string) (string, bool) { return cutScheme(s, "bearer") }

// cutScheme reports whether s starts with scheme (lower case, matched
// without regard to case) followed by spaces or nothing, and returns what
// follows the spaces.
func cutScheme(s, scheme string) (string, bool) {
	if len(s) < len(scheme) || !strings.EqualFold(s[:len(scheme)], scheme) {
		return "", false
	}
	rest := s[len(scheme):]
	if rest != "" && rest[0] != ' ' {
		return "", false // e.g. "BearerX": another scheme
	}
	return strings.TrimLeft(rest, " "), true
}

// isB64Token reports whether s matches RFC 6750's
// b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
// b64TokenChar marks the characters of RFC 6750's b64token before its
// trailing "=" padding: ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/".
var b64TokenChar = func() (t [256]byte) {
	for _, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/" {
		t[c] = 1
	}
	return t
}()

func isB64Token(s string) bool {
	i := 0
	// Eight characters per step without a branch each: a JWT in a header
	// is a kilobyte or more, and this check runs on every request.
	for ; i+8 <= len(s); i += 8 {
		w := s[i : i+8]
		if b64TokenChar[w[0]]&b64TokenChar[w[1]]&b64TokenChar[w[2]]&b64TokenChar[w[3]]&
			b64TokenChar[w[4]]&b64TokenChar[w[5]]&b64TokenChar[w[6]]&b64TokenChar[w[7]] == 0 {
			break
		}
	}
	for ; i < len(s) && b64TokenChar[s[i]] == 1; i++ {
	}
	if i == 0 {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] != '=' {
			return false
		}
	}
	return true
}

// Header returns an extractor for a header that carries the bare token, as
// EPR's "x-access-token" and Erply's "jwt" do. A "Bearer " prefix (any
// case) is tolerated and removed. An empty header counts as no token; two
// such headers, or a value that is not one b64token, are errors. Header
// panics if name is not a valid header name.
func Header(name string) Extractor {
	if !validHeaderName(name) {
		panic(fmt.Sprintf("middleware: Header(%q): not a valid header name", name))
	}
	return namedHeader{name: textproto.CanonicalMIMEHeaderKey(name)}
}

type namedHeader struct{ name string }

func (h namedHeader) place() string { return "header " + h.name }

func (h namedHeader) Extract(r *http.Request) (string, error) {
	v := r.Header[h.name]
	switch {
	case len(v) == 0:
		return "", nil
	case len(v) > 1:
		return "", fmt.Errorf("%w: %d %s headers", ErrMultipleTokens, len(v), h.name)
	}
	tok := v[0]
	if rest, ok := cutBearer(tok); ok {
		tok = rest
	}
	if tok == "" {
		return "", nil
	}
	if !isB64Token(tok) {
		return "", fmt.Errorf("%w: header %s is not one b64token", ErrMalformedRequest, h.name)
	}
	return tok, nil
}

func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// Cookie returns an extractor for a cookie holding the bare token. Two
// cookies of that name (say, set for different paths) are an error, since
// the middleware cannot tell which one to trust. Cookie panics if name is
// not a valid cookie name.
func Cookie(name string) Extractor {
	if !validHeaderName(name) {
		panic(fmt.Sprintf("middleware: Cookie(%q): not a valid cookie name", name))
	}
	return cookieExtractor{name: name}
}

type cookieExtractor struct{ name string }

func (c cookieExtractor) place() string { return "cookie " + c.name }

func (c cookieExtractor) Extract(r *http.Request) (string, error) {
	if len(r.Header["Cookie"]) == 0 {
		return "", nil
	}
	found := r.CookiesNamed(c.name)
	switch {
	case len(found) > 1:
		return "", fmt.Errorf("%w: %d cookies named %s", ErrMultipleTokens, len(found), c.name)
	case len(found) == 0 || found[0].Value == "":
		return "", nil
	}
	if !isB64Token(found[0].Value) {
		return "", fmt.Errorf("%w: cookie %s is not one b64token", ErrMalformedRequest, c.name)
	}
	return found[0].Value, nil
}

// Query returns an extractor for a URL query parameter holding the token
// (RFC 6750 section 2.3). Use it only when a client cannot send a header
// (a WebSocket upgrade from a browser, a download link): URLs end up in
// access logs, proxies and browser history. The middleware never logs the
// query. Two parameters of that name are an error. Query panics if name is
// empty.
func Query(name string) Extractor {
	if name == "" {
		panic("middleware: Query(\"\"): empty parameter name")
	}
	return queryExtractor{name: name}
}

type queryExtractor struct{ name string }

func (q queryExtractor) place() string { return "query " + q.name }

func (q queryExtractor) Extract(r *http.Request) (string, error) {
	raw := r.URL.RawQuery
	tok, n := "", 0
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		key, val, _ := strings.Cut(pair, "=")
		if key != q.name {
			if !strings.ContainsAny(key, "%+") {
				continue
			}
			if k, err := url.QueryUnescape(key); err != nil || k != q.name {
				continue
			}
		}
		n++
		if v, err := url.QueryUnescape(val); err == nil {
			tok = v
		} else {
			return "", fmt.Errorf("%w: query parameter %s is not valid URL encoding", ErrMalformedRequest, q.name)
		}
	}
	switch {
	case n > 1:
		return "", fmt.Errorf("%w: %d query parameters named %s", ErrMultipleTokens, n, q.name)
	case tok == "":
		return "", nil
	case !isB64Token(tok):
		return "", fmt.Errorf("%w: query parameter %s is not one b64token", ErrMalformedRequest, q.name)
	}
	return tok, nil
}
