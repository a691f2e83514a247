package middleware

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
)

// RequireScopes returns a middleware that lets a request through only when
// its verified token grants every one of scopes; otherwise it answers 403
// with error="insufficient_scope" and scope="<scopes>". It must sit behind
// a Middleware (a request it authenticated anonymously gets 401, one no
// Middleware saw gets 500). Scopes are read through Config.HasScope (or its
// default: ScopeChecker, claims.Keycloak, claims.Map, whose scope claim is
// space-delimited: a comma is part of a scope name). RequireScopes panics
// when no scope is given or a scope is not an RFC 6749 scope-token.
func RequireScopes(scopes ...string) func(http.Handler) http.Handler {
	checkScopes("RequireScopes", scopes)
	return requirement{
		name:   "RequireScopes",
		reason: ReasonMissingScope,
		err:    ErrMissingScope,
		scope:  strings.Join(scopes, " "),
		check: func(id identity, _ *http.Request) (bool, bool) {
			for _, s := range scopes {
				if has, known := id.scope(s); !has {
					return false, known
				}
			}
			return true, true
		},
	}.middleware
}

// RequireAnyScope is RequireScopes for a token that grants at least one of
// scopes. The 403's scope attribute lists them all.
func RequireAnyScope(scopes ...string) func(http.Handler) http.Handler {
	checkScopes("RequireAnyScope", scopes)
	return requirement{
		name:   "RequireAnyScope",
		reason: ReasonMissingScope,
		err:    ErrMissingScope,
		scope:  strings.Join(scopes, " "),
		check: func(id identity, _ *http.Request) (bool, bool) {
			known := true
			for _, s := range scopes {
				has, k := id.scope(s)
				if has {
					return true, true
				}
				known = known && k
			}
			return false, known
		},
	}.middleware
}

// RequireRoles returns a middleware that lets a request through only when
// its verified token holds every one of roles as a realm role (Keycloak's
// realm_access.roles); otherwise it answers 403 with
// error="insufficient_scope", error_description="missing_role". Roles are
// read through Config.HasRole (or its default: RealmRoleChecker,
// claims.Keycloak, claims.Map). Like RequireScopes it must sit behind a
// Middleware. It panics when no role is given or a role is empty.
func RequireRoles(roles ...string) func(http.Handler) http.Handler {
	checkRoles("RequireRoles", roles)
	return rolesRequirement("RequireRoles", "", roles, true)
}

// RequireAnyRole is RequireRoles for a token that holds at least one of
// roles as a realm role.
func RequireAnyRole(roles ...string) func(http.Handler) http.Handler {
	checkRoles("RequireAnyRole", roles)
	return rolesRequirement("RequireAnyRole", "", roles, false)
}

// RequireClientRoles is RequireRoles for the roles of one client (Keycloak's
// resource_access.<client>.roles): the token must hold every one of roles
// for client. It panics when client or a role is empty, or no role is
// given.
func RequireClientRoles(client string, roles ...string) func(http.Handler) http.Handler {
	if client == "" {
		panic("middleware: RequireClientRoles: empty client")
	}
	checkRoles("RequireClientRoles", roles)
	return rolesRequirement("RequireClientRoles", client, roles, true)
}

func rolesRequirement(name, client string, roles []string, all bool) func(http.Handler) http.Handler {
	return requirement{
		name:   name,
		reason: ReasonMissingRole,
		err:    ErrMissingRole,
		check: func(id identity, _ *http.Request) (bool, bool) {
			known := true
			for _, role := range roles {
				has, k := id.role(client, role)
				known = known && k
				if has && !all {
					return true, true
				}
				if !has && all {
					return false, k
				}
			}
			return all, known
		},
	}.middleware
}

// RequireClaim returns a middleware that lets a request through only when
// ok returns true for the claims of its verified token; otherwise it
// answers 403 with error="insufficient_scope",
// error_description="claim_requirement". name says what is required, for
// logs (e.g. "account matches"). C must be the claims type of the
// Middleware in front; a request authenticated by a Middleware of another
// claims type is refused with 500. It panics when ok is nil.
func RequireClaim[C any](name string, ok func(*C) bool) func(http.Handler) http.Handler {
	if ok == nil {
		panic("middleware: RequireClaim: nil predicate")
	}
	return requirement{
		name:   "RequireClaim(" + name + ")",
		reason: ReasonClaimRequirement,
		err:    fmt.Errorf("%w: %s", ErrClaimRequirement, name),
		check: func(_ identity, r *http.Request) (bool, bool) {
			c, found := ClaimsFrom[C](r.Context())
			if !found {
				return false, false
			}
			return ok(c), true
		},
	}.middleware
}

// requirement is one authorization check behind a Middleware.
type requirement struct {
	name   string
	reason string
	err    error
	scope  string
	// check reports whether the request passes, and known false when the
	// claims type cannot answer (a configuration error).
	check func(id identity, r *http.Request) (ok, known bool)
}

// fallback answers for requests that no Middleware authenticated.
var fallback = &shared{realm: DefaultRealm, retryAfter: DefaultRetryAfter}

func (q requirement) middleware(next http.Handler) http.Handler {
	if next == nil {
		panic("middleware: " + q.name + "(nil)")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := identityFrom(r.Context())
		if id == nil {
			slog.ErrorContext(r.Context(), "jwtguard: "+q.name+" without a Middleware in front: refusing every request",
				slog.String("path", r.URL.Path))
			fallback.deny(w, r, fallback.refusal(http.StatusInternalServerError, "", ReasonMisconfigured, ErrMisconfigured), "")
			return
		}
		// A CORS preflight let through by the Middleware (SkipCORSPreflight)
		// carries no credentials; the CORS handler should have answered it
		// before any Require check. Reaching one, it is refused like any
		// request without a token, so a handler that accepts every method
		// never runs for it.
		s := id.settings()
		if !id.authenticated() {
			s.deny(w, r, s.refusal(http.StatusUnauthorized, "", ReasonNoToken, ErrNoToken), "")
			return
		}
		ok, known := q.check(id, r)
		if ok {
			next.ServeHTTP(w, r)
			return
		}
		if !known {
			e := s.refusal(http.StatusInternalServerError, "", ReasonMisconfigured,
				fmt.Errorf("%w: %s cannot read these claims (set Config.HasScope or Config.HasRole, or use the Middleware's claims type)", ErrMisconfigured, q.name))
			s.deny(w, r, e, "")
			return
		}
		e := s.refusal(http.StatusForbidden, CodeInsufficientScope, q.reason, q.err)
		e.Scope = q.scope
		if id.dpopProof() != nil {
			e.Scheme = SchemeDPoP
		}
		s.deny(w, r, e, "")
	})
}

// checkScopes panics unless scopes is a non-empty list of RFC 6749
// scope-tokens: 1*( %x21 / %x23-5B / %x5D-7E ).
func checkScopes(fn string, scopes []string) {
	if len(scopes) == 0 {
		panic("middleware: " + fn + ": no scope given")
	}
	for _, s := range scopes {
		if s == "" {
			panic("middleware: " + fn + ": empty scope")
		}
		for i := 0; i < len(s); i++ {
			if c := s[i]; c == ' ' || !allowedInDescription(c) {
				panic(fmt.Sprintf("middleware: %s: scope %q is not an RFC 6749 scope-token", fn, s))
			}
		}
	}
}

func checkRoles(fn string, roles []string) {
	if len(roles) == 0 {
		panic("middleware: " + fn + ": no role given")
	}
	for _, r := range roles {
		if r == "" {
			panic("middleware: " + fn + ": empty role")
		}
	}
}
