package profile

import (
	"context"
	"fmt"
	"net/http"

	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/verify"
)

// AnsiraStatusByReason returns the HTTP statuses Ansira's documentation
// gives where they differ from RFC 6750's: 403 for an expired token (RFC
// 6750: 401) and, as RFC 6750 too, 403 for a missing scope. A missing token
// stays 401. It is keyed by the reasons middleware.Config.StatusByReason
// takes; the WWW-Authenticate challenge is unchanged (error="invalid_token",
// error_description="expired"). The map is new on every call.
func AnsiraStatusByReason() map[string]int {
	return map[string]int{
		verify.ReasonExpired:          http.StatusForbidden,
		middleware.ReasonMissingScope: http.StatusForbidden,
	}
}

// AnsiraConfig configures Ansira.
type AnsiraConfig struct {
	// JWKSURL and PEMURL say where the authorization server's keys are:
	// exactly one of them is required. A JWK Set is refreshed as the
	// server rotates its keys (new kid); a PEM key is fetched again when a
	// signature fails against it.
	JWKSURL string
	PEMURL  string

	// Issuer is the "iss" the tokens must carry, compared exactly.
	// Required.
	Issuer string

	// Audiences lists the accepted "aud" values. Required unless
	// InsecureSkipAudienceCheck is set.
	Audiences []string

	// InsecureSkipAudienceCheck accepts any "aud", or none: any token of
	// the authorization server, whichever API it was meant for, is then
	// accepted. Ansira logs the choice at Warn.
	InsecureSkipAudienceCheck bool

	// Algorithms lists the accepted signature algorithms. If nil,
	// {"RS256"}.
	Algorithms []string

	// DocumentedStatuses makes the profile answer as Ansira's
	// documentation says (AnsiraStatusByReason: an expired token 403). If
	// false, RFC 6750's statuses (an expired token 401), which the
	// middleware uses by default.
	DocumentedStatuses bool

	// Validators run after every other check, on every accepted token.
	// An error refuses the token with verify.ErrClaims.
	Validators []func(ctx context.Context, c *AnsiraClaims) error

	Settings
}

// Ansira returns a profile for the access tokens of Ansira's (SproutLoud's)
// OAuth 2.0 authorization server:
//
//   - the server's keys from AnsiraConfig.JWKSURL or AnsiraConfig.PEMURL;
//   - RS256 (or AnsiraConfig.Algorithms), exp, nbf and iat with leeway,
//     iss exactly AnsiraConfig.Issuer, aud one of AnsiraConfig.Audiences;
//   - claims decoded into AnsiraClaims, whose comma-separated scope (a
//     claims.CommaScopes: this profile is where commas separate scopes)
//     middleware.RequireScopes reads;
//   - tokens read from "Authorization: Bearer";
//   - with AnsiraConfig.DocumentedStatuses, StatusByReason answers an
//     expired token with 403 as Ansira documents.
//
// The caller must Close the profile.
func Ansira(cfg AnsiraConfig) (*Profile[AnsiraClaims], error) {
	if (cfg.JWKSURL == "") == (cfg.PEMURL == "") {
		return nil, fmt.Errorf("%w: AnsiraConfig needs exactly one of JWKSURL and PEMURL", ErrConfig)
	}
	if cfg.Issuer == "" {
		return nil, fmt.Errorf("%w: AnsiraConfig.Issuer is required", ErrConfig)
	}
	if len(cfg.Audiences) == 0 && !cfg.InsecureSkipAudienceCheck {
		return nil, fmt.Errorf("%w: AnsiraConfig.Audiences is required (or set InsecureSkipAudienceCheck)", ErrConfig)
	}
	algs := cfg.Algorithms
	if algs == nil {
		algs = []string{"RS256"}
	}
	var (
		src *keysource.Remote
		err error
	)
	if cfg.JWKSURL != "" {
		src, err = keysource.NewJWKS(keysource.JWKSConfig{URL: cfg.JWKSURL, FetchConfig: cfg.Fetch})
	} else {
		src, err = keysource.NewPEM(keysource.PEMConfig{URL: cfg.PEMURL, FetchConfig: cfg.Fetch})
	}
	if err != nil {
		return nil, err
	}
	v, err := verify.New(verify.Config[AnsiraClaims]{
		Keys:                      src,
		Algorithms:                algs,
		Issuers:                   []string{cfg.Issuer},
		Audiences:                 cfg.Audiences,
		InsecureSkipAudienceCheck: cfg.InsecureSkipAudienceCheck,
		Leeway:                    cfg.Leeway,
		Now:                       cfg.Now,
		CacheSize:                 cfg.CacheSize,
		Revocation:                cfg.Revocation,
		Observer:                  cfg.Observer,
		Validators:                cfg.Validators,
	})
	if err != nil {
		_ = src.Close()
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if cfg.InsecureSkipAudienceCheck {
		cfg.warnInsecure("Ansira", "InsecureSkipAudienceCheck", "aud is not checked; any token of "+cfg.Issuer+" is accepted, whichever API it was meant for")
	}
	p := &Profile[AnsiraClaims]{
		Verifier:   v,
		Extractors: []middleware.Extractor{middleware.BearerHeader()},
		issuer:     cfg.Issuer,
		places:     []string{placeBearer},
		ready:      []func(context.Context) error{src.Ready},
		sources:    []keysource.Source{src},
		closers:    []func() error{src.Close},
	}
	if cfg.DocumentedStatuses {
		p.StatusByReason = AnsiraStatusByReason()
	}
	return p, nil
}
