package remotecheck

import (
	"bytes"
	"fmt"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/jwtguard/jwtguard/verify"
)

// errBound refuses a token whose claims bind it to a key or a certificate
// ("cnf", RFC 7800): an RFC 7662 answer carries the token's cnf (RFC 8705
// section 3.2, RFC 9449 section 6.2), and a JWT payload its own. A Checker
// takes no proof of possession, so such a token is a bearer presentation of
// a sender-constrained token: refused, never downgraded.
var errBound = &verify.Error{Reason: verify.ReasonBinding,
	Err: fmt.Errorf("%w: the token is sender-constrained (cnf) and a remote check takes no proof of possession", verify.ErrBinding)}

// hasConfirmation reports whether the JSON object obj (already decoded
// strictly) has a top-level "cnf" member, however its name is escaped.
func hasConfirmation(obj []byte) bool {
	if !bytes.Contains(obj, []byte(`"cnf"`)) && !bytes.Contains(obj, []byte(`\u`)) {
		return false
	}
	dec := jsontext.NewDecoder(bytes.NewReader(obj))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return false
	}
	for dec.PeekKind() == '"' {
		name, err := dec.ReadToken()
		if err != nil {
			return false
		}
		if name.String() == "cnf" {
			return true
		}
		if dec.SkipValue() != nil {
			return false
		}
	}
	return false
}
