package fakeidp

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// The values of the typ claim of Keycloak's tokens.
const (
	TypeBearer  = "Bearer"
	TypeRefresh = "Refresh"
	TypeID      = "ID"
	TypeLogout  = "Logout"
)

// DefaultSubject and DefaultUsername are the user of the tokens minted
// without a request.
const (
	DefaultSubject  = "5f0e7c4a-2b7d-4d3c-9a51-0c8f2e6d7b19"
	DefaultUsername = "jane.doe@example.com"
)

// defaultRealmRoles are the realm roles Keycloak gives every user.
func (r *Realm) defaultRealmRoles() []string {
	return []string{"offline_access", "default-roles-" + r.name, "uma_authorization"}
}

// common returns the claims every token of the realm carries.
func (r *Realm) common(typ string, ttl time.Duration) Claims {
	now := r.now().Truncate(time.Second)
	return Claims{
		"exp": now.Add(ttl).Unix(),
		"iat": now.Unix(),
		"jti": randomUUID(),
		"iss": r.Issuer,
		"sub": DefaultSubject,
		"typ": typ,
		"azp": r.ClientID,
	}
}

// AccessClaims returns the claims of an access token shaped like
// e-Attestations' sample: typ Bearer, aud account, azp the client,
// session_state and sid, acr "1", the default realm roles, the account
// client's roles, scope "profile email", account_ids and nbf 0.
func (r *Realm) AccessClaims() Claims {
	session := randomUUID()
	return r.common(TypeBearer, DefaultTokenTTL).apply(Claims{
		"nbf":                0,
		"aud":                "account",
		"session_state":      session,
		"sid":                session,
		"acr":                "1",
		"allowed-origins":    []string{"https://app.e-attestations.com"},
		"realm_access":       map[string]any{"roles": r.defaultRealmRoles()},
		"resource_access":    map[string]any{"account": map[string]any{"roles": []string{"manage-account", "manage-account-links", "view-profile"}}},
		"scope":              "profile email",
		"email_verified":     true,
		"name":               "Jane Doe",
		"preferred_username": DefaultUsername,
		"given_name":         "Jane",
		"family_name":        "Doe",
		"email":              DefaultUsername,
		"account_ids":        DefaultAccountIDs,
	})
}

// AccessToken returns an access token (header {"alg":"RS256","typ":"JWT",
// "kid":...}) with AccessClaims changed by over.
func (r *Realm) AccessToken(over Claims) string {
	return r.Sign(r.AccessClaims().apply(over))
}

// IDToken returns an ID token (typ ID, aud the client) changed by over.
func (r *Realm) IDToken(over Claims) string {
	session := randomUUID()
	c := r.common(TypeID, DefaultTokenTTL).apply(Claims{
		"aud":                r.ClientID,
		"auth_time":          r.now().Unix(),
		"session_state":      session,
		"sid":                session,
		"acr":                "1",
		"at_hash":            randomKID(16),
		"email_verified":     true,
		"preferred_username": DefaultUsername,
		"email":              DefaultUsername,
	})
	return r.Sign(c.apply(over))
}

// RefreshToken returns a refresh token as Keycloak makes them: HS256 with
// the realm's own secret (header {"alg":"HS256","typ":"JWT","kid":...}),
// typ Refresh, aud the realm. over changes the claims.
func (r *Realm) RefreshToken(over Claims) string {
	session := randomUUID()
	c := r.common(TypeRefresh, DefaultRefreshTTL).apply(Claims{
		"aud":           r.Issuer,
		"session_state": session,
		"sid":           session,
		"scope":         "profile email",
	})
	return signHS256(r.hmac, map[string]any{"alg": "HS256", "typ": "JWT", "kid": r.hmacID}, c.apply(over))
}

// LogoutToken returns a back-channel logout token (OpenID Connect
// Back-Channel Logout 1.0) as Keycloak sends to clients: RS256, typ
// Logout, the logout event, aud the client. over changes the claims.
func (r *Realm) LogoutToken(over Claims) string {
	c := r.common(TypeLogout, 2*time.Minute).apply(Claims{
		"aud":    r.ClientID,
		"sid":    randomUUID(),
		"events": map[string]any{"http://schemas.openid.net/event/backchannel-logout": map[string]any{}},
	})
	return r.Sign(c.apply(over))
}

// Sign signs claims as they are with the active key, under Keycloak's
// header {"alg":"RS256","typ":"JWT","kid":...}.
func (r *Realm) Sign(claims Claims) string {
	k := r.active()
	return signRS256(k.priv, map[string]any{"alg": "RS256", "typ": "JWT", "kid": k.kid}, claims)
}

// token is the token endpoint: grant_type client_credentials (client_id
// must be the realm's client; any secret) or password (any username and
// password). The form may carry scope (space-separated, added to "profile
// email"; "openid" also returns an ID token) and roles (comma-separated
// realm roles added to the defaults): a fake's convenience, not
// Keycloak's.
func (r *Realm) token(w http.ResponseWriter, req *http.Request) {
	if err := req.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "malformed form")
		return
	}
	clientID := req.PostForm.Get("client_id")
	if id, _, ok := req.BasicAuth(); ok {
		clientID = id
	}
	if clientID != r.ClientID {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Invalid client or Invalid client credentials")
		return
	}
	over := Claims{}
	switch req.PostForm.Get("grant_type") {
	case "client_credentials":
		over["sub"] = randomUUID()
		over["preferred_username"] = "service-account-" + clientID
		for _, k := range []string{"name", "given_name", "family_name", "email"} {
			over[k] = nil
		}
	case "password":
		user := req.PostForm.Get("username")
		if user == "" || req.PostForm.Get("password") == "" {
			oauthError(w, http.StatusUnauthorized, "invalid_grant", "Invalid user credentials")
			return
		}
		over["preferred_username"] = user
		over["email"] = user
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant_type")
		return
	}
	scopes := []string{"profile", "email"}
	for _, s := range strings.Fields(req.PostForm.Get("scope")) {
		if !slices.Contains(scopes, s) {
			scopes = append(scopes, s)
		}
	}
	over["scope"] = strings.Join(scopes, " ")
	roles := r.defaultRealmRoles()
	for _, role := range strings.Split(req.PostForm.Get("roles"), ",") {
		if role = strings.TrimSpace(role); role != "" && !slices.Contains(roles, role) {
			roles = append(roles, role)
		}
	}
	over["realm_access"] = map[string]any{"roles": roles}

	session := randomUUID()
	over["session_state"], over["sid"] = session, session
	same := Claims{"sub": over["sub"], "session_state": session, "sid": session}
	if same["sub"] == nil {
		delete(same, "sub")
	}
	resp := map[string]any{
		"access_token":       r.AccessToken(over),
		"expires_in":         int(DefaultTokenTTL / time.Second),
		"refresh_expires_in": int(DefaultRefreshTTL / time.Second),
		"refresh_token":      r.RefreshToken(same),
		"token_type":         "Bearer",
		"not-before-policy":  0,
		"session_state":      session,
		"scope":              over["scope"],
	}
	if slices.Contains(scopes, "openid") {
		resp["id_token"] = r.IDToken(same)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, resp)
}
