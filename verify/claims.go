package verify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/claimsdec"
)

// carrier is claims.Carrier: a claims type that exposes its embedded
// registered claims, so they are read without decoding the payload twice.
type carrier = claims.Carrier

// decodeClaims decodes the payload into a new C and runs every claim check.
// It runs only after the signature has been verified.
func (v *Verifier[C]) decodeClaims(ctx context.Context, raw []byte) (*C, *claims.Registered, error) {
	if err := checkDepth(raw); err != nil {
		return nil, nil, err
	}
	c := new(C)
	if err := decodeJSON(raw, c); err != nil {
		return nil, nil, err
	}
	var reg *claims.Registered
	if v.carrier {
		reg = any(c).(carrier).RegisteredClaims()
		if reg == nil {
			// An embedded *claims.Registered stays nil when the payload
			// has no registered claim: check it as an empty one.
			reg = new(claims.Registered)
		}
	} else {
		reg = new(claims.Registered)
		if err := decodeJSON(raw, reg); err != nil {
			return nil, nil, err
		}
	}
	if err := v.s.checkRegistered(reg); err != nil {
		return nil, nil, err
	}
	if len(v.s.required) > 0 {
		if err := requireClaims(raw, v.s.required); err != nil {
			return nil, nil, err
		}
	}
	if err := v.validate(ctx, c); err != nil {
		return nil, nil, err
	}
	return c, reg, nil
}

// fastClaims turns on claimsdec for the claims types it decodes; the
// differential fuzz target of claimsdec holds it to go-json-experiment,
// and tests turn it off to compare the two through the whole verifier.
var fastClaims = true

// decodeJSON decodes a verified payload into dst, a new value: with
// claimsdec for the claims types it knows, else with go-json-experiment.
// Both refuse the same inputs the same way (ErrMalformed for broken JSON,
// duplicate names and invalid UTF-8, ErrClaims for a wrong type). Strings
// decoded by claimsdec point into raw, which is never reused.
func decodeJSON(raw []byte, dst any) error {
	if fastClaims {
		handled, err := claimsdec.Decode(raw, dst)
		if handled && err == nil {
			return nil
		}
		if handled {
			// A refusal (of a signed token) is rare: go-json-experiment
			// decodes it again into a fresh value for its detailed
			// message. It refuses it too, the same way; should it ever
			// not, the token is refused all the same.
			fresh := reflect.New(reflect.TypeOf(dst).Elem()).Interface()
			if jerr := json.Unmarshal(raw, fresh); jerr != nil {
				return jsonError(jerr, "claims")
			}
			if errors.Is(err, claimsdec.ErrSyntax) {
				return fmt.Errorf("%w: claims are not strict JSON", ErrMalformed)
			}
			return fmt.Errorf("%w: a claim has the wrong type or value", ErrClaims)
		}
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return jsonError(err, "claims")
	}
	return nil
}

// validate runs the claims type's Validate method and the Validators.
func (v *Verifier[C]) validate(ctx context.Context, c *C) error {
	if v.validates {
		if err := any(c).(validator).Validate(ctx); err != nil {
			return fmt.Errorf("%w: %w", ErrClaims, err)
		}
	}
	for _, f := range v.s.validators {
		if err := f(ctx, c); err != nil {
			return fmt.Errorf("%w: %w", ErrClaims, err)
		}
	}
	return nil
}

// checkRegistered applies the time, issuer and audience rules.
func (s *settings[C]) checkRegistered(r *claims.Registered) error {
	if err := s.checkTimes(r.ExpiresAt.Time, r.NotBefore.Time, r.IssuedAt.Time); err != nil {
		return err
	}
	if !s.skipIss {
		if r.Issuer == "" {
			return fmt.Errorf("%w: %q", ErrMissingClaim, "iss")
		}
		if !slices.Contains(s.issuers, r.Issuer) {
			return fmt.Errorf("%w: %q", ErrIssuer, printable(r.Issuer))
		}
	}
	if !s.skipAud {
		if len(r.Audience) == 0 {
			return fmt.Errorf("%w: %q", ErrMissingClaim, "aud")
		}
		if !slices.ContainsFunc(r.Audience, func(a string) bool { return slices.Contains(s.audiences, a) }) {
			return ErrAudience
		}
	}
	return nil
}

// checkTimes applies the rules on exp, nbf and iat (zero when absent) to the
// current time. A cache hit checks them again, since time has passed (see
// timeWindow).
func (s *settings[C]) checkTimes(exp, nbf, iat time.Time) error {
	return s.checkTimesAt(s.now(), exp, nbf, iat)
}

// checkTimesAt is checkTimes at the time now. timeWindow must pass exactly
// when it returns nil: a change here is a change there.
func (s *settings[C]) checkTimesAt(now, exp, nbf, iat time.Time) error {
	if exp.IsZero() {
		if !s.allowNoExp {
			return fmt.Errorf("%w: %q", ErrMissingClaim, "exp")
		}
	} else if !now.Before(exp.Add(s.leeway)) {
		return ErrExpired
	}
	if !nbf.IsZero() && now.Before(nbf.Add(-s.leeway)) {
		return ErrNotYetValid
	}
	if !iat.IsZero() && now.Before(iat.Add(-s.leeway)) {
		return ErrIssuedInFuture
	}
	if s.maxAge > 0 {
		if iat.IsZero() {
			return fmt.Errorf("%w: %q", ErrMissingClaim, "iat")
		}
		if now.After(iat.Add(s.maxAge + s.leeway)) {
			return ErrTooOld
		}
	}
	return nil
}

// requireClaims checks that every name in want is a top-level member of
// the claims object.
func requireClaims(raw []byte, want []string) error {
	found := make([]bool, len(want))
	dec := jsontext.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return fmt.Errorf("%w: claims are not a JSON object", ErrClaims)
	}
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return jsonError(err, "claims")
		}
		if i := slices.Index(want, tok.String()); i >= 0 {
			found[i] = true
		}
		if err := dec.SkipValue(); err != nil {
			return jsonError(err, "claims")
		}
	}
	for i, ok := range found {
		if !ok {
			return fmt.Errorf("%w: %q", ErrMissingClaim, want[i])
		}
	}
	return nil
}
