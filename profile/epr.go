package profile

import (
	"fmt"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/remotecheck"
)

// EPR returns a profile for tokens of the e-PlanSoft EPR partner API,
// which publishes no key: each token is checked by EPR itself, POST
// {BaseURL}/auth/checkToken, through remotecheck.NewEPR (see there and
// remotecheck.EPRConfig for the partner token, the cache, the retries, and
// the assumed reading of EPR's unpublished answers):
//
//   - tokens read from the bare "x-access-token" header (no
//     "Authorization: Bearer");
//   - a token whose own exp has passed is refused (verify.ErrExpired)
//     without a call; a token EPR does not vouch for (logged out, unknown)
//     with remotecheck.ErrInactive, HTTP 401;
//   - when the check endpoint cannot be reached or answers 5xx, the
//     request is answered 503 with Retry-After
//     (remotecheck.ErrCheckUnavailable, which matches
//     keysource.ErrUnavailable), never 401: an outage of EPR logs nobody
//     out;
//   - the claims are the token's own payload as a claims.Map, once EPR has
//     vouched for it; cfg.Issuers and cfg.Audiences, when set, check its
//     iss and aud;
//   - cfg.Options.Revocation, when set (a revocation.Store), is asked on
//     every answer, cached or not: a token revoked there (an operator's
//     revoke, a logout recorded by the service) is refused at once with
//     verify.ErrRevoked, HTTP 401 "revoked", even while EPR's positive
//     answer is still in the cache.
//
// An EPR profile has no key source to route by "iss", so it cannot be a
// member of Multi. Close
// has nothing to stop but is there like every profile's.
func EPR(cfg remotecheck.EPRConfig) (*Profile[claims.Map], error) {
	chk, err := remotecheck.NewEPR[claims.Map](cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return &Profile[claims.Map]{
		Verifier:   chk,
		Extractors: []middleware.Extractor{middleware.Header(remotecheck.EPRTokenHeader)},
		places:     []string{headerPlace(remotecheck.EPRTokenHeader)},
	}, nil
}
