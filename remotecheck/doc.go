// Package remotecheck verifies tokens by asking their issuer, for issuers
// whose tokens cannot be checked locally: RFC 7662 OAuth 2.0 token
// introspection, and the e-PlanSoft EPR partner API, whose tokens are JWTs
// signed with a key it does not publish and die early on logout.
//
// One mechanism, Checker, does the work; a Check makes the remote call for
// one token. NewIntrospection and NewEPR build a Checker with their own
// Check; New takes any other:
//
//	chk, err := remotecheck.NewEPR[claims.Map](remotecheck.EPRConfig{
//		BaseURL:      "https://epr.example.com/api",
//		PartnerToken: partnerToken,
//	})
//	auth, err := middleware.New(middleware.Config[claims.Map]{
//		Verifier:   chk,
//		Extractors: []middleware.Extractor{middleware.Header(remotecheck.EPRTokenHeader)},
//	})
//
// A *Checker[C] has the Verify method of the middleware package's Verifier
// interface, so it stands in for a *verify.Verifier.
//
// # What Verify does
//
// Cheap checks first, network last. A token longer than
// Options.MaxTokenBytes, empty, or holding anything but printable ASCII is
// refused (verify.ErrMalformed). A cached answer is used when there is one.
// A token that is a JWT has its payload read, unverified, for its exp: a
// token whose exp has passed (beyond Options.Leeway) is refused with
// verify.ErrExpired without a call. That is safe because unverified data
// only ever refuses a token, never accepts one. NewEPR's Checker goes
// further: EPR's tokens are JWTs with an exp, so anything else is refused
// as malformed without a call. Then the issuer is asked; concurrent checks
// of one token are merged into one call, and each waiting caller still
// leaves when its own ctx ends.
//
// At most Options.MaxConcurrentChecks remote checks are under way at once.
// A check that finds them all taken waits in line for a free one, for at
// most Options.QueueTimeout (2 s) and while its caller's ctx lasts, then is
// refused with ErrCheckUnavailable (503). Tokens that pass the cheap checks
// but that only the issuer can refuse (random JWTs with a live exp) still
// cost one call each: limit the rate per client in front of the service.
//
// # Cache
//
// Answers are remembered, keyed by a hash of the token and confirmed
// against the whole token:
//
//   - a positive answer for Options.CacheTTL (30 s), never past the
//     token's exp; so a token logged out or revoked upstream may still be
//     accepted for up to CacheTTL after its last positive check;
//   - a negative answer (inactive, check refused, claims refused) for
//     Options.NegativeCacheTTL (5 s), so a refused token presented again
//     is refused without a call;
//   - failures to reach the issuer are never remembered.
//
// On every use, from the cache or not, exp and nbf are checked against the
// clock, the validators run again, and Options.Revocation (a
// revocation.Store the service shares, e.g. with jwtrevoke or a logout
// receiver) is asked: a revocation recorded there refuses a cached token
// at once (verify.ErrRevoked). The claims handed out are shallow
// copies: the slices and maps inside are shared, read-only.
//
// # Failures
//
// Every error is a *verify.Error with a stable reason. A token the issuer
// does not vouch for gives ErrInactive (reason "inactive", HTTP 401 in the
// middleware); one the issuer refuses to check (an introspection 400 with
// unsupported_token_type or invalid_request) gives ErrCheckRefused (reason
// "check_refused", 401, logged at Error with the issuer's error code). A failure to get an answer (connection errors, timeouts,
// 5xx, 429), after Options.Attempts tries Options.RetryPause apart, gives
// ErrCheckUnavailable (reason "check_unavailable"), and an answer that
// cannot be read gives ErrBadResponse (reason "check_bad_response", not
// retried). Both match keysource.ErrUnavailable, which the middleware
// answers with 503 and Retry-After: an outage of the issuer never logs users
// out. A panic in the check, in decoding the answer into C, in a validator
// or in a hook is recovered, logged at Error and answered ErrBadResponse
// (503) for that request: it never reaches the process.
//
// # HTTP
//
// Endpoints must be https, except to loopback hosts or with
// HTTPOptions.InsecureAllowHTTP. Each attempt has a timeout (10 s), bodies
// are capped (1 MiB), redirects are not followed, JSON answers are decoded
// strictly (no duplicate member names, valid UTF-8), requests carry the
// User-Agent "jwtguard/<version>", and the token is never logged.
package remotecheck
