package profile

import (
	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/middleware"
)

// Principal is what a Multi profile's verifier returns: the issuer of the
// token and the claims that issuer's profile verified, in the field of
// their type. Exactly one of Keycloak, Erply and Ansira is set for the
// built-in profiles; Claims is always set.
//
// A *Principal is a middleware.ScopeChecker, RealmRoleChecker and
// ClientRoleChecker, so middleware.RequireScopes, RequireRoles and
// RequireClientRoles work behind a Multi profile for every issuer.
type Principal struct {
	// Issuer is the token's "iss", which its profile required exactly.
	Issuer string
	// Keycloak holds the claims of a token verified by a Keycloak profile.
	Keycloak *claims.Keycloak
	// Erply holds the claims of a token verified by an Erply profile.
	Erply *claims.Erply
	// Ansira holds the claims of a token verified by an Ansira profile.
	Ansira *AnsiraClaims
	// Claims is the member profile's claims, whatever their type: the same
	// pointer as the typed field that is set.
	Claims any
}

// newPrincipal wraps the claims c verified for issuer.
func newPrincipal(issuer string, c any) *Principal {
	p := &Principal{Issuer: issuer, Claims: c}
	switch c := c.(type) {
	case *claims.Keycloak:
		p.Keycloak = c
	case *claims.Erply:
		p.Erply = c
	case *AnsiraClaims:
		p.Ansira = c
	}
	return p
}

// Registered returns the registered claims (sub, exp, ...) of the token,
// or nil when its claims type does not carry them.
func (p *Principal) Registered() *claims.Registered {
	if c, ok := p.Claims.(claims.Carrier); ok {
		return c.RegisteredClaims()
	}
	return nil
}

// HasScope reports whether the token grants scope: a Keycloak or Ansira
// scope, or an Erply permission.
func (p *Principal) HasScope(scope string) bool {
	switch {
	case p.Erply != nil:
		return p.Erply.Permissions.Has(scope)
	case p.Claims != nil:
		if c, ok := p.Claims.(middleware.ScopeChecker); ok {
			return c.HasScope(scope)
		}
	}
	return false
}

// HasRealmRole reports whether the token holds a Keycloak realm role.
// Tokens of other issuers hold none.
func (p *Principal) HasRealmRole(role string) bool {
	if c, ok := p.Claims.(middleware.RealmRoleChecker); ok {
		return c.HasRealmRole(role)
	}
	return false
}

// HasClientRole reports whether the token holds a Keycloak client role.
// Tokens of other issuers hold none.
func (p *Principal) HasClientRole(client, role string) bool {
	if c, ok := p.Claims.(middleware.ClientRoleChecker); ok {
		return c.HasClientRole(client, role)
	}
	return false
}
