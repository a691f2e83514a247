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

	// Issuer, if set, is the "iss" the tokens must carry, compared
	// exactly. Erply does not document its tokens' iss, so if "" the iss
	// is NOT checked: the profile then relies on the key, which Erply
	// alone holds and serves from PEMURL, to tell Erply's tokens from any
	// other issuer's, and on the account check to tell one account's from
	// another's. Set Issuer once it is known from a real token; Multi
	// needs it to route tokens.
	Issuer string

	// Audiences, if set, lists the accepted "aud" values. If empty, aud is
	// not checked (Erply does not document one); the account check binds
	// the token to the service's account instead.
	Audiences []string

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
//   - RS256, exp (required), nbf and iat with leeway; iss only when
//     ErplyConfig.Issuer is set, aud only when ErplyConfig.Audiences is;
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
		InsecureSkipAudienceCheck: len(cfg.Audiences) == 0,
		Leeway:                    cfg.Leeway,
		Now:                       cfg.Now,
		CacheSize:                 cfg.CacheSize,
		RequiredClaims:            []string{names.Account},
		Validators:                append(validators, cfg.Validators...),
	}
	if cfg.Issuer != "" {
		vcfg.Issuers = []string{cfg.Issuer}
	} else {
		// The PEM key pins the issuer; see ErplyConfig.Issuer.
		vcfg.InsecureSkipIssuerCheck = true
	}
	v, err := verify.New(vcfg)
	if err != nil {
		_ = src.Close()
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return &Profile[claims.Erply]{
		Verifier:   v,
		Extractors: []middleware.Extractor{middleware.BearerHeader(), middleware.Header(ErplyTokenHeader)},
		HasScope:   func(c *claims.Erply, permission string) bool { return c.Permissions.Has(permission) },
		issuer:     cfg.Issuer,
		places:     []string{placeBearer, headerPlace(ErplyTokenHeader)},
		ready:      []func(context.Context) error{src.Ready},
		closers:    []func() error{src.Close},
	}, nil
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
