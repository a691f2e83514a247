// Command chi-server is jwtguard's runnable example: a small chi API
// protected by jwtguard's middleware.
//
// With no flags it also starts a DEMO token issuer on 127.0.0.1:8081 (OIDC
// discovery, JWKS, PEM, a POST /token endpoint that signs a token for
// anyone on this machine, and POST /logout), protects the API on 127.0.0.1:8080 with it, and
// prints curl commands with a fresh token:
//
//	go run ./examples/chi-server
//
// With -oidc, -jwks, -pem or -secret-file it protects the API with a real
// issuer instead; -aud (or, knowingly, -insecure-skip-audience) is then
// required:
//
//	go run ./examples/chi-server -oidc https://sso.example.com/realms/main -aud my-api
//
// Revocations are kept in memory, or shared between instances through
// Redis with -redis URL (-revocation-max-lag bounds how long an instance
// out of sync keeps answering: then 503 revocation_unavailable). With
// -logout-aud CLIENT_ID, and always in demo mode, the API receives OpenID
// Connect back-channel logout tokens at POST /backchannel-logout; the demo
// issuer's POST /logout (form sid or sub) sends one, as Keycloak does when
// a session ends, and the session's tokens are then refused (401,
// error_description="revoked").
//
// DPoP-bound tokens are allowed by default (-dpop off|allowed|required,
// -public-url, -dpop-nonce, -redis); examples/dpop-client gets one from
// the demo issuer and uses it:
//
//	go run ./examples/dpop-client
//
// Run it with -h for every flag.
package main
