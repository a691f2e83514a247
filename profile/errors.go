package profile

import (
	"errors"
	"fmt"

	"github.com/jwtguard/jwtguard/verify"
)

// ErrConfig means a profile's configuration is invalid. The constructors
// wrap it; errors from the key source's constructor (keysource.ErrConfig,
// keysource.ErrInsecureURL) come through as they are.
var ErrConfig = errors.New("profile: invalid configuration")

// Errors of the checks the profiles add to verify's. Verify returns them
// inside a *verify.Error that also matches verify.ErrClaims (verify wraps
// every validator's error in it), with reason "claims".
var (
	// ErrAuthorizedParty: the token's "azp" is not one of
	// KeycloakConfig.AuthorizedParties: it was issued to another client.
	ErrAuthorizedParty = errors.New("profile: token issued to another client (azp)")
	// ErrAccount: the token's account claim is not ErplyConfig.Account:
	// it was issued for another Erply account.
	ErrAccount = errors.New("profile: token issued for another account")
)

// TokenTypeError is the error of a Keycloak token whose "typ" claim is not
// "Bearer": a refresh, ID, offline or logout token presented as an access
// token. It matches verify.ErrTokenType, so Verify's error has reason
// "token_type", the reason of a refused "typ" header too: both say the
// token is of the wrong kind. (It also matches verify.ErrClaims, which
// verify wraps around every validator's error.)
type TokenTypeError struct {
	// Got is the token's typ claim ("" when absent), made printable and
	// cut to 64 bytes.
	Got string
	// Want is the typ an access token carries, "Bearer".
	Want string
}

// Error implements error.
func (e *TokenTypeError) Error() string {
	return fmt.Sprintf("profile: typ claim %q is not %q: %s, not an access token", e.Got, e.Want, kindOf(e.Got))
}

// Unwrap makes errors.Is(err, verify.ErrTokenType) hold.
func (e *TokenTypeError) Unwrap() error { return verify.ErrTokenType }

// kindOf names the kind of Keycloak token a typ claim stands for.
func kindOf(typ string) string {
	switch typ {
	case "":
		return "a token without typ"
	case "Refresh":
		return "a refresh token"
	case "Offline":
		return "an offline token"
	case "ID":
		return "an ID token"
	case "Logout":
		return "a logout token"
	default:
		return "another kind of token"
	}
}

// printable shortens and sanitizes a token-supplied string for an error
// message, so that logs cannot be flooded or forged through it.
func printable(s string) string {
	const max = 64
	out := make([]byte, 0, min(len(s), max+3))
	for i := 0; i < len(s) && i < max; i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e {
			c = '?'
		}
		out = append(out, c)
	}
	if len(s) > max {
		out = append(out, "..."...)
	}
	return string(out)
}
