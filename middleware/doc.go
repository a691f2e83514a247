// Package middleware protects net/http handlers with bearer JWTs: it finds
// the token in the request, has a verifier check it, answers failures with
// RFC 6750 challenges and RFC 9457 problem bodies, and puts the verified
// claims into the request context.
//
// A Middleware is built once and used with any router, since its Handler
// method is a func(http.Handler) http.Handler:
//
//	v, _ := verify.New(verify.Config[claims.Keycloak]{...})
//	auth, _ := middleware.New(middleware.Config[claims.Keycloak]{Verifier: v})
//
//	r := chi.NewRouter()                      // or http.NewServeMux()
//	r.Use(auth.Handler)
//	r.With(middleware.RequireScopes("reports:read")).Get("/reports", reports)
//
//	func reports(w http.ResponseWriter, r *http.Request) {
//		c, _ := middleware.ClaimsFrom[claims.Keycloak](r.Context())
//		...
//	}
//
// Responses, by default:
//
//	no token                             401  WWW-Authenticate: Bearer realm="api"
//	two tokens, malformed credentials    400  error="invalid_request"
//	token refused by the verifier        401  error="invalid_token", error_description="<reason>"
//	scope, role or claim check fails     403  error="insufficient_scope" (scope="..." for scopes)
//	keys unavailable, request canceled   503  Retry-After
//
// The error_description is a stable reason ("expired", "signature",
// "missing_scope", ...), never an error message. Config.StatusByReason
// changes statuses (say, 403 for an expired token) and Config.ErrorHandler
// replaces the responses.
//
// The checks after authentication (RequireScopes, RequireAnyScope,
// RequireRoles, RequireAnyRole, RequireClientRoles, RequireClaim) are
// middlewares of their own, placed on the routes that need them. They work
// with claims.Keycloak and claims.Map as they are, with any claims type
// that implements ScopeChecker, RealmRoleChecker or ClientRoleChecker, and
// with any other through Config.HasScope and Config.HasRole. The scope
// claim of claims.Keycloak and claims.Map is space-delimited (RFC 6749
// section 3.3): a comma is part of a scope name, never a separator.
//
// The middleware never logs a token, the query string or claims.
package middleware
