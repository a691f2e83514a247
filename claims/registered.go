package claims

// Registered holds the registered claim names of RFC 7519, section 4.1.
// Embed it in a claims struct to give that struct the registered claims and
// make a pointer to it a Carrier:
//
//	type MyClaims struct {
//		claims.Registered
//		TenantID string `json:"tenant_id"`
//	}
//
// A claim that is absent decodes to the field's zero value: "" for the
// strings, nil for Audience and the zero NumericDate (IsZero) for the
// times. Marshalling leaves zero fields out.
type Registered struct {
	// Issuer is the iss claim: who issued the token.
	Issuer string `json:"iss,omitempty"`
	// Subject is the sub claim: whom the token is about.
	Subject string `json:"sub,omitempty"`
	// Audience is the aud claim: whom the token is meant for.
	Audience Audience `json:"aud,omitempty"`
	// ExpiresAt is the exp claim: the token must not be accepted on or
	// after this time.
	ExpiresAt NumericDate `json:"exp,omitzero"`
	// NotBefore is the nbf claim: the token must not be accepted before
	// this time.
	NotBefore NumericDate `json:"nbf,omitzero"`
	// IssuedAt is the iat claim: when the token was issued.
	IssuedAt NumericDate `json:"iat,omitzero"`
	// ID is the jti claim: a unique identifier of the token.
	ID string `json:"jti,omitempty"`
}

// RegisteredClaims returns r itself. It makes *Registered, and a pointer to
// any struct that embeds Registered, a Carrier.
func (r *Registered) RegisteredClaims() *Registered { return r }

// Carrier is a claims type that carries the registered claims. Any struct
// embedding claims.Registered satisfies it through a pointer, and that is
// how a custom issuer's claims type works with the verifier: the verifier
// decodes the token payload into the caller's value once and, when
// any(c).(claims.Carrier) holds, checks exp, nbf, iss and aud on the
// Registered it returns instead of decoding the payload a second time.
//
// RegisteredClaims must return a pointer into the value itself, never a
// copy, so that what the verifier checks is what was decoded. A struct that
// embeds *Registered returns nil when the payload held no registered claim;
// the verifier then checks an empty Registered (no exp, iss or aud).
type Carrier interface {
	RegisteredClaims() *Registered
}
