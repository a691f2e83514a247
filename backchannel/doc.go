// Package backchannel receives OpenID Connect Back-Channel Logout 1.0
// requests: an issuer (Keycloak, another OpenID provider) POSTs a signed
// logout token when a user's session ends, and the Handler revokes that
// session's tokens, or the user's, in a revocation.Store, so that the
// verifiers reading the store refuse them before they expire. With a
// shared store (Redis), every replica of the service refuses them.
//
// # Back-channel logout
//
// Register the handler as the client's back-channel logout URL (in
// Keycloak: the client's "Backchannel logout URL"; leave "Backchannel
// logout session required" on, so that tokens carry sid):
//
//	h, err := backchannel.New(backchannel.Config{
//		Keys:     keys,     // the issuer's own key source, e.g. its JWK Set
//		Issuer:   issuer,   // exact iss
//		ClientID: clientID, // must be in the token's aud
//		Store:    store,    // the revocation.Store the verifiers check
//	})
//	mux.Handle("/backchannel-logout", h) // 405 for other methods
//
// For Keycloak, profile's Keycloak profile builds it in one call from the
// realm's key source, issuer and algorithms (Profile.BackchannelLogout).
//
// The request must be a POST (another method: 405 with Allow: POST) with an
// application/x-www-form-urlencoded body of at most Config.MaxBodyBytes
// holding exactly one logout_token. The token is checked as sections 2.4
// and 2.6 of the specification say, through a verify.Verifier:
//
//   - the "typ" header is "logout+jwt" (an absent typ or "JWT", as Keycloak
//     sends before version 25, only with
//     Config.InsecureAllowUntypedLogoutTokens);
//   - the algorithm is allowed (RS256 by default), the key is one of the
//     issuer's keys, and the signature verifies;
//   - "iss" is Config.Issuer exactly and "aud" contains Config.ClientID;
//   - "iat" is present, not in the future beyond the leeway, and not older
//     than Config.MaxAge (5 minutes by default) plus the leeway;
//   - "exp", when present, is not past (logout tokens need not carry one);
//   - "sid" or "sub" is present;
//   - "events" is a JSON object holding the member
//     "http://schemas.openid.net/event/backchannel-logout" whose value is a
//     JSON object (other members, such as Keycloak's
//     "revoke_offline_access", are accepted);
//   - there is no "nonce";
//   - "jti" is present and was never used before with this issuer: the
//     store remembers it (revocation.Store.Use) until the token could no
//     longer pass the time checks, so a replay is refused on every replica
//     sharing the store.
//
// A token with a "sid" revokes that session (revocation.KindSession),
// whether or not it also has a "sub"; a token with only a "sub" revokes
// the subject's tokens issued at or before the logout token's "iat"
// (revocation.KindSubject). The entries expire at the store's default: the
// store's maximum token lifetime.
//
// The answers, all with Cache-Control: no-store: 200 when the revocation
// is stored; 400 with a JSON body {"error":"invalid_request",
// "error_description":"..."} when the request or the token is refused (the
// description names the failed check and never echoes the token), a
// replayed jti included; 503 with {"error":"temporarily_unavailable",...}
// when the revocation could not be stored or the issuer's keys are
// unavailable, so that the issuer may send the same token again.
//
// # Why the revocation is stored before the jti is recorded
//
// The handler calls Store.Revoke first and Store.Use second. Revoking is
// idempotent: a session or a subject cut-off stored twice is the same
// revocation, and it can only deny. So:
//
//   - when Revoke fails the jti was never recorded, and the issuer's retry
//     of the same logout token is accepted (there is no Release to fail in
//     turn: a Use-then-Revoke order would need Store.Release to succeed
//     against the store that just failed, or the retry would be refused as
//     a replay and the logout lost);
//   - when two replicas receive the same token at once, both store the
//     same revocation and one of them records the jti; the other answers
//     400 (replayed). The logout is in force either way;
//   - a replayed token inside its time window stores the same revocation
//     again before it is refused as a replay: it can renew an entry's
//     expiry by at most MaxAge, and never revokes anything the issuer did
//     not;
//   - when Revoke succeeds and Use fails for another reason than a replay
//     (the store became unreachable in between), the logout is in force,
//     so the answer is 200 and a warning is logged: the only thing lost is
//     the refusal of a replay, whose effect is the same revocation.
//
// Once a token is verified, the two store calls run detached from the
// request's cancellation, bounded by Config.StoreTimeout: an issuer that
// stops waiting (Keycloak times its back-channel requests out) does not
// interrupt a logout its token proved.
//
// # Logs
//
// One record per request on Config.Logger: Info "backchannel logout" with
// the kind of revocation, Warn "backchannel logout refused" with a stable
// reason (the verify reason, or "method", "request", "no_subject",
// "events", "nonce", "missing_jti", "replayed"), Error for a 503 ("store"
// or "keys_unavailable", with the store's or key source's error). Records hold the issuer, the
// remote address and SHA-256 fingerprints of the sid and jti; never the
// token, nor the sub (which may be an e-mail address).
package backchannel
