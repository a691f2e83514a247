// Package claims defines the typed claims of the JSON Web Tokens jwtguard
// verifies, and the JSON types they are built from.
//
// The building blocks decode strictly, as the security rules require, and
// are fast enough for the hot path of every request:
//
//   - NumericDate is a time carried as a JSON number of seconds (exp, nbf,
//     iat, auth_time); its zero value means the claim is absent.
//   - Audience is the aud claim: a JSON string or an array of strings,
//     nothing else.
//   - Scopes is the scope claim: a space-delimited string (RFC 6749,
//     section 3.3, where a comma is part of a scope name) or an array of
//     strings.
//   - CommaScopes is the scope claim of an issuer that documents
//     comma-separated scopes (Ansira), and Erply's permissions: a string
//     split on commas and spaces, or an array of strings. Only a claims
//     type written for such an issuer uses it.
//   - Code is an identifier sent as a JSON string or integer (Erply's
//     account, its client code).
//
// The claims types:
//
//   - Registered holds the registered claims of RFC 7519 (iss, sub, aud,
//     exp, nbf, iat, jti).
//   - Keycloak holds the claims of a Keycloak (OpenID Connect) access
//     token: typ, azp, sid, realm and client roles, scope and the usual
//     profile claims, with every other claim in its Extra map.
//   - Erply holds the claims of an Erply token under assumed names, which
//     Erply does not publish.
//   - Map is the untyped form: every claim by name.
//
// A custom issuer's claims type embeds Registered:
//
//	type PartnerClaims struct {
//		claims.Registered
//		Partner string        `json:"partner"`
//		Scope   claims.Scopes `json:"scope"`
//	}
//
// A pointer to such a struct is a Carrier, which is how the verifier finds
// the registered claims it checks without decoding the payload twice.
//
// # JSON decoders
//
// The verifier decodes payloads with github.com/go-json-experiment/json,
// which rejects duplicate member names and invalid UTF-8 and fills the
// Extra maps through the ,unknown tag option. Every type here also decodes
// correctly with encoding/json, except that Extra is not filled there (see
// Keycloak for how v1 treats a claim named "Extra"). The
// custom unmarshalers are strict under both: invalid UTF-8 and unpaired
// surrogate escapes in an Audience or Scopes string are errors, even where
// encoding/json alone would substitute U+FFFD.
//
// Errors from the custom unmarshalers wrap ErrInvalidNumericDate,
// ErrInvalidAudience or ErrInvalidScopes (Scopes and CommaScopes), so
// errors.Is names the claim type that failed.
package claims
