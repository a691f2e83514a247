// Package profile makes each of the systems jwtguard was built for one
// function call away: it returns a verifier configured as that issuer's
// documentation says, with the middleware settings its clients need
// (where they put the token, which HTTP statuses they expect).
//
//	Keycloak  Keycloak / OpenID Connect realms; e-Attestations is the
//	          documented example (EAttestationsIssuer, EAttestationsClient)
//	Erply     Erply's identity service: one PEM key, no kid, the account
//	          (client code) checked
//	Ansira    Ansira (SproutLoud) OAuth 2.0: JWKS or PEM, comma-separated
//	          scope, optional 403-for-expired statuses
//	EPR       e-PlanSoft EPR: no key; each token is checked by EPR
//	Multi     several of the above behind one verifier, routed by iss
//
// Each constructor takes a Config whose zero fields have documented
// defaults, validates it, and returns a *Profile:
//
//	p, err := profile.Keycloak(profile.KeycloakConfig{
//		Issuer:            profile.EAttestationsIssuer,
//		AuthorizedParties: []string{profile.EAttestationsClient},
//	})
//	if err != nil { ... }
//	defer p.Close()
//
//	auth, err := middleware.New(p.MiddlewareConfig())
//	r.Use(auth.Handler)
//
//	func handler(w http.ResponseWriter, r *http.Request) {
//		c, _ := middleware.ClaimsFrom[claims.Keycloak](r.Context())
//		ids, _ := c.Claim("account_ids")
//		...
//	}
//
// # Errors
//
// Verify's errors are verify's: a *verify.Error with a stable reason
// wrapping one of verify's sentinels. The profiles' own checks add:
//
//   - *TokenTypeError for a Keycloak token whose "typ" claim is not
//     "Bearer" (a refresh, offline, ID or logout token). It matches
//     verify.ErrTokenType (reason "token_type"), because what is wrong is
//     the kind of token, exactly as with a refused "typ" header; it also
//     matches verify.ErrClaims, which verify wraps around every
//     validator's error. A Keycloak refresh token is usually refused
//     earlier, with verify.ErrAlgorithm: it is signed with HS256 (or
//     HS512), which the profile never accepts.
//   - ErrAuthorizedParty for a Keycloak token issued to another client
//     ("azp"), and ErrAccount for an Erply token of another account; both
//     match verify.ErrClaims (reason "claims").
//
// Configuration errors wrap ErrConfig.
//
// # What is assumed
//
// Erply does not publish its claim names, nor its tokens' "iss" or "aud":
// the account, username and permissions claims are configurable
// (ErplyClaimNames, defaults clientCode, username and permissions are
// assumptions), and ErplyConfig requires Issuer and Audiences unless
// InsecureSkipIssuerCheck (the PEM key alone then tells Erply's tokens
// from others') and InsecureSkipAudienceCheck say otherwise. Every
// Insecure... choice of a profile is logged at Warn when it is built. EPR does not
// publish the format of its check endpoint's answers; see the remotecheck
// package.
package profile
