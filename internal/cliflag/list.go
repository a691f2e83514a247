package cliflag

import "strings"

// List is a repeatable flag whose values may also be comma-separated:
// "-aud a -aud b,c" gives a, b, c. Surrounding space is trimmed.
type List struct {
	// Values receives the values. Required.
	Values *[]string
	// Given, if not nil, is set to true when the flag appears at all, so
	// that "-typ ''" can be told from no -typ.
	Given *bool
	// KeepEmpty keeps empty entries, for -typ, where "" stands for a
	// missing typ. If false, empty entries are dropped.
	KeepEmpty bool
}

// String implements flag.Value.
func (l List) String() string {
	if l.Values == nil {
		return ""
	}
	return strings.Join(*l.Values, ",")
}

// Set implements flag.Value.
func (l List) Set(v string) error {
	if l.Given != nil {
		*l.Given = true
	}
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		if s != "" || l.KeepEmpty {
			*l.Values = append(*l.Values, s)
		}
	}
	return nil
}
