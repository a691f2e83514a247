package remotecheck

import "github.com/jwtguard/jwtguard/claims"

// Introspection holds an RFC 7662 introspection response (section 2.2): the
// registered claims (sub, aud, iss, exp, iat, nbf, jti) through the embedded
// claims.Registered, and the members RFC 7662 adds. A *Introspection is a
// claims.Carrier, and a ScopeChecker for the middleware's RequireScopes.
type Introspection struct {
	claims.Registered

	// Active is the active member; always true in claims a Checker returns.
	Active bool `json:"active"`
	// Scope is the scope member, a space-delimited list (RFC 7662
	// section 2.2, RFC 6749 section 3.3): a comma is part of a scope name.
	Scope claims.Scopes `json:"scope,omitempty"`
	// ClientID is the client_id member: the client the token was issued to.
	ClientID string `json:"client_id,omitempty"`
	// Username is the username member: a human-readable name of the
	// resource owner.
	Username string `json:"username,omitempty"`
	// TokenType is the token_type member, e.g. "Bearer".
	TokenType string `json:"token_type,omitempty"`

	// Extra holds every member not named above, as decoded into an any. It
	// is filled by github.com/go-json-experiment/json, the decoder the
	// Checker uses.
	Extra map[string]any `json:",unknown"`
}

// HasScope reports whether scope is in the scope member, compared exactly.
func (c *Introspection) HasScope(scope string) bool {
	return c.Scope.Has(scope)
}

// Claim returns the member called name from Extra, and whether it is there.
// It finds only the members the struct does not name.
func (c *Introspection) Claim(name string) (any, bool) {
	v, ok := c.Extra[name]
	return v, ok
}
