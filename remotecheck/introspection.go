package remotecheck

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-json-experiment/json"

	"github.com/jwtguard/jwtguard/claims"
)

// ClientAuth names how an introspection request authenticates the
// protected resource to the authorization server.
type ClientAuth string

// The client authentication methods NewIntrospection supports.
const (
	// ClientSecretBasic sends ClientID and ClientSecret in an HTTP Basic
	// Authorization header, each form-urlencoded first (RFC 6749 section
	// 2.3.1).
	ClientSecretBasic ClientAuth = "client_secret_basic"
	// ClientSecretPost sends client_id and client_secret in the form body.
	ClientSecretPost ClientAuth = "client_secret_post"
	// BearerAuth sends BearerToken in an "Authorization: Bearer" header
	// (RFC 7662 section 2.1 allows a separate access token).
	BearerAuth ClientAuth = "bearer"
)

// DefaultTokenTypeHint is the token_type_hint sent when
// IntrospectionConfig.TokenTypeHint is empty.
const DefaultTokenTypeHint = "access_token"

// IntrospectionConfig configures an RFC 7662 token introspection check.
type IntrospectionConfig struct {
	// Endpoint is the introspection endpoint's URL. Required; https, or
	// http to a loopback host (see HTTPOptions.InsecureAllowHTTP).
	Endpoint string

	// ClientID and ClientSecret authenticate the resource server with
	// ClientSecretBasic or ClientSecretPost. Both are required for those
	// methods.
	ClientID, ClientSecret string

	// BearerToken authenticates the resource server with BearerAuth.
	BearerToken string

	// AuthMethod picks the client authentication. If "",
	// ClientSecretBasic when ClientID is set, BearerAuth when BearerToken
	// is set; setting both is an error, and so is setting neither, since
	// RFC 7662 requires the call to be authorized.
	AuthMethod ClientAuth

	// TokenTypeHint is sent as token_type_hint. If "",
	// DefaultTokenTypeHint ("access_token").
	TokenTypeHint string

	// Issuers, when set, lists the accepted "iss" values of the response:
	// one without iss (verify.ErrMissingClaim) or with another
	// (verify.ErrIssuer) refuses the token. If nil, iss is not checked,
	// since the response comes from the authorization server itself.
	Issuers []string

	// Audiences lists the accepted audiences: the response's "aud" must
	// hold one of them (verify.ErrAudience; verify.ErrMissingClaim when
	// absent). Required unless InsecureSkipAudienceCheck is set.
	Audiences []string

	// InsecureSkipAudienceCheck accepts any aud, or none. Then any token
	// the server calls active is accepted, including tokens it issued for
	// other resource servers, unless the server itself refuses those.
	InsecureSkipAudienceCheck bool

	// HTTP are the HTTP settings.
	HTTP HTTPOptions

	// Options are the cache, retry, clock and hook settings.
	Options Options
}

// introspection is the Check of NewIntrospection.
type introspection struct {
	endpoint string
	post     *poster
	auth     ClientAuth
	id       string
	secret   string
	bearer   string
	hint     string
	expect   expect
	logger   *slog.Logger
}

// NewIntrospection returns a Checker that asks an RFC 7662 introspection
// endpoint about each token: a POST of the form token=...&token_type_hint=...
// with client authentication. A response must be 200 with a strict JSON
// object holding a boolean "active" (anything else is ErrBadResponse,
// answered with 503); "active": false refuses the token with ErrInactive;
// "active": true accepts it, the response object decoded into C
// (Introspection holds the RFC 7662 members), its exp and nbf checked and
// bounding the cache. 5xx, 429 and transport failures are retried; 401 and
// 403 mean the server refused our client authentication, ErrBadResponse; a
// 400 with the OAuth error unsupported_token_type or invalid_request means
// it will not check this token, ErrCheckRefused (401, logged at Error with
// the code through Options.Logger), and any other 400 is ErrBadResponse.
func NewIntrospection[C any](cfg IntrospectionConfig) (*Checker[C], error) {
	ic, err := cfg.check()
	if err != nil {
		return nil, err
	}
	return New(Config[C]{Check: ic, Options: cfg.Options})
}

func (cfg *IntrospectionConfig) check() (*introspection, error) {
	if cfg.Endpoint == "" {
		return nil, errors.New("remotecheck: IntrospectionConfig.Endpoint is required")
	}
	u, err := checkURL(cfg.Endpoint, cfg.HTTP.InsecureAllowHTTP)
	if err != nil {
		return nil, err
	}
	p, err := cfg.HTTP.poster()
	if err != nil {
		return nil, err
	}
	ic := &introspection{
		endpoint: u.String(),
		post:     p,
		auth:     cfg.AuthMethod,
		id:       cfg.ClientID,
		secret:   cfg.ClientSecret,
		bearer:   cfg.BearerToken,
		hint:     cfg.TokenTypeHint,
		logger:   cfg.Options.Logger,
	}
	if ic.expect, err = newExpect("IntrospectionConfig", cfg.Issuers, cfg.Audiences); err != nil {
		return nil, err
	}
	if ic.hint == "" {
		ic.hint = DefaultTokenTypeHint
	}
	if ic.auth == "" {
		switch {
		case ic.id != "" && ic.bearer != "":
			return nil, errors.New("remotecheck: IntrospectionConfig sets both ClientID and BearerToken; set AuthMethod")
		case ic.id != "":
			ic.auth = ClientSecretBasic
		case ic.bearer != "":
			ic.auth = BearerAuth
		default:
			return nil, errors.New("remotecheck: IntrospectionConfig needs client authentication (ClientID and ClientSecret, or BearerToken)")
		}
	}
	switch ic.auth {
	case ClientSecretBasic, ClientSecretPost:
		if ic.id == "" || ic.secret == "" {
			return nil, fmt.Errorf("remotecheck: IntrospectionConfig: %s needs ClientID and ClientSecret", ic.auth)
		}
	case BearerAuth:
		if ic.bearer == "" || strings.ContainsAny(ic.bearer, "\r\n ") {
			return nil, errors.New("remotecheck: IntrospectionConfig: bearer needs a BearerToken without spaces")
		}
	default:
		return nil, fmt.Errorf("remotecheck: IntrospectionConfig.AuthMethod %q is not supported", ic.auth)
	}
	if len(ic.expect.audiences) == 0 && !cfg.InsecureSkipAudienceCheck {
		return nil, errors.New("remotecheck: IntrospectionConfig.Audiences is required (or set InsecureSkipAudienceCheck)")
	}
	return ic, nil
}

// Check implements Check.
func (ic *introspection) Check(ctx context.Context, token string) (Result, error) {
	form := url.Values{"token": {token}, "token_type_hint": {ic.hint}}
	h := http.Header{
		"Content-Type": {"application/x-www-form-urlencoded"},
		"Accept":       {"application/json"},
	}
	switch ic.auth {
	case ClientSecretBasic:
		cred := url.QueryEscape(ic.id) + ":" + url.QueryEscape(ic.secret)
		h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(cred)))
	case ClientSecretPost:
		form.Set("client_id", ic.id)
		form.Set("client_secret", ic.secret)
	case BearerAuth:
		h.Set("Authorization", "Bearer "+ic.bearer)
	}
	resp, err := ic.post.post(ctx, ic.endpoint, h, []byte(form.Encode()))
	if err != nil {
		return Result{}, err
	}
	switch {
	case resp.status == http.StatusOK:
	case transientStatus(resp.status):
		return Result{}, fmt.Errorf("%w: introspection answered %d", ErrCheckUnavailable, resp.status)
	case resp.status == http.StatusUnauthorized || resp.status == http.StatusForbidden:
		return Result{}, fmt.Errorf("%w: introspection refused the client authentication (%d)", ErrBadResponse, resp.status)
	case resp.status == http.StatusBadRequest:
		return Result{}, ic.badRequest(ctx, resp.body)
	default:
		return Result{}, fmt.Errorf("%w: introspection answered %d", ErrBadResponse, resp.status)
	}
	var r struct {
		Active   *bool           `json:"active"`
		Issuer   string          `json:"iss"`
		Audience claims.Audience `json:"aud"`
	}
	if err := json.Unmarshal(resp.body, &r); err != nil {
		return Result{}, fmt.Errorf("%w: introspection response: %s", ErrBadResponse, describeJSON(err))
	}
	if r.Active == nil {
		return Result{}, fmt.Errorf("%w: introspection response has no boolean \"active\"", ErrBadResponse)
	}
	if !*r.Active {
		return Result{Active: false}, nil
	}
	if err := ic.expect.check(r.Issuer, r.Audience); err != nil {
		return Result{}, tokenError(err)
	}
	return Result{Active: true, Claims: resp.body}, nil
}

// badRequest reads a 400 answer. Its OAuth error unsupported_token_type or
// invalid_request means "not this token" (oidc-provider sends it for a JWT
// it will not introspect): ErrCheckRefused, logged at Error with the code.
// Any other 400 is ErrBadResponse.
func (ic *introspection) badRequest(ctx context.Context, body []byte) error {
	var r struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &r) != nil {
		r.Error = ""
	}
	switch r.Error {
	case "unsupported_token_type", "invalid_request":
		if ic.logger != nil {
			ic.logger.LogAttrs(ctx, slog.LevelError, "remotecheck: introspection refused to check the token",
				slog.Int("status", http.StatusBadRequest), slog.String("error", r.Error))
		}
		return fmt.Errorf("%w: introspection answered 400 %s", ErrCheckRefused, r.Error)
	case "":
		return fmt.Errorf("%w: introspection answered 400", ErrBadResponse)
	}
	return fmt.Errorf("%w: introspection answered 400 %q", ErrBadResponse, oauthErrorCode(r.Error))
}

// oauthErrorCode cuts an OAuth error code from a server to what RFC 6749
// allows in one (printable ASCII but the quote and the backslash), at most
// 64 bytes.
func oauthErrorCode(s string) string {
	b := make([]byte, 0, min(len(s), 64))
	for i := 0; i < len(s) && len(b) < 64; i++ {
		if c := s[i]; c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' {
			b = append(b, c)
		}
	}
	return string(b)
}
