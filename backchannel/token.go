package backchannel

import (
	"context"
	"fmt"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/verify"
)

// EventBackchannelLogout is the member of a logout token's "events" claim
// that declares it a logout token; its value must be a JSON object.
const EventBackchannelLogout = "http://schemas.openid.net/event/backchannel-logout"

// TokenType is the "typ" header of an explicitly typed logout token.
const TokenType = "logout+jwt"

// logoutClaims are the claims of a logout token (OpenID Connect
// Back-Channel Logout 1.0 section 2.4) that the registered claims leave
// out. Events and Nonce are kept raw: Events to check its shape here,
// Nonce only to see whether it is there (even as null).
type logoutClaims struct {
	claims.Registered
	SessionID string         `json:"sid"`
	Events    jsontext.Value `json:"events"`
	Nonce     jsontext.Value `json:"nonce"`
}

// Validate applies the rules of section 2.6 that the verifier's
// registered-claim checks do not: steps 5 to 8, in the specification's
// order. The verifier runs it after the signature, iss, aud and the times
// have been checked.
func (c *logoutClaims) Validate(context.Context) error {
	if c.SessionID == "" && c.Subject == "" {
		return ErrNoSubject
	}
	if err := checkEvents(c.Events); err != nil {
		return err
	}
	if len(c.Nonce) != 0 {
		return ErrNonce
	}
	if c.ID == "" {
		return fmt.Errorf("%w: %w", ErrNoID, verify.ErrMissingClaim)
	}
	return nil
}

// checkEvents requires a JSON object holding EventBackchannelLogout with a
// JSON object value. Other members are allowed whatever their value:
// Keycloak adds "revoke_offline_access": true.
func checkEvents(raw jsontext.Value) error {
	if len(raw) == 0 {
		return fmt.Errorf("%w: no events claim", ErrEvents)
	}
	if raw.Kind() != '{' {
		return fmt.Errorf("%w: events is not a JSON object", ErrEvents)
	}
	var events map[string]jsontext.Value
	if err := json.Unmarshal(raw, &events); err != nil {
		return fmt.Errorf("%w: events is not a valid JSON object", ErrEvents)
	}
	ev, ok := events[EventBackchannelLogout]
	if !ok {
		return fmt.Errorf("%w: no back-channel logout event", ErrEvents)
	}
	if ev.Kind() != '{' {
		return fmt.Errorf("%w: the back-channel logout event is not a JSON object", ErrEvents)
	}
	return nil
}
