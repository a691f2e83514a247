package profile

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/jwtguard/jwtguard/claims"
)

// The claim names ErplyClaimNames uses by default. Erply does not publish
// its claim names: these are ASSUMPTIONS, the names claims.Erply decodes,
// not names taken from Erply's documentation. Check them against a real
// token and set ErplyConfig.Claims where they differ.
const (
	// DefaultErplyAccountClaim is the assumed name of the account (client
	// code) claim.
	DefaultErplyAccountClaim = "clientCode"
	// DefaultErplyUsernameClaim is the assumed name of the username claim.
	DefaultErplyUsernameClaim = "username"
	// DefaultErplyPermissionsClaim is the assumed name of the permissions
	// claim.
	DefaultErplyPermissionsClaim = "permissions"
)

// ErplyClaimNames names the claims of an Erply token that the profile
// reads. Each empty field takes its ASSUMED default (see
// DefaultErplyAccountClaim). Whatever the names, the verified claims.Erply
// carries the values in ClientCode, Username and Permissions, so handlers
// do not depend on the names.
//
// A name may be a claim claims.Erply does not name (it is then read from
// Extra), "iss", "sub" or "jti" for the account and the username, or the
// field's own default name. The other names claims.Erply decodes itself
// (aud, exp, nbf, iat, and the defaults of the other two fields) are
// refused.
type ErplyClaimNames struct {
	// Account names the account (client code) claim: a JSON string. If "",
	// DefaultErplyAccountClaim.
	Account string
	// Username names the username claim: a JSON string. If "",
	// DefaultErplyUsernameClaim.
	Username string
	// Permissions names the permissions claim: an array of strings, or a
	// comma- or space-separated string. If "",
	// DefaultErplyPermissionsClaim.
	Permissions string
}

// resolve fills in the defaults and checks the names.
func (n ErplyClaimNames) resolve() (ErplyClaimNames, error) {
	if n.Account == "" {
		n.Account = DefaultErplyAccountClaim
	}
	if n.Username == "" {
		n.Username = DefaultErplyUsernameClaim
	}
	if n.Permissions == "" {
		n.Permissions = DefaultErplyPermissionsClaim
	}
	check := func(field, name, own string, stringsOK bool) error {
		if name == own {
			return nil
		}
		switch name {
		case "iss", "sub", "jti":
			if stringsOK {
				return nil
			}
		case "aud", "exp", "nbf", "iat", DefaultErplyAccountClaim, DefaultErplyUsernameClaim, DefaultErplyPermissionsClaim:
		default:
			return nil
		}
		return fmt.Errorf("%w: ErplyConfig.Claims.%s cannot be %q, a claim claims.Erply decodes into another field", ErrConfig, field, name)
	}
	if err := check("Account", n.Account, DefaultErplyAccountClaim, true); err != nil {
		return n, err
	}
	if err := check("Username", n.Username, DefaultErplyUsernameClaim, true); err != nil {
		return n, err
	}
	if err := check("Permissions", n.Permissions, DefaultErplyPermissionsClaim, false); err != nil {
		return n, err
	}
	return n, nil
}

// isDefault reports whether every name is the assumed default, when the
// decoded struct needs no change.
func (n ErplyClaimNames) isDefault() bool {
	return n == ErplyClaimNames{DefaultErplyAccountClaim, DefaultErplyUsernameClaim, DefaultErplyPermissionsClaim}
}

// mapClaims sets ClientCode, Username and Permissions from the configured
// claims; a configured claim that is absent leaves its field empty. It
// only reads claims it never writes, so running it again on its own
// result (the verifier's cache does) changes nothing.
func (n ErplyClaimNames) mapClaims(_ context.Context, c *claims.Erply) error {
	if n.isDefault() {
		return nil
	}
	account, err := erplyString(c, n.Account, DefaultErplyAccountClaim)
	if err != nil {
		return err
	}
	user, err := erplyString(c, n.Username, DefaultErplyUsernameClaim)
	if err != nil {
		return err
	}
	perms := c.Permissions
	if n.Permissions != DefaultErplyPermissionsClaim {
		perms = nil
		if v, ok := c.Extra[n.Permissions]; ok {
			if perms, err = scopesOf(v); err != nil {
				return fmt.Errorf("claim %q: %w", n.Permissions, err)
			}
		}
	}
	c.ClientCode, c.Username, c.Permissions = claims.Code(account), user, perms
	return nil
}

// erplyString returns the string claim name of c, "" when absent.
func erplyString(c *claims.Erply, name, own string) (string, error) {
	switch name {
	case own:
		if own == DefaultErplyAccountClaim {
			return string(c.ClientCode), nil
		}
		return c.Username, nil
	case "iss":
		return c.Issuer, nil
	case "sub":
		return c.Subject, nil
	case "jti":
		return c.ID, nil
	}
	v, ok := c.Extra[name]
	if !ok || v == nil {
		return "", nil
	}
	switch v := v.(type) {
	case string:
		return v, nil
	case float64:
		// An integer sent as a JSON number, such as a numeric client code.
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return strconv.FormatFloat(v, 'f', -1, 64), nil
		}
	}
	return "", fmt.Errorf("claim %q is not a string or an integer", name)
}

// scopesOf reads a decoded claim the way claims.CommaScopes decodes it, as
// claims.Erply reads its permissions.
func scopesOf(v any) (claims.CommaScopes, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var s claims.CommaScopes
	if err := s.UnmarshalJSON(b); err != nil {
		return nil, err
	}
	return slices.Clip(s), nil
}
