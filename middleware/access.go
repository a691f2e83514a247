package middleware

import (
	"strings"

	"github.com/jwtguard/jwtguard/claims"
)

// ScopeChecker is implemented by a claims type (through its pointer) whose
// token grants OAuth 2.0 scopes. RequireScopes and RequireAnyScope use it
// when Config.HasScope is nil.
type ScopeChecker interface {
	HasScope(scope string) bool
}

// RealmRoleChecker is implemented by a claims type (through its pointer)
// whose token carries realm-wide roles. *claims.Keycloak implements it.
// RequireRoles and RequireAnyRole use it when Config.HasRole is nil.
type RealmRoleChecker interface {
	HasRealmRole(role string) bool
}

// ClientRoleChecker is implemented by a claims type (through its pointer)
// whose token carries roles per client. *claims.Keycloak implements it.
// RequireClientRoles uses it when Config.HasRole is nil.
type ClientRoleChecker interface {
	HasClientRole(client, role string) bool
}

// scopeFunc returns the scope reader for C: the configured one, else the
// ScopeChecker method, else a reader for the known claims types, else nil.
func scopeFunc[C any](configured func(*C, string) bool) func(*C, string) bool {
	if configured != nil {
		return configured
	}
	switch any(new(C)).(type) {
	case ScopeChecker:
		return func(c *C, s string) bool { return any(c).(ScopeChecker).HasScope(s) }
	case *claims.Map:
		return func(c *C, s string) bool { return mapHasScope(*any(c).(*claims.Map), s) }
	}
	return nil
}

// roleFunc returns the role reader for C, as scopeFunc does for scopes. A
// type with only one of the two role interfaces holds no role of the other
// kind.
func roleFunc[C any](configured func(*C, string, string) bool) func(*C, string, string) bool {
	if configured != nil {
		return configured
	}
	if _, ok := any(new(C)).(*claims.Map); ok {
		return func(c *C, client, role string) bool { return mapHasRole(*any(c).(*claims.Map), client, role) }
	}
	_, realm := any(new(C)).(RealmRoleChecker)
	_, client := any(new(C)).(ClientRoleChecker)
	if !realm && !client {
		return nil
	}
	return func(c *C, cl, role string) bool {
		if cl == "" {
			rc, ok := any(c).(RealmRoleChecker)
			return ok && rc.HasRealmRole(role)
		}
		cc, ok := any(c).(ClientRoleChecker)
		return ok && cc.HasClientRole(cl, role)
	}
}

// mapHasScope reads the "scope" claim of untyped claims as claims.Scopes
// decodes it: a string split on spaces only (RFC 6749 section 3.3: a comma
// is part of a scope name), or an array of strings only.
func mapHasScope(m claims.Map, want string) bool {
	switch v := m["scope"].(type) {
	case string:
		for e := range strings.FieldsFuncSeq(v, isScopeSpace) {
			if e == want {
				return true
			}
		}
	case []any:
		// An array holding anything but strings is no scope list (claims.Scopes
		// refuses it, as Map.Strings does for roles): it grants nothing.
		found := false
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return false
			}
			found = found || s == want
		}
		return found
	case []string:
		for _, s := range v {
			if s == want {
				return true
			}
		}
	}
	return false
}

// mapHasRole reads Keycloak's realm_access.roles (client "") or
// resource_access.<client>.roles from untyped claims.
func mapHasRole(m claims.Map, client, want string) bool {
	var holder any
	if client == "" {
		holder = m["realm_access"]
	} else {
		ra, _ := m["resource_access"].(map[string]any)
		holder = ra[client]
	}
	obj, _ := holder.(map[string]any)
	roles, _ := claims.Map(obj).Strings("roles")
	for _, r := range roles {
		if r == want {
			return true
		}
	}
	return false
}

// isScopeSpace reports whether r separates scopes: the JSON whitespace
// characters claims.Scopes splits on.
func isScopeSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r'
}
