package dpop

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/b64url"
	"github.com/jwtguard/jwtguard/internal/jose"
)

// ProofType is the "typ" header every proof carries (RFC 9449 section 4.2).
const ProofType = "dpop+jwt"

// replayMargin is added to the time a proof's jti is remembered, beyond
// iat plus the window, to cover clock differences between replicas.
const replayMargin = 5 * time.Second

// Request is what Check needs from an HTTP request.
type Request struct {
	// Method is the request method, e.g. "GET". Compared exactly with htm.
	Method string
	// URL is the request's URL. Its path (escaped form) is compared with
	// htu's; its query and fragment are ignored. Its scheme and host are
	// used when Config.ExternalBaseURL is empty, and ignored otherwise.
	URL *url.URL
	// ProofHeaders are all the values of the request's DPoP header
	// (http.Header.Values("DPoP")). Exactly one is accepted.
	ProofHeaders []string
	// AccessToken is the access token that came with the request, whose
	// hash the proof's "ath" must carry. Empty at a token endpoint, where
	// the proof comes without a token; then "ath" is not checked.
	AccessToken string
}

// Proof is a proof that passed every check.
type Proof struct {
	// JKT is the RFC 7638 SHA-256 thumbprint of the proof's key, base64url:
	// the value an access token bound to that key carries in cnf.jkt.
	JKT string
	// Key is the proof's public key: *rsa.PublicKey, *ecdsa.PublicKey or
	// ed25519.PublicKey. It must not be modified.
	Key any
	// Algorithm is the proof's "alg".
	Algorithm string
	// ID is the proof's "jti".
	ID string
	// Method and URI are the proof's "htm" and "htu", as sent.
	Method, URI string
	// IssuedAt is the proof's "iat".
	IssuedAt time.Time
	// Nonce is the proof's "nonce" ("" when absent).
	Nonce string

	// replayKey and replayUntil are what the replay store records; deferred
	// is true when Check left that to Use.
	replayKey   string
	replayUntil time.Time
	deferred    bool
}

// Use records a proof that Check accepted with Config.DeferReplay set, so
// that it is accepted once: call it after the checks the proof was deferred
// for have passed, and refuse the request when it fails. The error is an
// *Error wrapping ErrReplayed (the proof was used before: 401) or
// ErrReplayUnavailable (the store cannot answer: 503). Without DeferReplay,
// Check has recorded the proof already and Use returns an error.
func (c *Checker) Use(ctx context.Context, p *Proof) error {
	if p == nil || !p.deferred {
		return errors.New("dpop: Use takes a proof that Check accepted with Config.DeferReplay set")
	}
	if err := c.use(ctx, p.replayKey, p.replayUntil); err != nil {
		e := fail(err)
		if c.onCheck != nil {
			c.onCheck(e.Reason)
		}
		return e
	}
	if c.onCheck != nil {
		c.onCheck("")
	}
	return nil
}

// use records a proof in the replay store.
func (c *Checker) use(ctx context.Context, key string, until time.Time) error {
	if err := c.replay.Use(ctx, key, until); err != nil {
		if !errors.Is(err, ErrReplayed) && !errors.Is(err, ErrReplayUnavailable) {
			// A store that fails without saying how cannot vouch for the
			// proof: refuse it as unavailable.
			err = fmt.Errorf("%w: %w", ErrReplayUnavailable, err)
		}
		return err
	}
	return nil
}

// proofHeader holds the JOSE header members a proof check reads. Members a
// proof may not carry stay raw: their presence is all that matters.
type proofHeader struct {
	Typ  string         `json:"typ"`
	Alg  string         `json:"alg"`
	JWK  jsontext.Value `json:"jwk"`
	Crit jsontext.Value `json:"crit"`
	B64  jsontext.Value `json:"b64"`
	JKU  jsontext.Value `json:"jku"`
	X5U  jsontext.Value `json:"x5u"`
	X5C  jsontext.Value `json:"x5c"`
}

// proofClaims holds the claims a proof check reads.
type proofClaims struct {
	JTI   string             `json:"jti"`
	HTM   string             `json:"htm"`
	HTU   string             `json:"htu"`
	IAT   claims.NumericDate `json:"iat"`
	ATH   jsontext.Value     `json:"ath"`
	Nonce string             `json:"nonce"`
}

// Check checks the request's DPoP proof (RFC 9449 section 4.3) and returns
// it. Checks run cheapest first and the signature is checked before any
// claim is read: the request's own method and URL (ErrRequest, or ErrHTU
// for a Host no htu can name), one DPoP header, its size, compact JWS
// shape, strict JSON header, typ, alg, jwk, signature, strict JSON claims,
// htm, htu, iat, ath, nonce, and last the replay store (unless
// Config.DeferReplay leaves that to Use), so that only proofs that passed
// every other check are remembered. Every failure is an *Error wrapping
// one sentinel. Check does not compare the key with an access token's
// cnf.jkt: the caller does, with Proof.JKT.
func (c *Checker) Check(ctx context.Context, r Request) (*Proof, error) {
	p, err := c.check(ctx, r)
	if err != nil {
		e := fail(err)
		if e.Reason == ReasonUseNonce && c.nonces != nil {
			e.Nonce = c.nonces.current()
		}
		if c.onCheck != nil {
			c.onCheck(e.Reason)
		}
		return nil, e
	}
	if c.onCheck != nil && !p.deferred {
		c.onCheck("")
	}
	return p, nil
}

func (c *Checker) check(ctx context.Context, r Request) (*Proof, error) {
	if r.Method == "" {
		return nil, fmt.Errorf("%w: no method", ErrRequest)
	}
	wantOrigin, wantPath, err := c.requestTarget(r.URL)
	if err != nil {
		return nil, err
	}
	switch len(r.ProofHeaders) {
	case 0:
		return nil, ErrMissing
	case 1:
	default:
		return nil, fmt.Errorf("%w: %d", ErrMultipleProofs, len(r.ProofHeaders))
	}
	proof := r.ProofHeaders[0]
	if len(proof) > c.maxBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrMalformed, len(proof), c.maxBytes)
	}
	hdrSeg, payloadSeg, sigSeg, signingInput, err := splitCompact(proof)
	if err != nil {
		return nil, err
	}

	h := c.headers.get(hdrSeg)
	if h == nil {
		if h, err = c.checkHeader(hdrSeg); err != nil {
			return nil, err
		}
		c.headers.put(hdrSeg, h)
	}
	alg, pk := h.alg, h.key

	var sbuf [512]byte
	sig, err := decodeSegment(sbuf[:0], sigSeg)
	if err != nil {
		return nil, err
	}
	if err := c.verify(alg, pk.key.Material(), signingInput, sig); err != nil {
		return nil, ErrSignature
	}

	var pbuf [1024]byte
	praw, err := decodeSegment(pbuf[:0], payloadSeg)
	if err != nil {
		return nil, err
	}
	var cl proofClaims
	if err := json.Unmarshal(praw, &cl); err != nil {
		return nil, fmt.Errorf("%w: claims are not strict JSON or have a member of the wrong type", ErrMalformed)
	}
	switch {
	case cl.JTI == "":
		return nil, fmt.Errorf("%w: jti", ErrMissingClaim)
	case cl.HTM == "":
		return nil, fmt.Errorf("%w: htm", ErrMissingClaim)
	case cl.HTU == "":
		return nil, fmt.Errorf("%w: htu", ErrMissingClaim)
	case cl.IAT.IsZero():
		return nil, fmt.Errorf("%w: iat", ErrMissingClaim)
	case len(cl.JTI) > MaxJTIBytes:
		return nil, fmt.Errorf("%w: jti longer than %d bytes", ErrMalformed, MaxJTIBytes)
	}

	if cl.HTM != r.Method {
		return nil, ErrHTM
	}
	if err := checkHTU(cl.HTU, wantOrigin, wantPath); err != nil {
		return nil, err
	}
	now := c.now()
	iat := cl.IAT.Time
	if iat.Before(now.Add(-c.window)) || iat.After(now.Add(c.window)) {
		return nil, ErrIAT
	}
	if r.AccessToken != "" {
		if err := checkATH(cl.ATH, r.AccessToken); err != nil {
			return nil, err
		}
	}
	if c.nonces != nil && !c.nonces.valid(cl.Nonce) {
		return nil, ErrUseNonce
	}
	key, until := replayKey(pk.jkt, cl.JTI), iat.Add(c.window+replayMargin)
	if !c.deferReplay {
		if err := c.use(ctx, key, until); err != nil {
			return nil, err
		}
	}
	return &Proof{
		replayKey:   key,
		replayUntil: until,
		deferred:    c.deferReplay,
		JKT:         pk.jkt,
		Key:         pk.key.Public(),
		Algorithm:   h.algName,
		ID:          cl.JTI,
		Method:      cl.HTM,
		URI:         cl.HTU,
		IssuedAt:    iat,
		Nonce:       cl.Nonce,
	}, nil
}

// checkHeader decodes and checks a proof's protected header.
func (c *Checker) checkHeader(seg string) (*header, error) {
	var buf [1024]byte
	raw, err := decodeSegment(buf[:0], seg)
	if err != nil {
		return nil, err
	}
	var h proofHeader
	if err := json.Unmarshal(raw, &h); err != nil {
		return nil, fmt.Errorf("%w: header is not strict JSON or has a member of the wrong type", ErrMalformed)
	}
	switch {
	case h.Crit != nil, h.B64 != nil:
		return nil, fmt.Errorf("%w: critical header", ErrMalformed)
	case h.JKU != nil, h.X5U != nil, h.X5C != nil:
		return nil, fmt.Errorf("%w: key reference header other than jwk", ErrMalformed)
	}
	if h.Typ != ProofType {
		return nil, ErrType
	}
	alg, ok := jose.ParseAlg(h.Alg)
	if !ok || alg.Symmetric() || !c.algs[alg] {
		return nil, ErrAlgorithm
	}
	if h.JWK == nil {
		return nil, fmt.Errorf("%w: no jwk header", ErrJWK)
	}
	if h.JWK.Kind() != '{' {
		return nil, fmt.Errorf("%w: jwk header is not an object", ErrJWK)
	}
	pk, err := parseProofKey(h.JWK)
	if err != nil {
		return nil, err
	}
	if !pk.key.Fits(alg) {
		return nil, fmt.Errorf("%w: key does not fit %s", ErrJWK, alg)
	}
	return &header{alg: alg, algName: h.Alg, key: pk}, nil
}

// splitCompact checks the proof's outer shape: exactly two dots, no line
// breaks (named here; the decoder would refuse them too), a non-empty
// header and payload.
func splitCompact(s string) (header, payload, sig, signingInput string, err error) {
	first := strings.IndexByte(s, '.')
	if first < 0 {
		return "", "", "", "", fmt.Errorf("%w: not a compact JWS", ErrMalformed)
	}
	second := strings.IndexByte(s[first+1:], '.')
	if second < 0 {
		return "", "", "", "", fmt.Errorf("%w: not a compact JWS", ErrMalformed)
	}
	second += first + 1
	if strings.IndexByte(s[second+1:], '.') >= 0 {
		return "", "", "", "", fmt.Errorf("%w: not a compact JWS", ErrMalformed)
	}
	if strings.IndexByte(s, '\n') >= 0 || strings.IndexByte(s, '\r') >= 0 {
		return "", "", "", "", fmt.Errorf("%w: line break", ErrMalformed)
	}
	header, payload, sig = s[:first], s[first+1:second], s[second+1:]
	if header == "" || payload == "" {
		return "", "", "", "", fmt.Errorf("%w: empty segment", ErrMalformed)
	}
	return header, payload, sig, s[:second], nil
}

// decodeSegment appends the strictly decoded base64url segment to dst.
func decodeSegment(dst []byte, seg string) ([]byte, error) {
	b, err := b64url.AppendDecode(dst, seg)
	if err != nil {
		return nil, fmt.Errorf("%w: invalid base64url", ErrMalformed)
	}
	return b, nil
}

// checkHTU compares a proof's htu with the request's normalized target.
func checkHTU(htu string, want origin, wantPath string) error {
	// The common case: the client sent the normalized form itself.
	if len(htu) == len(want.scheme)+3+len(want.host)+len(wantPath) &&
		strings.HasPrefix(htu, want.scheme) && strings.HasPrefix(htu[len(want.scheme):], "://") &&
		strings.HasPrefix(htu[len(want.scheme)+3:], want.host) && strings.HasSuffix(htu, wantPath) {
		return nil
	}
	o, p, err := parseHTU(htu)
	if err != nil {
		return err
	}
	if o != want || p != wantPath {
		return ErrHTU
	}
	return nil
}

// checkATH compares a proof's ath with the access token's hash.
func checkATH(ath jsontext.Value, token string) error {
	var got string
	if ath == nil || ath.Kind() != '"' || json.Unmarshal(ath, &got) != nil || got == "" {
		return fmt.Errorf("%w: ath missing or not a string", ErrATH)
	}
	want := ATH(token)
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return ErrATH
	}
	return nil
}

// ATH returns base64url(SHA-256(accessToken)), the "ath" a proof sent with
// that token carries (RFC 9449 section 4.2).
func ATH(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// replayKey derives the replay store key of a proof from its key's
// thumbprint and its jti: a proof counts as replayed only when both match,
// so one client cannot burn another's jti, and the key has a fixed size
// whatever the jti.
func replayKey(jkt, jti string) string {
	h := sha256.New()
	h.Write([]byte(jkt))
	h.Write([]byte{0})
	h.Write([]byte(jti))
	var sum [sha256.Size]byte
	return base64.RawURLEncoding.EncodeToString(h.Sum(sum[:0]))
}
