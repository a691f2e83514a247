// Package fakeepr is a stand-in for the e-PlanSoft EPR partner API, as an
// httptest server on the loopback interface, for tests of remote token
// checks. It is not API.
//
// It knows partners and users, and answers:
//
//	POST /auth/login       {"username":..., "password":...} → 200 {"token":..., "expiresAt":...}
//	                       (a partner's credentials give a partner token, a user's a user token)
//	POST /auth/checkToken  x-access-token: <partner token>, {"token":...}
//	                       → 200 {"success":true,"valid":true,"user":{...}} for a live user token,
//	                         401 {"success":false,"valid":false,...} for an unknown, expired or
//	                         logged-out one, 401 when the partner token is not live
//	POST /auth/logout      x-access-token: <user token> → 200, and the token is dead at once
//
// Tokens are JWTs (HS256) whose key only the fake knows, with iss, sub,
// kind ("user" or "partner"), iat, exp and jti. The fake's clock
// (Options.Now) decides expiry, so a test can share its clock with the
// checker under test.
//
// The check endpoint can be taken down (SetMode: 503, or hanging until the
// request is abandoned), made to fail a number of times (FailNext), made
// slow (SetDelay), and every endpoint counts its requests.
package fakeepr
