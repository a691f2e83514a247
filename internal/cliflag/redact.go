package cliflag

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// URLError is the error for a URL flag (such as -redis) whose value did not
// parse: the URL is named with its password redacted, and url.Parse's own
// message, which repeats the whole URL, is left out. The error goes to
// stderr and from there to the service's logs.
func URLError(flag, raw string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("-%s %q: %w", flag, RedactURL(raw), err)
}

// RedactURL returns s with the password of its user information replaced
// by "xxxxx", or, for a URL that does not parse, with all of its user
// information replaced.
func RedactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.Opaque == "" {
		return u.Redacted()
	}
	scheme, rest, ok := strings.Cut(s, "://")
	authority, path, hasPath := strings.Cut(rest, "/")
	if i := strings.LastIndex(authority, "@"); ok && i >= 0 {
		s = scheme + "://xxxxx" + authority[i:]
		if hasPath {
			s += "/" + path
		}
		return s
	}
	if strings.Contains(s, "@") {
		return "(hidden: it holds credentials)"
	}
	return s
}
