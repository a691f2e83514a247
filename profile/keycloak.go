package profile

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/verify"
)

// e-Attestations' Keycloak, the documented example of the Keycloak profile.
const (
	// EAttestationsIssuer is the issuer of e-Attestations' production
	// realm.
	EAttestationsIssuer = "https://auth.e-attestations.com/auth/realms/eat_realm"
	// EAttestationsTestIssuer is the issuer of e-Attestations' test
	// environment.
	EAttestationsTestIssuer = "https://auth.test-e-attestations.com/auth/realms/eat_realm"
	// EAttestationsClient is the client e-Attestations' API tokens are
	// issued to (their azp).
	EAttestationsClient = "ea-api-edge"
)

// KeycloakAccessType is the "typ" claim of a Keycloak access token. Its
// other tokens say "Refresh", "Offline", "ID" or "Logout".
const KeycloakAccessType = "Bearer"

// KeycloakConfig configures Keycloak.
type KeycloakConfig struct {
	// Issuer is the realm's issuer exactly as its tokens carry it in
	// "iss" and its discovery document names it:
	// "https://{host}/realms/{realm}" since Keycloak 17,
	// "https://{host}/auth/realms/{realm}" before (and after, when
	// started with --http-relative-path=/auth), e.g. EAttestationsIssuer.
	// Required; https, except to a loopback host or with
	// Fetch.InsecureAllowHTTP; no trailing slash (Keycloak never writes
	// one). The keys are found through
	// {Issuer}/.well-known/openid-configuration, whose jwks_uri is
	// {Issuer}/protocol/openid-connect/certs.
	Issuer string

	// FetchBaseURL, if set, is where the realm's documents are fetched
	// from instead of Issuer, for a Keycloak reached by an internal
	// address (behind a proxy): discovery is read from
	// {FetchBaseURL}/.well-known/openid-configuration and a jwks_uri under
	// Issuer is fetched under FetchBaseURL. Tokens and the discovery
	// document must still name Issuer. If "", Issuer.
	FetchBaseURL string

	// Algorithms lists the accepted signature algorithms. If nil,
	// {"RS256"}, Keycloak's default. Add the realm's other key providers'
	// algorithms (PS256, ES256, ...) here; HMAC algorithms are refused,
	// since a realm's HMAC key is its own secret (Keycloak signs refresh
	// tokens with it) and never published.
	Algorithms []string

	// AuthorizedParties lists the accepted "azp" values: the clients whose
	// tokens the service accepts, e.g. {EAttestationsClient}. If empty,
	// azp is not checked. At least one of AuthorizedParties and Audiences
	// is required, unless InsecureAcceptAnyClient is set.
	AuthorizedParties []string

	// Audiences lists the accepted "aud" values. Keycloak's access tokens
	// often carry only "account" (the account console) or no aud at all,
	// unless the realm has an audience mapper for the service: then leave
	// Audiences empty and set AuthorizedParties, whose azp check binds
	// the token to the client it was issued to instead of an audience.
	// With neither, New refuses the Config unless InsecureAcceptAnyClient
	// is set: no check of who the token is for is ever dropped silently.
	Audiences []string

	// InsecureAcceptAnyClient accepts access tokens issued to any client of
	// the realm when neither AuthorizedParties nor Audiences is set. Every
	// realm has public clients (admin-cli, account-console) through which
	// any user can get an access token, so without an azp or aud check
	// those tokens open the service too. Keycloak logs the choice at Warn.
	InsecureAcceptAnyClient bool

	// Validators run after every other check, on every accepted token.
	// An error refuses the token with verify.ErrClaims.
	Validators []func(ctx context.Context, c *claims.Keycloak) error

	Settings
}

// Keycloak returns a profile for the access tokens of one Keycloak realm
// (or another OpenID Connect provider that shapes its tokens like
// Keycloak):
//
//   - keys from the realm's JWK Set, found by OpenID Connect discovery and
//     refreshed as the realm rotates them (keys with "use": "enc" are
//     skipped);
//   - RS256 (or KeycloakConfig.Algorithms), exp, nbf and iat with leeway,
//     iss exactly KeycloakConfig.Issuer;
//   - the "typ" claim must be "Bearer", or "DPoP" for a token bound to a
//     DPoP key (cnf.jkt), which the middleware accepts only with a valid
//     proof signed by that key (middleware.Config.DPoP): refresh, offline,
//     ID and logout tokens, and "DPoP" tokens without cnf.jkt, are refused
//     with a *TokenTypeError, which matches verify.ErrTokenType (reason
//     "token_type");
//   - azp and aud when configured; one of the two is required unless
//     KeycloakConfig.InsecureAcceptAnyClient is set;
//   - claims decoded into claims.Keycloak, whose Claim method reaches
//     the claims it does not name, such as e-Attestations' account_ids;
//   - tokens read from "Authorization: Bearer".
//
// The caller must Close the profile.
func Keycloak(cfg KeycloakConfig) (*Profile[claims.Keycloak], error) {
	if cfg.Issuer == "" {
		return nil, fmt.Errorf("%w: KeycloakConfig.Issuer is required, e.g. %q", ErrConfig, EAttestationsIssuer)
	}
	if strings.HasSuffix(cfg.Issuer, "/") {
		return nil, fmt.Errorf("%w: KeycloakConfig.Issuer %q ends with a slash; Keycloak's issuers never do, and iss is compared exactly", ErrConfig, cfg.Issuer)
	}
	algs := cfg.Algorithms
	if algs == nil {
		algs = []string{"RS256"}
	}
	for _, a := range algs {
		if strings.HasPrefix(strings.ToUpper(a), "HS") {
			return nil, fmt.Errorf("%w: KeycloakConfig.Algorithms holds %q; a realm publishes only asymmetric keys", ErrConfig, a)
		}
	}
	if slices.Contains(cfg.AuthorizedParties, "") {
		return nil, fmt.Errorf("%w: KeycloakConfig.AuthorizedParties holds an empty client", ErrConfig)
	}
	if len(cfg.AuthorizedParties) == 0 && len(cfg.Audiences) == 0 && !cfg.InsecureAcceptAnyClient {
		return nil, fmt.Errorf("%w: KeycloakConfig needs AuthorizedParties (azp) or Audiences (aud), or InsecureAcceptAnyClient: otherwise a token any user gets through the realm's admin-cli or account-console clients is accepted", ErrConfig)
	}
	src, err := keysource.NewOIDC(keysource.OIDCConfig{
		Issuer:       cfg.Issuer,
		FetchBaseURL: cfg.FetchBaseURL,
		FetchConfig:  cfg.Fetch,
	})
	if err != nil {
		return nil, err
	}
	validators := []func(context.Context, *claims.Keycloak) error{checkKeycloakType}
	if len(cfg.AuthorizedParties) > 0 {
		validators = append(validators, checkAuthorizedParty(slices.Clone(cfg.AuthorizedParties)))
	}
	v, err := verify.New(verify.Config[claims.Keycloak]{
		Keys:                      src,
		Algorithms:                algs,
		Issuers:                   []string{cfg.Issuer},
		Audiences:                 cfg.Audiences,
		InsecureSkipAudienceCheck: len(cfg.Audiences) == 0,
		Leeway:                    cfg.Leeway,
		Now:                       cfg.Now,
		CacheSize:                 cfg.CacheSize,
		Revocation:                cfg.Revocation,
		Observer:                  cfg.Observer,
		Validators:                append(validators, cfg.Validators...),
	})
	if err != nil {
		_ = src.Close()
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if cfg.InsecureAcceptAnyClient && len(cfg.AuthorizedParties) == 0 && len(cfg.Audiences) == 0 {
		cfg.warnInsecure("Keycloak", "InsecureAcceptAnyClient", "neither azp nor aud is checked; a token of any client of "+cfg.Issuer+" (admin-cli, account-console, ...) is accepted")
	}
	return &Profile[claims.Keycloak]{
		Verifier:   v,
		Extractors: []middleware.Extractor{middleware.BearerHeader()},
		issuer:     cfg.Issuer,
		places:     []string{placeBearer},
		ready:      []func(context.Context) error{src.Ready},
		sources:    []keysource.Source{src},
		closers:    []func() error{src.Close},
		logout:     &logoutSource{keys: src, issuer: cfg.Issuer, algorithms: slices.Clone(algs), leeway: cfg.Leeway, now: cfg.Now, revocation: cfg.Revocation},
	}, nil
}

// KeycloakDPoPType is the "typ" claim of a Keycloak access token bound to
// a DPoP key (Keycloak 26.4 and newer): accepted only when the token
// carries cnf.jkt, which makes the verifier require a DPoP proof signed by
// that key.
const KeycloakDPoPType = "DPoP"

// checkKeycloakType accepts access tokens only: "Bearer", or "DPoP" for a
// token bound to a key (cnf.jkt). After the validators, the verifier
// refuses a token with cnf.jkt that came without a matching DPoP proof
// (verify.ErrBinding), so a "DPoP" token is accepted only with its proof.
func checkKeycloakType(_ context.Context, c *claims.Keycloak) error {
	switch c.Type {
	case KeycloakAccessType:
		return nil
	case KeycloakDPoPType:
		if hasJKT(c) {
			return nil
		}
		return &TokenTypeError{Got: KeycloakDPoPType + " without cnf.jkt", Want: KeycloakAccessType}
	}
	return &TokenTypeError{Got: printable(c.Type), Want: KeycloakAccessType}
}

// hasJKT reports whether the token has a non-empty cnf.jkt (the verifier
// has already checked its shape and its proof).
func hasJKT(c *claims.Keycloak) bool {
	cnf, ok := c.Extra["cnf"].(map[string]any)
	if !ok {
		return false
	}
	jkt, ok := cnf["jkt"].(string)
	return ok && jkt != ""
}

// checkAuthorizedParty accepts tokens issued to one of parties.
func checkAuthorizedParty(parties []string) func(context.Context, *claims.Keycloak) error {
	return func(_ context.Context, c *claims.Keycloak) error {
		if slices.Contains(parties, c.AuthorizedParty) {
			return nil
		}
		if c.AuthorizedParty == "" {
			return fmt.Errorf("%w: no azp claim", ErrAuthorizedParty)
		}
		return fmt.Errorf("%w: azp %q", ErrAuthorizedParty, printable(c.AuthorizedParty))
	}
}
