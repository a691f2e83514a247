// Package verify checks JSON Web Tokens (compact JWS) strictly and decodes
// their claims into a typed struct.
//
// A Verifier is built once from a Config and shared:
//
//	v, err := verify.New(verify.Config[claims.Keycloak]{
//		Keys:       src, // a keysource.Source: static keys, JWKS, OIDC or PEM URL
//		Algorithms: []string{"RS256"},
//		Issuers:    []string{"https://auth.example.com/realms/main"},
//		Audiences:  []string{"my-api"},
//	})
//	c, err := v.Verify(ctx, token)
//
// The token's header never chooses trust: "alg" must be in the allow-list
// and fit the key (its type, and its own "alg", which "EdDSA" and RFC
// 9864's "Ed25519" both satisfy for an Ed25519 key); "none" is never
// accepted; "jwk", "jku", "x5u" and "x5c" headers are refused, never
// followed; "crit" and "b64" are refused; JWE and the JSON serialization
// are refused with their own errors. Header and claims must be strict JSON
// (no duplicate member names, valid UTF-8).
// "exp" is required, "iss" and "aud" are checked; each of these can be
// turned off only by a Config field whose name starts with Insecure.
//
// Checks run cheapest first: size and shape, header policy, key lookup in
// an in-memory snapshot, signature, and only then claims. A token that fails
// before the key lookup never causes a key fetch.
//
// Every failure is an *Error with a stable Reason ("expired", "signature",
// "unknown_key", ...) wrapping one sentinel error, so errors.Is tells exactly
// which check failed.
//
// A token's string is not its identity: ECDSA signatures (ES256, ES384,
// ES512) are malleable, so from one valid token anyone can make a second,
// different string that verifies with the same claims. Nothing may key a
// security decision (revocation, replay or one-time-use checks, rate
// limits) on the token string alone; key it on verified claims such as
// "jti" or "sid".
package verify
