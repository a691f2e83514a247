package middleware

import (
	"context"

	"github.com/jwtguard/jwtguard/dpop"
)

// principalKey is the one context key of the package. Its value is an
// identity: a *principal[C] for a verified token, or an anonymous for a
// request let through without one (Config.Optional).
type principalKey struct{}

// identity is what Require checks need from the context without knowing
// the claims type.
type identity interface {
	settings() *shared
	// authenticated reports whether a verified token is present.
	authenticated() bool
	// scope reports whether the claims grant scope; known is false when
	// the claims type has no scopes at all.
	scope(scope string) (has, known bool)
	// role is scope's counterpart for roles; client "" means a realm role.
	role(client, role string) (has, known bool)
	rawToken() string
	// dpopProof is the token's DPoP proof, nil when it came without one.
	dpopProof() *dpop.Proof
}

var (
	_ identity = (*principal[struct{}])(nil)
	_ identity = (*anonymous)(nil)
)

// principal is a verified token and its claims.
type principal[C any] struct {
	claims *C
	token  string
	proof  *dpop.Proof // nil unless the token came with the DPoP scheme
	m      *Middleware[C]
}

func (p *principal[C]) settings() *shared      { return p.m.shared }
func (p *principal[C]) authenticated() bool    { return true }
func (p *principal[C]) rawToken() string       { return p.token }
func (p *principal[C]) dpopProof() *dpop.Proof { return p.proof }
func (p *principal[C]) scope(s string) (bool, bool) {
	if p.m.hasScope == nil {
		return false, false
	}
	return p.m.hasScope(p.claims, s), true
}

func (p *principal[C]) role(client, r string) (bool, bool) {
	if p.m.hasRole == nil {
		return false, false
	}
	return p.m.hasRole(p.claims, client, r), true
}

// anonymous marks a request the middleware let through without a token:
// optional mode, or a CORS preflight.
type anonymous struct {
	s *shared
}

func (a anonymous) settings() *shared              { return a.s }
func (anonymous) authenticated() bool              { return false }
func (anonymous) rawToken() string                 { return "" }
func (anonymous) dpopProof() *dpop.Proof           { return nil }
func (anonymous) scope(string) (bool, bool)        { return false, true }
func (anonymous) role(string, string) (bool, bool) { return false, true }

// ClaimsFrom returns the claims of the verified token of the request whose
// context is ctx, and true; or nil and false when no Middleware[C] verified
// a token for it (no middleware, optional mode without a token, or a
// middleware of another claims type). It does not allocate. The claims are
// shared by the request's handlers: treat them as read-only.
func ClaimsFrom[C any](ctx context.Context) (*C, bool) {
	p, ok := ctx.Value(principalKey{}).(*principal[C])
	if !ok {
		return nil, false
	}
	return p.claims, true
}

// TokenFrom returns the raw verified token of the request whose context is
// ctx, and true; or "" and false when no token was verified for it. Use it
// to call another service on the user's behalf; never log it. It does not
// allocate.
func TokenFrom(ctx context.Context) (string, bool) {
	id, ok := ctx.Value(principalKey{}).(identity)
	if !ok || !id.authenticated() {
		return "", false
	}
	return id.rawToken(), true
}

func identityFrom(ctx context.Context) identity {
	id, _ := ctx.Value(principalKey{}).(identity)
	return id
}

// DPoPProofFrom returns the DPoP proof that came with the verified token
// of the request whose context is ctx, and true; or nil and false when the
// token came without one (as a bearer token) or no token was verified.
// Proof.JKT is the thumbprint of the key the token is bound to.
func DPoPProofFrom(ctx context.Context) (*dpop.Proof, bool) {
	id, ok := ctx.Value(principalKey{}).(identity)
	if !ok {
		return nil, false
	}
	p := id.dpopProof()
	return p, p != nil
}
