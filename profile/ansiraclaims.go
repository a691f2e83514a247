package profile

import "github.com/jwtguard/jwtguard/claims"

// AnsiraClaims holds the claims of an access token issued by Ansira's
// (SproutLoud's) OAuth 2.0 authorization server. A *AnsiraClaims is a
// claims.Carrier through the embedded Registered, and a
// middleware.ScopeChecker, so middleware.RequireScopes reads its scopes.
type AnsiraClaims struct {
	claims.Registered

	// Scope is the scope claim, which Ansira documents as one
	// comma-separated string ("campaigns:read,assets:read"). It is a
	// claims.CommaScopes, so commas separate scopes here, and only here:
	// every other claims type reads scope as RFC 6749's space-delimited
	// list (claims.Scopes).
	Scope claims.CommaScopes `json:"scope,omitempty"`
	// ClientID is the client_id claim (RFC 9068): the client the token was
	// issued to, when the server sends it.
	ClientID string `json:"client_id,omitempty"`

	// Extra holds every claim not named above. It is filled by the
	// verifier's decoder (github.com/go-json-experiment/json) only.
	Extra map[string]any `json:",unknown"`
}

// HasScope reports whether scope is one of the token's scopes.
func (c *AnsiraClaims) HasScope(scope string) bool { return c.Scope.Has(scope) }

// Claim returns the claim called name from Extra, and whether it is there.
func (c *AnsiraClaims) Claim(name string) (any, bool) {
	v, ok := c.Extra[name]
	return v, ok
}
