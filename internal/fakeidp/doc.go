// Package fakeidp holds loopback stand-ins for the identity providers that
// jwtguard's profiles serve, as httptest servers, for tests and local
// trials. It is not API, and every server it starts signs tokens for anyone
// who asks: never expose one beyond the loopback interface.
//
// Realm is a Keycloak realm shaped after e-Attestations' (realm eat_realm,
// client ea-api-edge), under the Keycloak 17+ path /realms/{realm} or the
// older /auth/realms/{realm}:
//
//	GET  {realm}/.well-known/openid-configuration   discovery
//	GET  {realm}/protocol/openid-connect/certs      JWK Set: every RS256 signing key
//	                                                (use sig) and an RSA-OAEP key (use enc),
//	                                                all with x5c, x5t and x5t#S256
//	POST {realm}/protocol/openid-connect/token      client_credentials or password grant
//	                                                → access, refresh (and with scope openid, ID) tokens
//
// Its access tokens carry what a Keycloak access token carries (typ Bearer,
// azp, session_state, sid, acr, realm_access, resource_access.account,
// scope "profile email", nbf 0) and the e-Attestations claim account_ids.
// It also mints the token kinds a resource server must refuse: refresh
// tokens (HS256, typ Refresh), ID tokens (typ ID) and back-channel logout
// tokens (typ Logout). Its signing key can be rotated, the old key staying
// published until it is retired, as Keycloak's passive keys do.
//
// Erply serves one RSA public key as PEM, as Erply's identity service does
// at /jwt/pubkey.pem, and signs tokens without kid under the claim names
// jwtguard assumes (clientCode, username, permissions; Erply does not
// publish them). Its key can be rotated.
//
// Ansira is an OAuth 2.0 authorization server in the manner of Ansira
// (SproutLoud): a client_credentials token endpoint whose JWTs carry a
// comma-separated scope, and its key as a JWK Set and as PEM.
//
// Every server takes a clock (Now) so that a test can share it with the
// verifier under test, and counts the requests for keys, so that a test can
// tell whether a token caused a fetch.
package fakeidp
