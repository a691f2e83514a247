package remotecheck

import (
	"fmt"
	"slices"

	"github.com/go-json-experiment/json"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/verify"
)

// expect holds the accepted issuers and audiences of a check; an empty list
// checks nothing.
type expect struct {
	issuers   []string
	audiences []string
}

// newExpect copies issuers and audiences, refusing empty values. what names
// the Config in the error.
func newExpect(what string, issuers, audiences []string) (expect, error) {
	if slices.Contains(issuers, "") || slices.Contains(audiences, "") {
		return expect{}, fmt.Errorf("remotecheck: %s.Issuers or Audiences holds an empty value", what)
	}
	return expect{issuers: slices.Clone(issuers), audiences: slices.Clone(audiences)}, nil
}

// any reports whether anything is checked.
func (e expect) any() bool { return len(e.issuers) > 0 || len(e.audiences) > 0 }

// check applies the issuers and audiences to iss and aud: verify.ErrIssuer,
// verify.ErrAudience, or verify.ErrMissingClaim when the claim is absent.
func (e expect) check(iss string, aud claims.Audience) error {
	if len(e.issuers) > 0 {
		if iss == "" {
			return fmt.Errorf("%w: %q", verify.ErrMissingClaim, "iss")
		}
		if !slices.Contains(e.issuers, iss) {
			return verify.ErrIssuer
		}
	}
	if len(e.audiences) > 0 {
		if len(aud) == 0 {
			return fmt.Errorf("%w: %q", verify.ErrMissingClaim, "aud")
		}
		if !slices.ContainsFunc(aud, func(a string) bool { return slices.Contains(e.audiences, a) }) {
			return verify.ErrAudience
		}
	}
	return nil
}

// checkJSON applies check to the iss and aud of a claims object; one whose
// iss or aud has the wrong type is refused with verify.ErrClaims, and an
// empty one has neither.
func (e expect) checkJSON(obj []byte) error {
	var c struct {
		Issuer   string          `json:"iss"`
		Audience claims.Audience `json:"aud"`
	}
	if len(obj) > 0 {
		if err := json.Unmarshal(obj, &c); err != nil {
			return fmt.Errorf("%w: %s", verify.ErrClaims, describeJSON(err))
		}
	}
	return e.check(c.Issuer, c.Audience)
}
