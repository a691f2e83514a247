package verify

import (
	"context"
	"fmt"
)

// Binding is the proof of possession that came with a token in a request,
// already checked by the caller: the key of a DPoP proof (RFC 9449) and the
// TLS client certificate (RFC 8705). A token whose "cnf" claim binds it to
// a key or a certificate is accepted only with the matching Binding, and a
// bound token presented without one (a plain Bearer token) is refused with
// ErrBinding, never downgraded to a bearer token.
type Binding struct {
	// DPoPThumbprint is the RFC 7638 SHA-256 thumbprint (base64url, no
	// padding) of the public key of a DPoP proof that the caller has
	// verified for this request and this token (htm, htu, iat, jti, ath).
	// Empty when the token came without a DPoP proof. A non-empty value
	// requires the token to carry the same "cnf.jkt".
	DPoPThumbprint string
	// CertThumbprint is the base64url (no padding) SHA-256 of the DER of
	// the TLS client certificate the request came with. Empty when there
	// is none. A token with "cnf.x5t#S256" requires the same value; a
	// token without it ignores the certificate.
	CertThumbprint string
}

// BoundVerifier verifies a token together with the proof of possession
// that came with it. *Verifier and *Router implement it.
type BoundVerifier[C any] interface {
	VerifyBound(ctx context.Context, token string, b Binding) (*C, error)
}

// check applies RFC 9449 section 7.1 and RFC 8705 section 3 to a
// verified token's cnf and the request's binding.
func (c *confirmation) check(b Binding) error {
	if c.present && c.jkt == "" && c.x5t == "" {
		return fmt.Errorf("%w: cnf names no confirmation method this verifier can check (jkt, x5t#S256)", ErrBinding)
	}
	switch {
	case c.jkt != "" && b.DPoPThumbprint == "":
		return fmt.Errorf("%w: the token is bound to a DPoP key (cnf.jkt) and came without a DPoP proof", ErrBinding)
	case c.jkt != "" && b.DPoPThumbprint != c.jkt:
		return fmt.Errorf("%w: the DPoP proof's key is not the key the token is bound to (cnf.jkt)", ErrBinding)
	case c.jkt == "" && b.DPoPThumbprint != "":
		return fmt.Errorf("%w: a DPoP proof came with a token that is not bound to a DPoP key (no cnf.jkt)", ErrBinding)
	}
	switch {
	case c.x5t != "" && b.CertThumbprint == "":
		return fmt.Errorf("%w: the token is bound to a client certificate (cnf.x5t#S256) and came without one", ErrBinding)
	case c.x5t != "" && b.CertThumbprint != c.x5t:
		return fmt.Errorf("%w: the client certificate is not the one the token is bound to (cnf.x5t#S256)", ErrBinding)
	}
	return nil
}
