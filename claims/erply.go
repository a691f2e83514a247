package claims

// Erply holds the claims of a token issued by Erply's identity service. A
// *Erply is a Carrier through the embedded Registered.
//
// Erply does not publish its claim names. The JSON names below (clientCode,
// username, permissions) are ASSUMPTIONS, not names taken from Erply's
// documentation: check them against a real token before relying on them.
// A claim Erply sends under another name is still available through Claim
// (with the v2 decoder), or decode into Map or a struct of your own that
// embeds Registered.
//
// Every claim the struct does not name lands in Extra, which is filled by
// github.com/go-json-experiment/json (the verifier's decoder) through the
// ,unknown tag option, and left nil by encoding/json, where a claim named
// "Extra" in any letter case is decoded into the field itself, exactly as
// for Keycloak; see Keycloak for the details.
type Erply struct {
	Registered

	// ClientCode is the account (client code) the token is for, from the
	// assumed claim clientCode; it must match the account the service
	// expects. It accepts a JSON string or integer (see Code).
	ClientCode Code `json:"clientCode,omitempty"`
	// Username is the user's name, from the assumed claim username.
	Username string `json:"username,omitempty"`
	// Permissions are the user's permissions, from the assumed claim
	// permissions. It is not an OAuth scope claim, and its shape is not
	// documented either, so it accepts an array of strings or a string
	// separated by commas or spaces (CommaScopes): Erply permission names
	// are identifiers that hold neither.
	Permissions CommaScopes `json:"permissions,omitempty"`

	// Extra holds every claim not named above, as decoded into an any. It
	// is filled by github.com/go-json-experiment/json only.
	Extra map[string]any `json:",unknown"`
}

// Claim returns the claim called name from Extra, and whether it is there.
// It finds only the claims the struct does not name; read the others from
// their fields.
func (e *Erply) Claim(name string) (any, bool) {
	v, ok := e.Extra[name]
	return v, ok
}
