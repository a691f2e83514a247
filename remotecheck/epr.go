package remotecheck

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-json-experiment/json"
)

// EPR constants.
const (
	// EPRTokenHeader is the header that carries a token, bare (no scheme),
	// both in requests to an EPR-protected API (use it with
	// middleware.Header) and, with the partner's own token, in the calls to
	// EPR's check endpoint.
	EPRTokenHeader = "x-access-token"
	// EPRCheckPath is the path of EPR's token check endpoint under the base
	// URL.
	EPRCheckPath = "/auth/checkToken"
)

// EPRConfig configures a check against the e-PlanSoft EPR partner API,
// which publishes no keys: tokens are checked by POST {BaseURL}/auth/checkToken
// with the body {"token":"..."}, authenticated by the partner's own token
// in the x-access-token header.
type EPRConfig struct {
	// BaseURL is the EPR API's base URL, e.g. "https://epr.example.com/api".
	// Required; https, or http to a loopback host (see
	// HTTPOptions.InsecureAllowHTTP). A trailing slash is ignored.
	BaseURL string

	// PartnerToken is the partner's token, sent in PartnerTokenHeader.
	// Exactly one of PartnerToken and PartnerTokenFunc is required.
	PartnerToken string

	// PartnerTokenFunc returns the partner's token for each check, for a
	// token that is renewed (EPR's tokens expire, the partner's too). An
	// error is treated as the check being unavailable (retried, then 503);
	// ctx.Err() as the caller's cancellation.
	PartnerTokenFunc func(ctx context.Context) (string, error)

	// PartnerTokenHeader is the header that carries the partner's token. If
	// "", EPRTokenHeader ("x-access-token").
	PartnerTokenHeader string

	// CheckPath is the check endpoint's path under BaseURL. If "",
	// EPRCheckPath ("/auth/checkToken").
	CheckPath string

	// Interpret reads EPR's answer. EPR does not publish its response
	// format, so the default, DefaultEPRInterpret, is an assumption (see
	// there); replace it, or wrap it, when EPR's answers are known better.
	// When it returns an active Result without Claims, the claims are the
	// token's own payload (see NewEPR).
	Interpret func(EPRResponse) (Result, error)

	// Issuers, when set, lists the accepted "iss" values of the claims the
	// Checker hands out (the token's payload, or the Claims Interpret
	// returns): a token EPR vouches for whose claims have no iss
	// (verify.ErrMissingClaim) or another one (verify.ErrIssuer) is
	// refused. If nil, iss is not checked: EPR's yes is all that counts.
	Issuers []string

	// Audiences, when set, lists the accepted audiences: the claims' "aud"
	// must hold one of them (verify.ErrAudience; verify.ErrMissingClaim
	// when absent). If nil, aud is not checked.
	//
	// With the default Interpret (the claims are the token's payload),
	// Issuers and Audiences are also applied to the unverified payload
	// before EPR is asked, so a token they refuse costs no call.
	Audiences []string

	// HTTP are the HTTP settings.
	HTTP HTTPOptions

	// Options are the cache, retry, clock and hook settings.
	Options Options
}

// EPRResponse is one answer of EPR's check endpoint, as Interpret sees it.
type EPRResponse struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Header is the response header.
	Header http.Header
	// Body is the whole body (at most HTTPOptions.MaxBodyBytes).
	Body []byte
}

// epr is the Check of NewEPR.
type epr struct {
	target        string
	post          *poster
	partner       func(context.Context) (string, error)
	partnerHeader string
	interpret     func(EPRResponse) (Result, error)
	expect        expect
	// payloadClaims is true when the claims are always the token's own
	// payload (the default Interpret), so expect may be applied before the
	// call.
	payloadClaims bool
}

// NewEPR returns a Checker that asks the e-PlanSoft EPR partner API about
// each token.
//
// The answer is read by cfg.Interpret (DefaultEPRInterpret: 2xx without a
// negative marker is active, 401/403/404/410 and every other 4xx, or a
// negative marker in the body, is ErrInactive, 5xx/408/425/429 and
// transport failures are retried, then ErrCheckUnavailable).
//
// Before asking EPR, the Checker refuses (401 in the middleware), without a
// call, every token that EPR cannot have issued: one that is not a compact
// signed JWT (three base64url segments, a JSON object header and payload, a
// non-empty signature) or whose payload has no exp, or an exp that is not a
// number (verify.ErrMalformed); one whose exp, read unverified, has passed
// (verify.ErrExpired); and, with the default Interpret, one whose payload
// fails Issuers or Audiences. Unverified data only ever refuses a token.
// So garbage never takes one of the Options.MaxConcurrentChecks slots; what
// still can is a well-formed token with a live exp that only EPR can
// refuse, and a flood of those is for rate limiting in front of the
// service.
//
// Claims: since the issuer has just vouched for the token, the claims are
// the token's own payload, decoded strictly into C, when Interpret gave
// none. The payload is what the issuer signed, carries exp (which bounds
// the cache) and does not depend on EPR's unpublished response format. An
// Interpret that returns Claims (say, an object from EPR's body) overrides
// this. Issuers and Audiences, when set, are checked on those claims.
func NewEPR[C any](cfg EPRConfig) (*Checker[C], error) {
	e, err := cfg.check()
	if err != nil {
		return nil, err
	}
	c, err := New(Config[C]{Check: e, Options: cfg.Options})
	if err != nil {
		return nil, err
	}
	c.jwtOnly = true
	if e.payloadClaims && e.expect.any() {
		c.precheck = e.expect.checkJSON
	}
	return c, nil
}

func (cfg *EPRConfig) check() (*epr, error) {
	if cfg.BaseURL == "" {
		return nil, errors.New("remotecheck: EPRConfig.BaseURL is required")
	}
	path := cfg.CheckPath
	if path == "" {
		path = EPRCheckPath
	}
	if !strings.HasPrefix(path, "/") {
		return nil, errors.New("remotecheck: EPRConfig.CheckPath must start with /")
	}
	u, err := checkURL(strings.TrimRight(cfg.BaseURL, "/")+path, cfg.HTTP.InsecureAllowHTTP)
	if err != nil {
		return nil, err
	}
	if u.RawQuery != "" {
		return nil, errors.New("remotecheck: EPRConfig.BaseURL has a query")
	}
	p, err := cfg.HTTP.poster()
	if err != nil {
		return nil, err
	}
	e := &epr{
		target:        u.String(),
		post:          p,
		partner:       cfg.PartnerTokenFunc,
		partnerHeader: cfg.PartnerTokenHeader,
		interpret:     cfg.Interpret,
	}
	switch {
	case cfg.PartnerToken != "" && cfg.PartnerTokenFunc != nil:
		return nil, errors.New("remotecheck: EPRConfig sets both PartnerToken and PartnerTokenFunc")
	case cfg.PartnerToken != "":
		if !validHeaderValue(cfg.PartnerToken) {
			return nil, errors.New("remotecheck: EPRConfig.PartnerToken is not printable ASCII")
		}
		tok := cfg.PartnerToken
		e.partner = func(context.Context) (string, error) { return tok, nil }
	case cfg.PartnerTokenFunc == nil:
		return nil, errors.New("remotecheck: EPRConfig needs PartnerToken or PartnerTokenFunc")
	}
	if e.partnerHeader == "" {
		e.partnerHeader = EPRTokenHeader
	}
	if !validHeaderName(e.partnerHeader) {
		return nil, fmt.Errorf("remotecheck: EPRConfig.PartnerTokenHeader %q is not a header name", e.partnerHeader)
	}
	if e.interpret == nil {
		e.interpret = DefaultEPRInterpret
		e.payloadClaims = true
	}
	if e.expect, err = newExpect("EPRConfig", cfg.Issuers, cfg.Audiences); err != nil {
		return nil, err
	}
	return e, nil
}

// Check implements Check.
func (e *epr) Check(ctx context.Context, token string) (Result, error) {
	partner, err := e.partner(ctx)
	if err != nil {
		if ce := ctx.Err(); ce != nil {
			return Result{}, ce
		}
		return Result{}, fmt.Errorf("%w: partner token: %w", ErrCheckUnavailable, err)
	}
	if !validHeaderValue(partner) {
		return Result{}, fmt.Errorf("%w: partner token is not printable ASCII", ErrCheckUnavailable)
	}
	body, err := json.Marshal(struct {
		Token string `json:"token"`
	}{token})
	if err != nil {
		// Unreachable: the token passed the shape check.
		return Result{}, fmt.Errorf("%w: %v", ErrBadResponse, err)
	}
	h := http.Header{
		"Content-Type": {"application/json"},
		"Accept":       {"application/json"},
	}
	h.Set(e.partnerHeader, partner)
	resp, err := e.post.post(ctx, e.target, h, body)
	if err != nil {
		return Result{}, err
	}
	res, err := e.interpret(EPRResponse{StatusCode: resp.status, Header: resp.header, Body: resp.body})
	if err != nil {
		return Result{}, err
	}
	if res.Active && res.Claims == nil {
		res.Claims = jwtPayload(token)
	}
	if res.Active && e.expect.any() {
		if err := e.expect.checkJSON(res.Claims); err != nil {
			return Result{}, tokenError(err)
		}
	}
	return res, nil
}

// validHeaderName reports whether s is an HTTP token (RFC 9110 section 5.1).
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// validHeaderValue reports whether s is non-empty printable ASCII without
// spaces.
func validHeaderValue(s string) bool {
	return checkShape(s, len(s)) == nil
}
