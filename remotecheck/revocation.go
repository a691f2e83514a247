package remotecheck

import (
	"cmp"
	"errors"
	"fmt"

	"github.com/go-json-experiment/json"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/revocation"
	"github.com/jwtguard/jwtguard/verify"
)

// revocationClaims are the claims of a positive answer that a revocation
// check matches on. Members not named here are ignored; a named one of
// another type refuses the answer (verify.ErrClaims), as the verifier does.
type revocationClaims struct {
	Issuer       string             `json:"iss"`
	ID           string             `json:"jti"`
	Subject      string             `json:"sub"`
	SessionID    string             `json:"sid"`
	SessionState string             `json:"session_state"`
	AuthParty    string             `json:"azp"`
	ClientID     string             `json:"client_id"`
	IssuedAt     claims.NumericDate `json:"iat"`
	ExpiresAt    claims.NumericDate `json:"exp"`
}

// revocationToken reads what a revocation check needs from the claims of a
// positive answer (raw, a JSON object; empty when the answer had none, then
// the token has no issuer and no entry matches it).
func revocationToken(raw []byte) (*revocation.Token, error) {
	var rc revocationClaims
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &rc); err != nil {
			return nil, fmt.Errorf("%w: %s", verify.ErrClaims, describeJSON(err))
		}
	}
	return &revocation.Token{
		Issuer:    rc.Issuer,
		ID:        rc.ID,
		Subject:   rc.Subject,
		SessionID: cmp.Or(rc.SessionID, rc.SessionState),
		ClientID:  cmp.Or(rc.AuthParty, rc.ClientID),
		IssuedAt:  rc.IssuedAt.Time,
		ExpiresAt: rc.ExpiresAt.Time,
	}, nil
}

// checkRevocation asks Options.Revocation about a positive answer's token.
// A checker error that is neither revoked nor unavailable counts as
// unavailable, never as "not revoked".
func (c *Checker[C]) checkRevocation(t *revocation.Token) error {
	err := c.s.revocation.Check(t)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, verify.ErrRevoked):
		return &verify.Error{Reason: verify.ReasonRevoked, Err: err}
	case errors.Is(err, verify.ErrRevocationUnavailable):
		return &verify.Error{Reason: verify.ReasonRevocationUnavailable, Err: err}
	default:
		return &verify.Error{Reason: verify.ReasonRevocationUnavailable, Err: fmt.Errorf("%w: %w", verify.ErrRevocationUnavailable, err)}
	}
}
