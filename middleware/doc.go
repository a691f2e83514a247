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
// # Sender-constrained tokens
//
// DPoP (RFC 9449) is allowed by default (Config.DPoP): a token may come as
// "Authorization: DPoP <token>" with a DPoP proof header, which a
// dpop.Checker checks (method, URL, iat, jti replay, ath, nonce) before the
// verifier's VerifyBound compares the proof key's thumbprint with the
// token's cnf.jkt. A token bound to a key is refused as a bearer token;
// DPoPRequired refuses every token that is not DPoP-bound; DPoPOff does not
// read the DPoP scheme. Proof failures answer 401 with
// `WWW-Authenticate: DPoP error="invalid_dpop_proof", algs="..."`, a
// missing server nonce 401 use_dpop_nonce with a DPoP-Nonce header, and a
// replay store that cannot answer 503. With DPoP allowed, a request
// without a token is offered both schemes, one WWW-Authenticate value each.
//
// A token bound to a client certificate (cnf.x5t#S256, RFC 8705) is
// accepted only when the request came over TLS with that certificate, or,
// behind a TLS-terminating proxy, with it in the header named by
// Config.InsecureClientCertHeader (read its warning).
//
// The middleware never logs a token, the query string or claims.
package middleware
