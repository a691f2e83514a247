package claims

import "slices"

// Keycloak holds the claims of a Keycloak access token (and of other OpenID
// Connect providers that follow Keycloak's shapes). A *Keycloak is a
// Carrier through the embedded Registered.
//
// Every claim the struct does not name lands in Extra, e.g. the
// e-Attestations account_ids claim, which may be a string such as
// "118466". Extra is filled by github.com/go-json-experiment/json, the
// decoder the verifier uses, through the ,unknown tag option; there a claim
// called "Extra" is an unknown claim like any other and lands in
// Extra["Extra"].
//
// encoding/json (v1) does not know ,unknown and sees Extra as an ordinary
// member named "Extra", matched in any letter case (the v2 decoder refuses
// an explicit name on an ,unknown field, so the name cannot be moved out of
// the way). Under v1 therefore: Extra stays nil for ordinary unknown
// claims; a claim named "Extra" (or "extra", ...) holding an object has its
// members copied into Extra, where Claim would report them as if they were
// top-level claims; one holding anything else makes Unmarshal return a
// *json.UnmarshalTypeError after decoding every other field. Marshalling
// with v1 writes Extra as a nested "Extra" member (null when nil), while v2
// writes its entries back as top-level claims. Decode with the v2 package,
// as the verifier does, whenever Extra or Claim matters.
type Keycloak struct {
	Registered

	// Type is the typ claim: "Bearer" for access tokens, "ID", "Refresh"
	// or "Logout" for the other kinds Keycloak issues.
	Type string `json:"typ,omitempty"`
	// AuthorizedParty is the azp claim: the client the token was issued
	// to.
	AuthorizedParty string `json:"azp,omitempty"`
	// SessionID is the sid claim of newer Keycloak versions.
	SessionID string `json:"sid,omitempty"`
	// SessionState is the session_state claim of older Keycloak versions.
	SessionState string `json:"session_state,omitempty"`
	// AuthTime is the auth_time claim: when the user authenticated.
	AuthTime NumericDate `json:"auth_time,omitzero"`
	// ACR is the acr claim: the authentication context class ("0", "1",
	// ...).
	ACR string `json:"acr,omitempty"`
	// Scope is the space-delimited scope claim.
	Scope Scopes `json:"scope,omitempty"`
	// RealmAccess is the realm_access claim: the user's realm roles.
	RealmAccess Roles `json:"realm_access,omitzero"`
	// ResourceAccess is the resource_access claim: the user's roles per
	// client, keyed by client ID.
	ResourceAccess map[string]Roles `json:"resource_access,omitempty"`
	// AllowedOrigins is the allowed-origins claim: the web origins of the
	// client.
	AllowedOrigins []string `json:"allowed-origins,omitempty"`
	// PreferredUsername is the preferred_username claim.
	PreferredUsername string `json:"preferred_username,omitempty"`
	// Email is the email claim.
	Email string `json:"email,omitempty"`
	// EmailVerified is the email_verified claim.
	EmailVerified bool `json:"email_verified,omitzero"`
	// Name is the name claim: the user's full name.
	Name string `json:"name,omitempty"`
	// GivenName is the given_name claim.
	GivenName string `json:"given_name,omitempty"`
	// FamilyName is the family_name claim.
	FamilyName string `json:"family_name,omitempty"`

	// Extra holds every claim not named above, as decoded into an any:
	// strings, float64 numbers, bools, nil, []any and map[string]any. It
	// is filled by github.com/go-json-experiment/json only; see the type's
	// documentation for encoding/json.
	Extra map[string]any `json:",unknown"`
}

// Roles is the shape of Keycloak's realm_access and of each entry of
// resource_access: {"roles": [...]}.
type Roles struct {
	// Roles lists the role names.
	Roles []string `json:"roles,omitempty"`
}

// Has reports whether role is one of r's roles, compared exactly.
func (r Roles) Has(role string) bool {
	return slices.Contains(r.Roles, role)
}

// HasScope reports whether scope is in the space-delimited scope claim. It
// lets middleware.RequireScopes read the scopes of Keycloak claims and of any
// struct that embeds them.
func (k *Keycloak) HasScope(scope string) bool {
	return k.Scope.Has(scope)
}

// HasRealmRole reports whether role is in realm_access.roles.
func (k *Keycloak) HasRealmRole(role string) bool {
	return k.RealmAccess.Has(role)
}

// HasClientRole reports whether role is in resource_access.<client>.roles.
// It is false when the token has no roles for client.
func (k *Keycloak) HasClientRole(client, role string) bool {
	return k.ResourceAccess[client].Has(role)
}

// Claim returns the claim called name from Extra, and whether it is there.
// It finds only the claims the struct does not name; read the others from
// their fields.
func (k *Keycloak) Claim(name string) (any, bool) {
	v, ok := k.Extra[name]
	return v, ok
}

// Session returns the session the token belongs to: the sid claim, else
// session_state, else "".
func (k *Keycloak) Session() string {
	if k.SessionID != "" {
		return k.SessionID
	}
	return k.SessionState
}
