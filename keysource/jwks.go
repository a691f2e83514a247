package keysource

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jwtguard/jwtguard/internal/jose"
)

// Rules a JWK breaks, as KeyError.Rule, beside those of NewKey.
const (
	ruleMalformed   = "malformed"     // not strict JSON, a member missing or of the wrong form
	rulePrivate     = "private-key"   // carries private key members
	ruleUseEnc      = "use-enc"       // "use": "enc"
	ruleUse         = "use"           // "use" neither "sig" nor "enc"
	ruleKeyOps      = "key-ops"       // "key_ops" without "verify"
	ruleAlg         = "alg"           // "alg" not a supported JWS signature algorithm
	ruleUnsupported = "unsupported"   // key type or curve not supported
	ruleECPoint     = "ec-point"      // EC point off its curve (also a NewKey rule)
	ruleDuplicate   = "duplicate-kid" // kid shared with another key of the set
)

// alsoError is a *KeyError that also matches a second sentinel (ErrMalformed
// or ErrDuplicateKID) with errors.Is.
type alsoError struct {
	*KeyError
	also error
}

func (e alsoError) Unwrap() []error { return []error{e.KeyError, e.also} }

// ParseJWKS parses a JWK Set document (RFC 7517 section 5) leniently: each key
// that is unusable is skipped and reported in skipped, and the others are
// returned in document order. err, wrapping ErrMalformed, is only for a
// document that is not a JWK Set at all: not a strict JSON object with one
// "keys" array (duplicate names and invalid UTF-8 are refused at the top
// level), or more than 1000 keys.
//
// A key is skipped, and reported as a *KeyError naming its kid, its index in
// "keys" and the rule, when it
//   - is not a strict JSON object, lacks a member or has one of the wrong
//     form (rule "malformed"; the error also matches ErrMalformed);
//   - carries private key members ("private-key");
//   - has "use": "enc" ("use-enc") or another use than "sig" ("use");
//   - has "key_ops" without "verify" ("key-ops");
//   - is of an unsupported type or curve: Ed448, X25519, X448, secp256k1,
//     "AKP" post-quantum keys ("unsupported");
//   - has an "alg" that is not a supported JWS signature algorithm, such as
//     RSA-OAEP, RSA-OAEP-256, A256GCM or A256KW: this is how AES keys are
//     skipped ("alg");
//   - breaks a rule of NewKey (its rule names, e.g. "rsa-min-bits",
//     "ec-point", "hmac-min-bytes", "alg-mismatch");
//   - shares its kid with another key ("duplicate-kid"; the error also
//     matches ErrDuplicateKID): a repeat of the same material and alg keeps
//     the first copy; different keys under one kid are all skipped, since
//     which one the issuer signs with is ambiguous. A key refused by another
//     rule counts (a malformed member may be the key the issuer meant),
//     except one declared for another purpose by "use", "key_ops" or
//     "alg": a Keycloak "enc" key may share its signing key's kid.
//
// Every skipped error matches ErrInvalidKey. Mixing HMAC secrets with
// asymmetric keys is a property of the whole set, which NewSet refuses.
func ParseJWKS(data []byte) (keys []*Key, skipped []error, err error) {
	members, err := jose.SplitJWKSet(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s", ErrMalformed, strings.TrimPrefix(err.Error(), "jose: malformed JWK: "))
	}
	type parsed struct {
		key   *Key
		index int
	}
	good := make([]parsed, 0, len(members))
	// claims[kid] counts the members that may be meant by a token's kid:
	// usable keys, and keys skipped for any reason but a declared
	// non-signature purpose (another "use", "key_ops" or "alg"). A
	// malformed or weak key under a good key's kid makes that kid
	// ambiguous: which of the two the issuer signs with cannot be told.
	claims := make(map[string]int)
	for i, m := range members {
		k, err := parseJWK(i, m)
		if err != nil {
			skipped = append(skipped, err)
			var ke *KeyError
			if errors.As(err, &ke) && ke.KID != "" && !purposeRule(ke.Rule) {
				claims[ke.KID]++
			}
			continue
		}
		good = append(good, parsed{k, i})
		if k.id != "" {
			claims[k.id]++
		}
	}

	// first[kid] is the position in good of the first usable key with kid;
	// a kid is ambiguous when it also names a refused key, or usable keys
	// that differ in material or alg.
	first := make(map[string]int, len(good))
	ambiguous := make(map[string]bool)
	usable := make(map[string]int)
	for i, p := range good {
		kid := p.key.id
		if kid == "" {
			continue
		}
		usable[kid]++
		j, seen := first[kid]
		if !seen {
			first[kid] = i
			continue
		}
		if q := good[j].key; !q.SameMaterial(p.key) || q.alg != p.key.alg {
			ambiguous[kid] = true
		}
	}
	for kid, n := range usable {
		if claims[kid] > n {
			ambiguous[kid] = true
		}
	}
	keys = make([]*Key, 0, len(good))
	for i, p := range good {
		kid := p.key.id
		j := first[kid]
		switch {
		case kid == "" || (j == i && !ambiguous[kid]):
			keys = append(keys, p.key)
			continue
		case ambiguous[kid]:
			skipped = append(skipped, duplicateErr(kid, p.index, "kid %q names %d keys in the set that are not the same key; none of them is used", kid, claims[kid]))
		default:
			skipped = append(skipped, duplicateErr(kid, p.index, "repeats key #%d", good[j].index))
		}
	}
	slices.SortStableFunc(skipped, func(a, b error) int { return indexOf(a) - indexOf(b) })
	return keys, skipped, nil
}

// purposeRule reports the rules of a key declared for something other than
// verifying JWS signatures: such a key never answers a token's kid.
func purposeRule(rule string) bool {
	return rule == ruleUseEnc || rule == ruleKeyOps || rule == ruleAlg
}

func duplicateErr(kid string, index int, format string, args ...any) error {
	ke := keyErr(kid, ruleDuplicate, format, args...)
	ke.Index = index
	return alsoError{ke, ErrDuplicateKID}
}

func indexOf(err error) int {
	var ke *KeyError
	if errors.As(err, &ke) {
		return ke.Index
	}
	return -1
}

// parseJWK turns the member at index of a JWK Set into a Key, or says which
// rule it breaks. The rules run from the most alarming (private material) to
// the key's own checks.
func parseJWK(index int, data []byte) (*Key, error) {
	raw, perr := jose.ParseJWK(data)
	fail := func(rule, format string, args ...any) *KeyError {
		ke := keyErr(raw.KID, rule, format, args...)
		ke.Index = index
		return ke
	}
	switch {
	case raw.HasPrivate:
		return nil, fail(rulePrivate, "the JWK holds private key members; a verifier must only be given public keys")
	case raw.Use == "enc":
		return nil, fail(ruleUseEnc, "the key is for encryption (\"use\": \"enc\")")
	case raw.Use != "" && raw.Use != "sig":
		return nil, fail(ruleUse, "\"use\" is %q, not \"sig\"", raw.Use)
	case raw.KeyOps != nil && !slices.Contains(raw.KeyOps, "verify"):
		return nil, fail(ruleKeyOps, "\"key_ops\" [%s] does not allow \"verify\"", strings.Join(raw.KeyOps, ", "))
	}
	if errors.Is(perr, jose.ErrJWKUnsupported) {
		return nil, fail(ruleUnsupported, "%s", strings.TrimPrefix(perr.Error(), "jose: "))
	}
	if raw.Alg != "" {
		if _, ok := jose.ParseAlg(raw.Alg); !ok {
			if why := jose.UnsupportedReason(raw.Alg); why != "" {
				return nil, fail(ruleAlg, "\"alg\" %q is not supported: %s", raw.Alg, why)
			}
			return nil, fail(ruleAlg, "\"alg\" %q is not a supported JWS signature algorithm", raw.Alg)
		}
	}
	if perr != nil {
		switch {
		case errors.Is(perr, jose.ErrECPoint):
			return nil, fail(ruleECPoint, "EC point is not on curve %s", raw.Crv)
		case raw.Public != nil:
			// jwx refused a key whose members break a key rule: name it.
			if _, kerr := NewKey(raw.KID, "", raw.Public); kerr != nil {
				return nil, withIndex(kerr, index)
			}
		}
		return nil, alsoError{fail(ruleMalformed, "%s", strings.TrimPrefix(perr.Error(), "jose: ")), ErrMalformed}
	}
	k, err := NewKey(raw.KID, raw.Alg, raw.Public)
	if err != nil {
		return nil, withIndex(err, index)
	}
	return k, nil
}

// withIndex sets the index of the *KeyError in err.
func withIndex(err error, index int) error {
	var ke *KeyError
	if errors.As(err, &ke) {
		ke.Index = index
	}
	return err
}
