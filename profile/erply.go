package profile

import (
	"context"
	"fmt"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/verify"
)

// ErplyProductionPEMURL is the URL of the public key of Erply's production
// identity service, as Erply's documentation gives it. Erply's sandbox
// serves its own key on another host, which jwtguard does not name: take
// it from Erply.
const ErplyProductionPEMURL = "https://id.erply.com/jwt/pubkey.pem"

// ErplyTokenHeader is the header in which Erply's clients may send a bare
// token, instead of "Authorization: Bearer".
const ErplyTokenHeader = "jwt"

// ErplyConfig configures Erply.
type ErplyConfig struct {
	// PEMURL is the URL of Erply's public key, in PEM. Required:
	// ErplyProductionPEMURL in production; the sandbox's own URL there.
	// The key "can change over time": it is fetched, never stored, and
	// fetched again when a token's signature fails against it (at most
	// once per Fetch.RefreshCooldown, 30 s by default), which is how a
	// rotated key is picked up.
	PEMURL string

	// Account is the Erply account (client code) the service serves.
	// Required: a token is accepted only when its account claim (see
	// Claims) is exactly Account. An Erply token is valid for one account
	// only; without this check a token of any Erply customer would pass.
	Account string

	// Issuer is the "iss" the tokens must carry, compared exactly.
	// Required unless InsecureSkipIssuerCheck is set. Erply does not
	// document its tokens' iss: read it from a real token (jwtverify
	// prints the claims). Multi needs it to route tokens.
	Issuer string

	// InsecureSkipIssuerCheck accepts any "iss", or none, when Issuer is
	// empty (setting both is an error). The profile then relies on the
	// key, which Erply alone holds and serves from PEMURL, to tell Erply's
	// tokens from any other issuer's, and on the account check to tell one
	// account's from another's. Erply logs the choice at Warn.
	InsecureSkipIssuerCheck bool

	// Audiences lists the accepted "aud" values. Required unless
	// InsecureSkipAudienceCheck is set.
	Audiences []string

	// InsecureSkipAudienceCheck accepts any "aud", or none, when Audiences
	// is empty (setting both is an error). Erply documents no aud: without
	// it, a token of the account is bound to the account only, so a token
	// the account's users got for another service of the account opens
	// this one too. Erply logs the choice at Warn.
	InsecureSkipAudienceCheck bool

	// Claims names the claims Erply puts the account, the username and
	// the permissions in. The zero value uses the ASSUMED names clientCode,
	// username and permissions.
	Claims ErplyClaimNames

	// Validators run after every other check, on every accepted token.
	// An error refuses the token with verify.ErrClaims.
	Validators []func(ctx context.Context, c *claims.Erply) error

	Settings
}

// Erply returns a profile for tokens issued by Erply's identity service:
//
//   - the RSA key from ErplyConfig.PEMURL, tried for every token (Erply's
//     tokens have no kid); a signature failure causes one rate-limited
//     re-fetch, so a rotated key is picked up;
//   - RS256, exp (required), nbf and iat with leeway; iss exactly
//     ErplyConfig.Issuer and aud one of ErplyConfig.Audiences, each unless
//     its Insecure... field turns it off (logged at Warn);
//   - the account claim must be present ("missing_claim" otherwise) and
//     equal ErplyConfig.Account (ErrAccount otherwise);
//   - claims decoded into claims.Erply, with ClientCode, Username and
//     Permissions taken from the configured claim names;
//   - tokens read from "Authorization: Bearer" or the bare "jwt" header
//     (both in one request: 400);
//   - HasScope reads the permissions, so middleware.RequireScopes checks
//     Erply permissions.
//
// The caller must Close the profile.
func Erply(cfg ErplyConfig) (*Profile[claims.Erply], error) {
	if cfg.PEMURL == "" {
		return nil, fmt.Errorf("%w: ErplyConfig.PEMURL is required: %q in production, the sandbox's own URL there", ErrConfig, ErplyProductionPEMURL)
	}
	if cfg.Account == "" {
		return nil, fmt.Errorf("%w: ErplyConfig.Account (the client code whose tokens to accept) is required", ErrConfig)
	}
	if err := cfg.checkIssuerAudience(); err != nil {
		return nil, err
	}
	names, err := cfg.Claims.resolve()
	if err != nil {
		return nil, err
	}
	src, err := keysource.NewPEM(keysource.PEMConfig{URL: cfg.PEMURL, FetchConfig: cfg.Fetch})
	if err != nil {
		return nil, err
	}
	validators := []func(context.Context, *claims.Erply) error{names.mapClaims, checkAccount(cfg.Account)}
	vcfg := verify.Config[claims.Erply]{
		Keys:                      src,
		Algorithms:                []string{"RS256"},
		Audiences:                 cfg.Audiences,
		InsecureSkipAudienceCheck: cfg.InsecureSkipAudienceCheck,
		Leeway:                    cfg.Leeway,
		Now:                       cfg.Now,
		CacheSize:                 cfg.CacheSize,
		Revocation:                cfg.Revocation,
		Observer:                  cfg.Observer,
		RequiredClaims:            []string{names.Account},
		Validators:                append(validators, cfg.Validators...),
	}
	if cfg.Issuer != "" {
		vcfg.Issuers = []string{cfg.Issuer}
	} else {
		// The PEM key pins the issuer; see InsecureSkipIssuerCheck.
		vcfg.InsecureSkipIssuerCheck = true
	}
	v, err := verify.New(vcfg)
	if err != nil {
		_ = src.Close()
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if cfg.InsecureSkipIssuerCheck {
		cfg.warnInsecure("Erply", "InsecureSkipIssuerCheck", "iss is not checked; the key at "+cfg.PEMURL+" alone tells Erply's tokens from other issuers'")
	}
	if cfg.InsecureSkipAudienceCheck {
		cfg.warnInsecure("Erply", "InsecureSkipAudienceCheck", "aud is not checked; any token of account "+cfg.Account+" is accepted, whichever service it was meant for")
	}
	return &Profile[claims.Erply]{
		Verifier:   v,
		Extractors: []middleware.Extractor{middleware.BearerHeader(), middleware.Header(ErplyTokenHeader)},
		HasScope:   func(c *claims.Erply, permission string) bool { return c.Permissions.Has(permission) },
		issuer:     cfg.Issuer,
		places:     []string{placeBearer, headerPlace(ErplyTokenHeader)},
		ready:      []func(context.Context) error{src.Ready},
		sources:    []keysource.Source{src},
		closers:    []func() error{src.Close},
	}, nil
}

// checkIssuerAudience requires Issuer and Audiences, or their explicit
// Insecure... skips, never both.
func (cfg *ErplyConfig) checkIssuerAudience() error {
	switch {
	case cfg.Issuer == "" && !cfg.InsecureSkipIssuerCheck:
		return fmt.Errorf("%w: ErplyConfig.Issuer is required (the iss of Erply's tokens, as a real token shows it), or set InsecureSkipIssuerCheck to rely on the PEM key alone", ErrConfig)
	case cfg.Issuer != "" && cfg.InsecureSkipIssuerCheck:
		return fmt.Errorf("%w: ErplyConfig: set Issuer or InsecureSkipIssuerCheck, not both", ErrConfig)
	case len(cfg.Audiences) == 0 && !cfg.InsecureSkipAudienceCheck:
		return fmt.Errorf("%w: ErplyConfig.Audiences is required, or set InsecureSkipAudienceCheck to accept any token of the account whichever service it was meant for", ErrConfig)
	case len(cfg.Audiences) > 0 && cfg.InsecureSkipAudienceCheck:
		return fmt.Errorf("%w: ErplyConfig: set Audiences or InsecureSkipAudienceCheck, not both", ErrConfig)
	}
	return nil
}

// checkAccount accepts tokens for account only.
func checkAccount(account string) func(context.Context, *claims.Erply) error {
	return func(_ context.Context, c *claims.Erply) error {
		if string(c.ClientCode) == account {
			return nil
		}
		return fmt.Errorf("%w: account %q, want %q", ErrAccount, printable(string(c.ClientCode)), account)
	}
}
