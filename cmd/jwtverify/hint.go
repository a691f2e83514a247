package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/verify"
)

// hint explains a rejection with the token's own (unverified) values and
// the flags, so that the user sees what to change. It returns "" when it
// has nothing to add to the error.
func hint(ctx context.Context, o *options, k *keys, reason string, u *unverified, err error) string {
	var header, claims map[string]any
	if u != nil {
		header = decodeObject(u.Header)
		claims = decodeObject(u.Claims)
	}
	now := o.now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC().Truncate(time.Second)
	switch reason {
	case verify.ReasonExpired:
		if exp, ok := numericDate(claims["exp"]); ok {
			return fmt.Sprintf("exp is %s, %s before %s (leeway %s)", exp.Format(time.RFC3339), now.Sub(exp), now.Format(time.RFC3339), o.leeway)
		}
	case verify.ReasonNotYetValid:
		if nbf, ok := numericDate(claims["nbf"]); ok {
			return fmt.Sprintf("nbf is %s, %s after %s (leeway %s)", nbf.Format(time.RFC3339), nbf.Sub(now), now.Format(time.RFC3339), o.leeway)
		}
	case verify.ReasonIssuedInFuture:
		if iat, ok := numericDate(claims["iat"]); ok {
			return fmt.Sprintf("iat is %s, %s after %s (leeway %s): check the clocks", iat.Format(time.RFC3339), iat.Sub(now), now.Format(time.RFC3339), o.leeway)
		}
	case verify.ReasonIssuer:
		accepted := o.issuers
		if len(accepted) == 0 && o.oidc != "" {
			accepted = []string{o.oidc}
		}
		h := fmt.Sprintf("iss is %s; accepted: %s (-iss)", short(claims["iss"]), quoteList(accepted))
		if iss, ok := claims["iss"].(string); ok {
			for _, a := range accepted {
				if slashOnly(iss, a) {
					return h + fmt.Sprintf(": %q and %q differ only by a trailing slash, and iss is compared exactly; accept %q if that is the issuer", iss, a, iss)
				}
			}
		}
		return h
	case verify.ReasonAudience:
		return fmt.Sprintf("aud is %s; accepted: %s (-aud)", short(claims["aud"]), quoteList(o.audiences))
	case verify.ReasonAlgorithm:
		alg, _ := header["alg"].(string)
		if slices.Contains(o.algs, alg) {
			return fmt.Sprintf("alg %s is accepted but does not fit the key the token names (kid %s)", short(header["alg"]), short(header["kid"]))
		}
		return fmt.Sprintf("alg is %s; accepted: %s (-alg)", short(header["alg"]), strings.Join(o.algs, ","))
	case verify.ReasonTokenType:
		return fmt.Sprintf("typ is %s; accepted: %s (-typ)", short(header["typ"]), o.types.String())
	case verify.ReasonUnknownKey:
		kids := "none"
		if set, err := k.src.Keys(ctx); err == nil && len(set.KeyIDs()) > 0 {
			kids = quoteList(set.KeyIDs())
		}
		if _, ok := header["kid"]; !ok {
			if set, err := k.src.Keys(ctx); err == nil && !set.ServesTokensWithoutKID() {
				return fmt.Sprintf("the token has no kid, and the keys of %s all have one (%s): a token without kid is tried only against keys without kid or a set's only key, never searched for among several", k.where, kids)
			}
			return fmt.Sprintf("the token has no kid and no key from %s fits alg %s", k.where, short(header["alg"]))
		}
		if kid, ok := header["kid"].(string); ok {
			if ke := k.skippedKey(kid); ke != nil {
				if ke.Rule == "use-enc" {
					return fmt.Sprintf("kid %s names an encryption key (\"use\": \"enc\") of %s, not a signing key: it never verifies a signature; the signing kids are %s", short(kid), k.where, kids)
				}
				return fmt.Sprintf("kid %s names a key of %s that was refused: %v; the usable kids are %s", short(kid), k.where, ke, kids)
			}
		}
		return fmt.Sprintf("kid %s is not among the kids of %s: %s", short(header["kid"]), k.where, kids)
	case verify.ReasonSignature:
		return fmt.Sprintf("the signature does not verify with the key from %s: the token was signed with another key, or altered", k.where)
	case verify.ReasonKeysUnavailable:
		if h := k.issuerHint(o.oidc); h != "" {
			return h
		}
		return fmt.Sprintf("no keys from %s: check the URL and the network (plain http to another host needs -insecure-allow-http)", k.where)
	case verify.ReasonCanceled:
		return fmt.Sprintf("gave up after -timeout %s while getting keys from %s", o.timeout, k.where)
	}
	return ""
}

// slashOnly reports whether a and b differ, but only by a trailing slash.
func slashOnly(a, b string) bool {
	return a != b && strings.TrimSuffix(a, "/") == strings.TrimSuffix(b, "/")
}

// issuerHint explains a discovery document that names another issuer than
// -oidc, from what the source fetched; "" when there is none.
func (k *keys) issuerHint(oidc string) string {
	if oidc == "" {
		return ""
	}
	for _, doc := range k.rec.documents() {
		var d struct {
			Issuer  *string `json:"issuer"`
			JWKSURI *string `json:"jwks_uri"`
		}
		if json.Unmarshal(doc, &d) != nil || d.Issuer == nil || d.JWKSURI == nil || *d.Issuer == oidc {
			continue
		}
		if slashOnly(*d.Issuer, oidc) {
			return fmt.Sprintf("the discovery document names \"issuer\": %q, which differs from -oidc %s only by a trailing slash; the issuer is compared exactly, as tokens carry it: use -oidc %s", *d.Issuer, oidc, *d.Issuer)
		}
		return fmt.Sprintf("the discovery document names \"issuer\": %q, not -oidc %s: -oidc must be the issuer exactly as the provider names it", *d.Issuer, oidc)
	}
	return ""
}

// skippedKey returns the error of a key named kid that the key set skipped
// (an encryption key, a weak key, ...), or nil: from the JWKS file, or from
// the JWK Set a remote source fetched.
func (k *keys) skippedKey(kid string) *keysource.KeyError {
	skipped := k.skipped
	for _, doc := range k.rec.documents() {
		if _, s, err := keysource.ParseJWKS(doc); err == nil {
			skipped = append(skipped, s...)
		}
	}
	for _, err := range skipped {
		var ke *keysource.KeyError
		if errors.As(err, &ke) && ke.KID == kid {
			return ke
		}
	}
	return nil
}

func decodeObject(raw json.RawMessage) map[string]any {
	if raw == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if dec.Decode(&m) != nil {
		return nil
	}
	return m
}

// numericDate reads a JSON number of seconds.
func numericDate(v any) (time.Time, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return time.Time{}, false
	}
	f, err := n.Float64()
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(int64(f), 0).UTC(), true
}

// short renders a value from the token for a hint, cut to a sane length.
func short(v any) string {
	if v == nil {
		return "absent"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	if len(b) > 120 {
		return string(b[:117]) + "..."
	}
	return string(b)
}

func quoteList(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	b, _ := json.Marshal(list)
	return string(b)
}
