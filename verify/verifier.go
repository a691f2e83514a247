package verify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/jwtguard/jwtguard/internal/jose"
	"github.com/jwtguard/jwtguard/keysource"
)

// Verifier checks compact JWS tokens and decodes their claims into C. It is
// safe for concurrent use; build one with New and share it.
type Verifier[C any] struct {
	s *settings[C]
	// carrier is true when *C implements claims.Carrier, so the registered
	// claims are read from the decoded value instead of a second decode.
	carrier bool
	// validates is true when *C has Validate(context.Context) error.
	validates bool
	// shares is true when cache hits return one shared, read-only *C (C
	// is a struct type; see cachedClaims).
	shares bool
	// cache holds verified tokens; nil when off.
	cache *tokenCache[cacheEntry[C]]
	// headers remembers decoded headers that passed the policy and led to a
	// verified signature.
	headers headerCache
	// epoch numbers the key set that hits last met (see keyEpoch).
	epoch atomic.Pointer[keyEpoch]
}

// New checks cfg and returns a Verifier. It fails when Keys or Algorithms
// is missing, an algorithm is "none", unknown, or HMAC and asymmetric
// algorithms are mixed, or Issuers or Audiences is empty without the
// matching Insecure option.
func New[C any](cfg Config[C]) (*Verifier[C], error) {
	s, err := cfg.settings()
	if err != nil {
		return nil, err
	}
	v := &Verifier[C]{s: s}
	_, v.carrier = any(new(C)).(carrier)
	_, v.validates = any(new(C)).(validator)
	v.shares = sharesClaims[C]()
	if s.cacheSize > 0 {
		v.cache = newTokenCache[cacheEntry[C]](s.cacheSize)
	}
	return v, nil
}

type validator interface {
	Validate(context.Context) error
}

// Header is the part of a verified token's JOSE header that a caller may
// want to see.
type Header struct {
	// Alg is the signature algorithm, e.g. "RS256".
	Alg string
	// KeyID is the "kid" member ("" when absent).
	KeyID string
	// Type is the "typ" member ("" when absent).
	Type string
	// ContentType is the "cty" member ("" when absent).
	ContentType string
	// Raw is the decoded header JSON.
	Raw []byte
}

// Signed is the result of VerifySignature: a token whose structure, header
// policy, key and signature have been checked, and whose claims have not.
type Signed struct {
	Header Header
	// Payload is the decoded payload. It need not be JSON.
	Payload []byte
	// Key is the key that verified the signature.
	Key *keysource.Key
}

// VerifySignature checks a token's structure, header policy, key and
// signature, and nothing else: no claim is read or checked and the payload
// need not be JSON. Use Verify to accept a token.
func (v *Verifier[C]) VerifySignature(ctx context.Context, token string) (*Signed, error) {
	c, h, rawHeader, payload, err := v.parse(token)
	if err != nil {
		return nil, wrap(err)
	}
	key, err := v.checkSignature(ctx, c, h, payload)
	if err != nil {
		return nil, wrap(err)
	}
	v.headers.put(c.header, h, rawHeader)
	return &Signed{
		Header:  Header{Alg: h.Alg, KeyID: h.Kid, Type: h.Typ, ContentType: h.Cty, Raw: bytes.Clone(rawHeader)},
		Payload: payload,
		Key:     key,
	}, nil
}

// Verify checks a token completely and returns its claims: shape and size,
// header policy (alg allowed and fitting the key, no "crit", no keys in the
// header, typ), key, signature, then the claims (exp, nbf, iat, iss, aud,
// required claims, Validate, Validators), then the sender constraint and
// the revocation check. Cheap checks come first; a token that fails them
// never causes a key fetch. The error is an *Error wrapping one of the
// package's sentinel errors.
//
// Verify is VerifyBound with no proof of possession: a token bound to a
// key or a certificate ("cnf") fails with ErrBinding.
//
// Without the cache, every call returns a new *C. With the cache on (see
// Config.CacheSize), a token is stored the second time it is verified (the
// first is only noted, so that tokens seen once cost no copy), and is then
// answered from memory: the key source must still offer the key that
// verified it among the keys a fresh verification would try for its kid
// and algorithm (looked up again only when the source hands out a new key
// set; otherwise the token is verified afresh), and exp, nbf, iat (one clock reading
// against bounds computed when the token was stored, with the same result
// and error as for a fresh token), Validate, the Validators, the binding
// and the revocation check are checked again. For a struct claims type, a
// hit allocates nothing and, once the token has been hit a few times,
// writes no shared memory, so hits on several cores do not slow each other
// down.
//
// Claims returned by Verify are read-only. For a struct claims type (such
// as claims.Keycloak), every cache hit for a token returns the same *C, at
// no cost, so a caller that wants to change its claims must copy them
// first (c2 := *c; slices and maps inside need their own copy). Verify
// checks that contract on every hit: it keeps a private copy of the cached
// struct and compares the two before the hit reads or returns the shared
// one, and again after Validate and the Validators (which must not modify
// the claims either). When a field was set, the entry is dropped and the
// token verified afresh, so the change never reaches a later caller; but a
// caller that holds the same *C while another writes to it sees the write,
// a data race that the race detector reports. The comparison covers every
// field of the struct, including embedded ones, but not the elements of a
// slice or the entries of a map inside it: never write into those. A
// claims type that is not a struct (claims.Map) gets a copy of the cached
// map on every hit, one level deep: setting its entries never reaches the
// cache, and the values inside are shared (treat them as read-only).
//
// The cache recognizes a token by its exact string. That is an
// optimization only: ECDSA signatures are malleable, so a second string
// can carry the same signed claims and verify too. Never key a security
// decision (a revocation, a replay check) on the token string; key it on
// its claims (jti, sid, sub), as package revocation does.
func (v *Verifier[C]) Verify(ctx context.Context, token string) (*C, error) {
	if v.s.observer != nil {
		return v.observed(ctx, token, Binding{})
	}
	return v.verifyBound(ctx, token, Binding{}, nil)
}

// VerifyBound is Verify for a token that came with a proof of possession
// (see Binding): a token whose "cnf" binds it is accepted only when b
// matches, and a DPoP proof is accepted only with a token bound to its key.
func (v *Verifier[C]) VerifyBound(ctx context.Context, token string, b Binding) (*C, error) {
	if v.s.observer != nil {
		return v.observed(ctx, token, b)
	}
	return v.verifyBound(ctx, token, b, nil)
}

// verifyBound is VerifyBound; tr, when not nil, collects what an Observer
// is told.
func (v *Verifier[C]) verifyBound(ctx context.Context, token string, b Binding, tr *trace) (*C, error) {
	if v.cache != nil {
		if it := v.cache.lookup(token); it != nil {
			if c, err, ok := v.fromCache(ctx, token, it, b); ok {
				if tr != nil {
					tr.cacheHit, tr.alg = true, it.val.alg.String()
				}
				return c, err
			}
		}
	}
	c, h, rawHeader, payload, err := v.parse(token)
	if err != nil {
		return nil, wrap(err)
	}
	if tr != nil {
		tr.alg = h.Alg // parse has checked it against Config.Algorithms
	}
	key, err := v.checkSignature(ctx, c, h, payload)
	if err != nil {
		return nil, wrap(err)
	}
	v.headers.put(c.header, h, rawHeader)
	claims, reg, err := v.decodeClaims(ctx, payload)
	if err != nil {
		return nil, wrap(err)
	}
	f, err := v.decodeFacts(payload, reg)
	if err != nil {
		return nil, wrap(err)
	}
	if v.cache != nil && v.cache.admit(token) {
		// The cache keeps its own copy: the caller may change what it got.
		// A token that fails the checks below is cached too: they depend on
		// the request and on the revocations in force, and a hit runs them
		// again.
		v.cache.put(token, cacheEntry[C]{
			claims: newCachedClaims(claims, v.shares),
			key:    key,
			alg:    algOf(h),
			kid:    h.Kid,
			times:  v.s.window(reg.ExpiresAt.Time, reg.NotBefore.Time, reg.IssuedAt.Time),
			facts:  f,
		}, v.s.cacheDeadline(reg.ExpiresAt.Time, reg.IssuedAt.Time), v.s.now())
	}
	if err := v.checkFacts(&f, b); err != nil {
		return nil, wrap(err)
	}
	return claims, nil
}

// fromCache answers a token found in the cache. ok is false when the entry
// no longer stands (its key left the source) and the token must be verified
// afresh.
func (v *Verifier[C]) fromCache(ctx context.Context, token string, it *cacheItem[cacheEntry[C]], b Binding) (_ *C, _ error, ok bool) {
	e := &it.val
	set, err := v.s.keys.Keys(ctx)
	if err != nil {
		return nil, wrap(keysError(ctx, err)), true
	}
	// The key must still be one a fresh verification would try: still
	// there, under the token's kid, and still fitting its algorithm (a
	// republished key may have gained an alg restriction or another kid).
	if !v.keyStands(it, set) {
		v.cache.remove(token)
		return nil, nil, false
	}
	if err := v.s.checkWindow(&e.times); err != nil {
		if errors.Is(err, ErrExpired) || errors.Is(err, ErrTooOld) {
			v.cache.remove(token)
		}
		return nil, wrap(err), true
	}
	// The shared claims are checked before the validators read them, and
	// before they leave (the validators receive them too).
	validators := v.validates || len(v.s.validators) > 0
	if validators && !e.claims.intact() {
		v.cache.remove(token)
		return nil, nil, false
	}
	out := e.claims.claims()
	var verr error
	if validators {
		verr = v.validate(ctx, out)
	}
	if !e.claims.intact() {
		v.cache.remove(token)
		return nil, nil, false
	}
	if verr != nil {
		return nil, wrap(verr), true
	}
	if err := v.checkFacts(&e.facts, b); err != nil {
		return nil, wrap(err), true
	}
	return out, nil, true
}

// parse runs every check that needs neither keys nor claims, and decodes
// the payload's base64url (not its JSON, which waits for the signature). A
// header seen before in a verified token is taken from the header cache.
func (v *Verifier[C]) parse(token string) (c compact, h header, rawHeader, payload []byte, err error) {
	c, err = splitCompact(token, v.s.maxBytes)
	if err != nil {
		return
	}
	if ch := v.headers.get(c.header); ch != nil {
		h, rawHeader = ch.h, ch.raw
	} else {
		if h, rawHeader, err = decodeHeader(c.header); err != nil {
			return
		}
		alg, ok := jose.ParseAlg(h.Alg)
		if !ok || v.s.algs&(1<<alg) == 0 {
			err = fmt.Errorf("%w: %q", ErrAlgorithm, printable(h.Alg))
			return
		}
		if !v.s.typeAllowed(h.Typ) {
			err = fmt.Errorf("%w: %q", ErrTokenType, printable(h.Typ))
			return
		}
	}
	// A fresh buffer on purpose: decoded claims may refer to it, so it is
	// never reused across tokens.
	payload, err = decodeSegment(nil, c.payload)
	return
}

// checkSignature finds the key and verifies the signature, asking the
// source once for newer keys when the kid is unknown, or when keys without
// kid all fail (a rotated PEM key). A token without kid is checked against
// the keys without kid, or the set's only key (see Set.Candidates): one
// signature check in the common case, never one per key of a set.
func (v *Verifier[C]) checkSignature(ctx context.Context, c compact, h header, payload []byte) (*keysource.Key, error) {
	alg, _ := jose.ParseAlg(h.Alg)
	var sigBuf [512]byte
	sig, err := decodeSegment(sigBuf[:0], c.signature)
	if err != nil {
		return nil, err
	}
	set, err := v.s.keys.Keys(ctx)
	if err != nil {
		return nil, keysError(ctx, err)
	}
	var candBuf [4]*keysource.Key
	for attempt := 0; ; attempt++ {
		cands, mismatch := set.Candidates(h.Kid, alg, candBuf[:0])
		if mismatch {
			return nil, fmt.Errorf("%w: key %q does not fit %s", ErrAlgorithm, printable(h.Kid), alg)
		}
		for _, k := range cands {
			if jose.VerifySignature(alg, k.Material(), c.signingInput, sig) == nil {
				return k, nil
			}
		}
		if attempt > 0 {
			if len(cands) > 0 {
				return nil, ErrSignature // the newer keys did not verify it either
			}
			break
		}
		if h.Kid == "" && !set.ServesTokensWithoutKID() {
			// Several keys, all with a kid: a token that names none has no
			// key here, and a newer set of the same issuer would not change
			// that. Asking for one would let kid-less tokens drive refreshes.
			return nil, fmt.Errorf("%w: the token has no kid and the %d keys all have one", ErrUnknownKey, set.Len())
		}
		hint := keysource.RefreshHint{Reason: keysource.RefreshUnknownKID, KID: h.Kid, Current: set}
		if len(cands) > 0 {
			// A kid that named its key settles the question: the signature
			// is wrong. Keys without kid may have been rotated upstream.
			if set.ByID(h.Kid) != nil {
				return nil, ErrSignature
			}
			hint.Reason = keysource.RefreshSignature
		}
		// A refresh may reach the network. A token that is expired anyway
		// must not cause that, so its unverified exp is read first: it can
		// only make the verifier refuse sooner, never accept.
		if v.s.unverifiedExpired(payload) {
			return nil, fmt.Errorf("%w (not refreshing keys for it)", ErrExpired)
		}
		next, err := v.s.keys.Refresh(ctx, hint)
		if err != nil {
			if ctx.Err() != nil {
				return nil, keysError(ctx, err)
			}
			next = nil
		}
		if next == nil || next == set {
			if len(cands) > 0 {
				return nil, ErrSignature
			}
			break
		}
		set = next
	}
	if h.Kid == "" {
		return nil, fmt.Errorf("%w: no key fits %s", ErrUnknownKey, alg)
	}
	return nil, fmt.Errorf("%w: kid %q", ErrUnknownKey, printable(h.Kid))
}

// keysError maps a key source failure: a canceled or expired ctx stays
// itself, anything else is ErrKeysUnavailable.
func keysError(ctx context.Context, err error) error {
	if ce := ctx.Err(); ce != nil {
		return ce
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if errors.Is(err, keysource.ErrUnavailable) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrKeysUnavailable, err)
}

// printable shortens and sanitizes a token-supplied string for an error
// message, so that logs cannot be flooded or forged through it.
func printable(s string) string {
	const max = 64
	out := make([]byte, 0, min(len(s), max))
	for i := 0; i < len(s) && len(out) < max; i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e {
			c = '?'
		}
		out = append(out, c)
	}
	if len(s) > max {
		out = append(out, "..."...)
	}
	return string(out)
}

// wrap turns a check's error into an *Error with the stable reason of the
// sentinel it wraps.
func wrap(err error) error {
	return &Error{Reason: reasonOf(err), Err: err}
}

var reasons = []struct {
	err    error
	reason string
}{
	{ErrMalformed, ReasonMalformed},
	{ErrJWE, ReasonMalformed},
	{ErrJSONSerialization, ReasonMalformed},
	{ErrAlgorithm, ReasonAlgorithm},
	{ErrCritical, ReasonCritical},
	{ErrHeaderKey, ReasonHeaderKey},
	{ErrTokenType, ReasonTokenType},
	{ErrUnknownKey, ReasonUnknownKey},
	{ErrSignature, ReasonSignature},
	{ErrKeysUnavailable, ReasonKeysUnavailable},
	{ErrExpired, ReasonExpired},
	{ErrNotYetValid, ReasonNotYetValid},
	{ErrIssuedInFuture, ReasonIssuedInFuture},
	{ErrTooOld, ReasonTooOld},
	{ErrMissingClaim, ReasonMissingClaim},
	{ErrIssuer, ReasonIssuer},
	{ErrAudience, ReasonAudience},
	{ErrClaims, ReasonClaims},
	{ErrBinding, ReasonBinding},
	{ErrRevoked, ReasonRevoked},
	{ErrRevocationUnavailable, ReasonRevocationUnavailable},
	{context.Canceled, ReasonCanceled},
	{context.DeadlineExceeded, ReasonCanceled},
}

func reasonOf(err error) string {
	for _, r := range reasons {
		if errors.Is(err, r.err) {
			return r.reason
		}
	}
	return "error"
}

// maxTokenBytes lets a Router read tokens as long as this Verifier takes.
func (v *Verifier[C]) maxTokenBytes() int { return v.s.maxBytes }

// algOf returns the header's algorithm, which parse has checked.
func algOf(h header) jose.Alg {
	a, _ := jose.ParseAlg(h.Alg)
	return a
}
