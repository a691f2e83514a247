package profile

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/verify"
)

// Member is a profile that Multi can route to: any *Profile[C] whose
// Issuer is set (Keycloak, Ansira, and Erply with ErplyConfig.Issuer).
type Member interface {
	multiRoute() (memberRoute, error)
}

// memberRoute is what Multi takes from a member.
type memberRoute struct {
	issuer   string
	verifier verify.TokenVerifier[Principal]
	places   []string
	ready    func(context.Context) error
	sources  []keysource.Source
	close    func() error
}

func (p *Profile[C]) multiRoute() (memberRoute, error) {
	if p.issuer == "" {
		return memberRoute{}, fmt.Errorf("%w: Multi routes by iss, and a member profile checks none (set ErplyConfig.Issuer)", ErrConfig)
	}
	if p.Verifier == nil {
		return memberRoute{}, fmt.Errorf("%w: Multi: member profile for %q has no Verifier", ErrConfig, p.issuer)
	}
	return memberRoute{
		issuer:   p.issuer,
		verifier: principalVerifier[C]{v: p.Verifier, issuer: p.issuer},
		places:   p.places,
		ready:    p.Ready,
		sources:  p.KeySources(),
		close:    p.Close,
	}, nil
}

// principalVerifier adapts a member's verifier to Principal.
type principalVerifier[C any] struct {
	v      verify.TokenVerifier[C]
	issuer string
}

func (pv principalVerifier[C]) Verify(ctx context.Context, token string) (*Principal, error) {
	c, err := pv.v.Verify(ctx, token)
	if err != nil {
		return nil, err
	}
	return newPrincipal(pv.issuer, c), nil
}

// VerifyBound hands the request's proof of possession (DPoP key, client
// certificate) to the member's verifier, so that verify.Router, which gives
// a binding only to a route that is a verify.BoundVerifier, can check a
// member's sender-constrained tokens. A member whose verifier cannot check
// a binding refuses every token that came with one (verify.ErrBinding), as
// verify.Router does.
func (pv principalVerifier[C]) VerifyBound(ctx context.Context, token string, b verify.Binding) (*Principal, error) {
	bv, ok := pv.v.(verify.BoundVerifier[C])
	if !ok {
		return nil, &verify.Error{Reason: verify.ReasonBinding,
			Err: fmt.Errorf("%w: the verifier of issuer %q cannot check a proof of possession", verify.ErrBinding, pv.issuer)}
	}
	c, err := bv.VerifyBound(ctx, token, b)
	if err != nil {
		return nil, err
	}
	return newPrincipal(pv.issuer, c), nil
}

// Multi returns one profile over the issuers of several profiles, e.g. two
// Keycloak realms and Erply. Its verifier is a verify.Router: it reads a
// token's "iss" WITHOUT trusting it, hands the token to the one member that
// requires exactly that issuer, and that member checks it completely with
// its own keys and rules. So one issuer's keys never verify another
// issuer's token, and a token whose iss belongs to no member fails with
// verify.ErrIssuer before any key is fetched.
//
// The claims are a Principal: the issuer and the member's claims. Tokens
// are read from every place any member reads them (Erply's "jwt" header
// included). StatusByReason and HasScope are nil (Principal answers scope
// checks itself); a member's StatusByReason is not carried over, since it
// would apply to every issuer's tokens: set it on the result if wanted.
//
// The Multi profile owns its members from then on: its Close closes them
// all, and its Ready waits for them all. When Multi fails, the members
// stay the caller's to close.
func Multi(members ...Member) (*Profile[Principal], error) {
	if len(members) == 0 {
		return nil, fmt.Errorf("%w: Multi needs at least one member", ErrConfig)
	}
	routes := make(map[string]verify.TokenVerifier[Principal], len(members))
	p := &Profile[Principal]{}
	for _, m := range members {
		if m == nil {
			return nil, fmt.Errorf("%w: Multi: nil member", ErrConfig)
		}
		r, err := m.multiRoute()
		if err != nil {
			return nil, err
		}
		if _, dup := routes[r.issuer]; dup {
			return nil, fmt.Errorf("%w: Multi: two members for issuer %q", ErrConfig, r.issuer)
		}
		routes[r.issuer] = r.verifier
		for _, pl := range r.places {
			if !slices.Contains(p.places, pl) {
				p.places = append(p.places, pl)
			}
		}
		p.ready = append(p.ready, r.ready)
		p.sources = append(p.sources, r.sources...)
		p.closers = append(p.closers, r.close)
	}
	router, err := verify.NewRouter(routes)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	p.Verifier = router
	for _, pl := range p.places {
		p.Extractors = append(p.Extractors, extractorAt(pl))
	}
	return p, nil
}

// placeBearer is the place of middleware.BearerHeader.
const placeBearer = "authorization: bearer"

// headerPlace is the place of middleware.Header(name).
func headerPlace(name string) string { return "header " + http.CanonicalHeaderKey(name) }

// extractorAt returns the extractor for a place.
func extractorAt(place string) middleware.Extractor {
	if place == placeBearer {
		return middleware.BearerHeader()
	}
	return middleware.Header(place[len("header "):])
}
