package verify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

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
type Router[C any] struct {
	routes   map[string]TokenVerifier[C]
	maxBytes int
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
	for iss, v := range routes {
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
	}
	return r, nil
}

// Verify routes the token by its unverified "iss" and returns what that
// issuer's verifier returns.
func (r *Router[C]) Verify(ctx context.Context, token string) (*C, error) {
	iss, err := UnverifiedIssuer(token, r.maxBytes)
	if err != nil {
		return nil, wrap(err)
	}
	v, ok := r.routes[iss]
	if !ok {
		return nil, wrap(fmt.Errorf("%w: %q is not a configured issuer", ErrIssuer, printable(iss)))
	}
	return v.Verify(ctx, token)
}

// VerifyBound routes the token as Verify does and hands it, with its
// proof of possession, to that issuer's verifier. A route that cannot
// check a binding (it is not a BoundVerifier) accepts only tokens that came
// without one; with a proof it fails with ErrBinding.
func (r *Router[C]) VerifyBound(ctx context.Context, token string, b Binding) (*C, error) {
	if b == (Binding{}) {
		return r.Verify(ctx, token)
	}
	iss, err := UnverifiedIssuer(token, r.maxBytes)
	if err != nil {
		return nil, wrap(err)
	}
	v, ok := r.routes[iss]
	if !ok {
		return nil, wrap(fmt.Errorf("%w: %q is not a configured issuer", ErrIssuer, printable(iss)))
	}
	if bv, ok := v.(BoundVerifier[C]); ok {
		return bv.VerifyBound(ctx, token, b)
	}
	return nil, wrap(fmt.Errorf("%w: the verifier of this issuer cannot check a proof of possession", ErrBinding))
}

// UnverifiedIssuer returns the "iss" claim of a compact JWS WITHOUT
// checking anything but the token's shape and the strictness of its JSON.
// It is for routing only: never trust the value. A missing iss is
// ErrMissingClaim, a non-string iss ErrClaims.
func UnverifiedIssuer(token string, maxBytes int) (string, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxTokenBytes
	}
	c, err := splitCompact(token, maxBytes)
	if err != nil {
		return "", err
	}
	raw, err := decodeSegment(nil, c.payload)
	if err != nil {
		return "", err
	}
	p, err := peekPayload(raw)
	if err != nil {
		return "", err
	}
	if !p.hasIss {
		return "", fmt.Errorf("%w: %q", ErrMissingClaim, "iss")
	}
	return p.iss, nil
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
