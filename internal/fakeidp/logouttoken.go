package fakeidp

import "time"

// KeycloakEventRevokeOffline is the member Keycloak adds to a logout
// token's events, beside the back-channel logout event, when the client
// has "Backchannel logout revoke offline sessions" on.
const KeycloakEventRevokeOffline = "revoke_offline_access"

// TypedLogoutToken returns a back-channel logout token as Keycloak 25 and
// later send it: the header {"alg":"RS256","typ":"logout+jwt","kid":...}
// (LogoutToken has Keycloak's earlier "typ":"JWT"), typ Logout, aud the
// client, a sid, the logout event and revoke_offline_access. over changes
// the claims.
func (r *Realm) TypedLogoutToken(over Claims) string {
	c := r.common(TypeLogout, 2*time.Minute).apply(Claims{
		"aud": r.ClientID,
		"sid": randomUUID(),
		"events": map[string]any{
			"http://schemas.openid.net/event/backchannel-logout": map[string]any{},
			KeycloakEventRevokeOffline:                           true,
		},
	})
	k := r.active()
	return signRS256(k.priv, map[string]any{"alg": "RS256", "typ": "logout+jwt", "kid": k.kid}, c.apply(over))
}
