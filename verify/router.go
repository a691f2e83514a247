package verify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// TokenVerifier is anything that verifies a token into claims of type C: a
// *Verifier, a Router, or a remote token checker.
type TokenVerifier[C any] interface {
	Verify(ctx context.Context, token string) (*C, error)
}

// Router accepts tokens from several issuers. It reads the token's "iss"
// without trusting it, picks the verifier configured for exactly that
// issuer, and lets that verifier check the token strictly with its own keys
// and rules; a verifier never sees another issuer's tokens, so one issuer's
// keys can never vouch for another's claims. A token whose iss is not
// configured fails with ErrIssuer before any key is looked up or fetched.
//
// A Router remembers which route accepted a token (from the second time
// it does, as a Verifier stores tokens), so a token seen again goes
// straight to that route, without its payload being decoded again
// (the route then answers from its own cache, see Verifier.Verify). Only
// the Router's own routing decisions are remembered, for the exact token
// (its hash finds the entry, the whole token confirms it), so a token is
// always answered by the route its iss names. An entry goes when the route
// refuses the token, when the token expires (judged by the clock of one of
// the routes) and by the same eviction as the verifiers' caches; the
// Router holds as many entries as its routes' caches together (a route
// that is not a *Verifier counts DefaultCacheSize), none when every route
// is a *Verifier whose cache is off.
type Router[C any] struct {
	routes   map[string]TokenVerifier[C]
	maxBytes int
	// cache maps tokens to the route that accepted them; nil when off.
	cache *tokenCache[TokenVerifier[C]]
	// leeway is added to a token's exp for its entry's deadline: the
	// largest of the routes'.
	leeway time.Duration
	now    func() time.Time
}

// NewRouter returns a Router over routes, keyed by the exact "iss" value.
// It reads tokens up to the largest MaxTokenBytes of its *Verifier routes
// (DefaultMaxTokenBytes at least).
// Each route's verifier should itself require that issuer (a *Verifier
// built with Issuers: []string{iss}), so the routing decision is checked
// again once the signature has been verified.
func NewRouter[C any](routes map[string]TokenVerifier[C]) (*Router[C], error) {
	if len(routes) == 0 {
		return nil, errors.New("verify: NewRouter needs at least one route")
	}
	r := &Router[C]{routes: make(map[string]TokenVerifier[C], len(routes)), maxBytes: DefaultMaxTokenBytes}
	size := 0
	for _, iss := range slices.Sorted(maps.Keys(routes)) {
		v := routes[iss]
		if iss == "" {
			return nil, errors.New("verify: NewRouter: empty issuer")
		}
		if v == nil {
			return nil, fmt.Errorf("verify: NewRouter: nil verifier for issuer %q", iss)
		}
		r.routes[iss] = v
		// Read tokens as long as the most generous route accepts; each
		// route still applies its own limit.
		if sl, ok := v.(interface{ maxTokenBytes() int }); ok {
			r.maxBytes = max(r.maxBytes, sl.maxTokenBytes())
		}
		rc, ok := v.(interface {
			routeCache() (size int, leeway time.Duration, now func() time.Time)
		})
		if !ok {
			size += DefaultCacheSize
			continue
		}
		n, leeway, now := rc.routeCache()
		size += max(0, n)
		r.leeway = max(r.leeway, leeway)
		if r.now == nil {
			r.now = now
		}
	}
	if r.now == nil {
		r.now = time.Now
	}
	if size > 0 {
		r.cache = newTokenCache[TokenVerifier[C]](size)
	}
	return r, nil
}

// Verify routes the token by its unverified "iss" and returns what that
// issuer's verifier returns. A token a route accepted before goes to that
// route without being decoded.
func (r *Router[C]) Verify(ctx context.Context, token string) (*C, error) {
	if r.cache != nil {
		if v := r.cache.get(token); v != nil {
			c, err := (*v).Verify(ctx, token)
			if err != nil {
				r.cache.remove(token)
			}
			return c, err
		}
	}
	v, p, err := r.route(token)
	if err != nil {
		return nil, err
	}
	c, err := v.Verify(ctx, token)
	if err == nil && r.cache != nil && r.cache.admit(token) {
		r.cache.put(token, v, r.deadline(p), r.now())
	}
	return c, err
}

// route returns the route named by the token's unverified "iss", and what
// was read from the payload.
func (r *Router[C]) route(token string) (TokenVerifier[C], peeked, error) {
	p, err := unverifiedClaims(token, r.maxBytes)
	if err != nil {
		return nil, p, wrap(err)
	}
	if !p.hasIss {
		return nil, p, wrap(fmt.Errorf("%w: %q", ErrMissingClaim, "iss"))
	}
	v, ok := r.routes[p.iss]
	if !ok {
		return nil, p, wrap(fmt.Errorf("%w: %q is not a configured issuer", ErrIssuer, printable(p.iss)))
	}
	return v, p, nil
}

// deadline is when a route is sure to refuse the token: exp plus the
// largest leeway (the zero time when it has no exp, or one out of range).
// The route has verified the token, so the exp read unverified is the one
// it checked.
func (r *Router[C]) deadline(p peeked) time.Time {
	if !p.hasExp || p.exp <= 0 || p.exp >= 1<<40 {
		return time.Time{}
	}
	sec, frac := math.Modf(p.exp)
	return time.Unix(int64(sec), int64(frac*1e9)).Add(r.leeway)
}

// VerifyBound routes the token as Verify does and hands it, with its
// proof of possession, to that issuer's verifier. A route that cannot
// check a binding (it is not a BoundVerifier) gets the token through its
// Verify when only a client certificate came with it (the route must refuse
// bound tokens itself), and fails with ErrBinding when a DPoP proof came.
func (r *Router[C]) VerifyBound(ctx context.Context, token string, b Binding) (*C, error) {
	if b == (Binding{}) {
		return r.Verify(ctx, token)
	}
	v, _, err := r.route(token)
	if err != nil {
		return nil, err
	}
	if bv, ok := v.(BoundVerifier[C]); ok {
		return bv.VerifyBound(ctx, token, b)
	}
	if b.DPoPThumbprint == "" {
		// Only a client certificate came with the token: a route that
		// cannot check bindings decides alone, and must refuse a token
		// bound to anything (as Verify and remotecheck do), since it never
		// sees the certificate.
		return v.Verify(ctx, token)
	}
	return nil, wrap(fmt.Errorf("%w: the verifier of this issuer cannot check a DPoP proof", ErrBinding))
}

// UnverifiedIssuer returns the "iss" claim of a compact JWS WITHOUT
// checking anything but the token's shape and the strictness of its JSON.
// It is for routing only: never trust the value. A missing iss is
// ErrMissingClaim, a non-string iss ErrClaims.
func UnverifiedIssuer(token string, maxBytes int) (string, error) {
	p, err := unverifiedClaims(token, maxBytes)
	if err != nil {
		return "", err
	}
	if !p.hasIss {
		return "", fmt.Errorf("%w: %q", ErrMissingClaim, "iss")
	}
	return p.iss, nil
}

// unverifiedClaims reads iss and exp from a compact JWS WITHOUT checking
// anything but the token's shape and the strictness of its JSON.
func unverifiedClaims(token string, maxBytes int) (peeked, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxTokenBytes
	}
	c, err := splitCompact(token, maxBytes)
	if err != nil {
		return peeked{}, err
	}
	raw, err := decodeSegment(nil, c.payload)
	if err != nil {
		return peeked{}, err
	}
	return peekPayload(raw)
}

// peeked holds the claims read from a payload whose signature has not been
// checked. They may only ever make a verifier refuse a token or route it.
type peeked struct {
	iss            string
	hasIss, hasExp bool
	exp            float64
}

// peekPayload reads iss and exp from a decoded payload with the same strict
// JSON rules as the verifier (duplicate names, invalid UTF-8 and trailing
// data are refused).
func peekPayload(raw []byte) (peeked, error) {
	var p peeked
	if err := checkDepth(raw); err != nil {
		return p, err
	}
	dec := jsontext.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return p, fmt.Errorf("%w: claims are not a JSON object", ErrMalformed)
	}
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return p, jsonError(err, "claims")
		}
		switch name.String() {
		case "iss":
			val, err := dec.ReadToken()
			if err != nil {
				return p, jsonError(err, "claims")
			}
			if val.Kind() != '"' || val.String() == "" {
				return p, fmt.Errorf("%w: claim \"iss\" is not a non-empty string", ErrClaims)
			}
			p.iss, p.hasIss = val.String(), true
		case "exp":
			val, err := dec.ReadToken()
			if err != nil {
				return p, jsonError(err, "claims")
			}
			if val.Kind() != '0' {
				return p, fmt.Errorf("%w: claim \"exp\" is not a number", ErrClaims)
			}
			p.exp, p.hasExp = val.Float(), true
		default:
			if err := dec.SkipValue(); err != nil {
				return p, jsonError(err, "claims")
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return p, jsonError(err, "claims")
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return p, fmt.Errorf("%w: data after the claims object", ErrMalformed)
	}
	return p, nil
}

// unverifiedExpired reports whether the payload's unverified exp lies
// beyond the leeway. Any doubt (no exp, bad JSON) answers false, leaving
// the decision to the full checks.
func (s *settings[C]) unverifiedExpired(payload []byte) bool {
	p, err := peekPayload(payload)
	if err != nil || !p.hasExp {
		return false
	}
	// In float seconds, which cannot overflow for any JSON number.
	now := float64(s.now().UnixNano()) / 1e9
	return now >= p.exp+s.leeway.Seconds()
}
