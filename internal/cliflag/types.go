package cliflag

import (
	"flag"
	"strings"

	"github.com/jwtguard/jwtguard/verify"
)

// TypesUsage is the usage text of -typ.
const TypesUsage = "accepted `types` of the typ header, comma-separated; an empty entry accepts a missing typ; at+jwt alone makes an RFC 9068 resource server (default: missing, JWT, at+jwt)"

// Types is the value of a -typ flag: the accepted "typ" header values, for
// verify.Config.TokenTypes.
type Types struct {
	values []string
	given  bool
}

// Define defines -typ on fs.
func (t *Types) Define(fs *flag.FlagSet) {
	fs.Var(List{Values: &t.values, Given: &t.given, KeepEmpty: true}, "typ", TypesUsage)
}

// TokenTypes returns the accepted values for verify.Config.TokenTypes: nil
// (verify.DefaultTokenTypes) when -typ was not given.
func (t *Types) TokenTypes() []string {
	if !t.given {
		return nil
	}
	return t.values
}

// Given reports whether -typ was given.
func (t *Types) Given() bool { return t.given }

// String describes the accepted values for a person: `"at+jwt"`, or
// `missing, "JWT"`.
func (t *Types) String() string {
	list := t.TokenTypes()
	if list == nil {
		list = verify.DefaultTokenTypes
	}
	parts := make([]string, 0, len(list))
	for _, v := range list {
		if v == "" {
			parts = append(parts, "missing")
		} else {
			parts = append(parts, `"`+v+`"`)
		}
	}
	return strings.Join(parts, ", ")
}
