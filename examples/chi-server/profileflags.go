package main

import (
	"errors"
	"flag"
	"fmt"
	"slices"

	"github.com/jwtguard/jwtguard/internal/cliflag"
)

// The values of -profile.
const (
	profileKeycloak = "keycloak"
	profileErply    = "erply"
	profileEPR      = "epr"
	profileAnsira   = "ansira"
)

var profiles = []string{profileKeycloak, profileErply, profileEPR, profileAnsira}

// profileFlags are the flags of -profile, which protects the API with one
// of jwtguard's issuer profiles instead of the generic -oidc, -jwks or
// -pem setup.
type profileFlags struct {
	profile    string // -profile
	azp        []string
	fetchBase  string // -oidc-fetch-base
	account    string
	eprBase    string
	eprToken   string // -epr-partner-token-file
	documented bool   // -documented-statuses
	skipIssuer bool   // -insecure-skip-issuer
}

const profileUsage = `
With -profile it protects the API as one of jwtguard's issuer profiles:
  -profile keycloak -oidc ISSUER [-azp CLIENT] [-aud AUD] [-oidc-fetch-base URL]
  -profile erply    -pem URL -account CLIENT_CODE (-iss ISSUER | -insecure-skip-issuer)
                    (-aud AUD | -insecure-skip-audience)
  -profile ansira   (-jwks URL | -pem URL) -iss ISSUER (-aud AUD | -insecure-skip-audience)
                    [-documented-statuses]
  -profile epr      -epr-base URL -epr-partner-token-file FILE
`

// addProfileFlags defines the profile flags on fs.
func (p *profileFlags) addProfileFlags(fs *flag.FlagSet) {
	fs.StringVar(&p.profile, "profile", "", "protect the API as an issuer `profile`: keycloak, erply, ansira or epr")
	fs.Var(cliflag.List{Values: &p.azp}, "azp", "accepted `client` (azp) of Keycloak tokens (repeatable; -profile keycloak)")
	fs.StringVar(&p.fetchBase, "oidc-fetch-base", "", "fetch the -oidc issuer's documents from this internal `URL` (-profile keycloak behind a proxy)")
	fs.StringVar(&p.account, "account", "", "the Erply account (client code) whose tokens to accept (-profile erply)")
	fs.StringVar(&p.eprBase, "epr-base", "", "the EPR partner API's base `URL` (-profile epr)")
	fs.StringVar(&p.eprToken, "epr-partner-token-file", "", "`file` holding the partner's EPR token, read again for every check (-profile epr)")
	fs.BoolVar(&p.documented, "documented-statuses", false, "answer an expired token 403, as Ansira documents, not 401 (-profile ansira)")
	fs.BoolVar(&p.skipIssuer, "insecure-skip-issuer", false, "INSECURE: do not check iss; the -pem key alone tells the issuer (-profile erply, whose iss is undocumented)")
}

// checkProfile checks the flags that -profile needs and those it refuses.
// c is the whole command line.
func (c *config) checkProfile() error {
	p := &c.profileFlags
	if p.profile == "" {
		for name, set := range map[string]bool{
			"-azp": len(p.azp) > 0, "-oidc-fetch-base": p.fetchBase != "", "-account": p.account != "",
			"-epr-base": p.eprBase != "", "-epr-partner-token-file": p.eprToken != "", "-documented-statuses": p.documented,
			"-insecure-skip-issuer": p.skipIssuer,
		} {
			if set {
				return fmt.Errorf("%s needs -profile", name)
			}
		}
		return nil
	}
	if !slices.Contains(profiles, p.profile) {
		return fmt.Errorf("-profile %q: want one of keycloak, erply, ansira, epr", p.profile)
	}
	if len(c.headers) > 0 {
		return errors.New("-header does not go with -profile: the profile reads tokens where its issuer's clients send them")
	}
	// only refuses each flag that is set but not among the profile's.
	only := func(allowed ...string) error {
		for name, set := range map[string]bool{
			"-oidc": c.oidc != "", "-jwks": c.jwks != "", "-pem": c.pem != "", "-iss": len(c.issuers) > 0,
			"-aud": len(c.audience) > 0, "-alg": len(c.algs) > 0, "-azp": len(p.azp) > 0,
			"-oidc-fetch-base": p.fetchBase != "", "-account": p.account != "", "-epr-base": p.eprBase != "",
			"-epr-partner-token-file": p.eprToken != "", "-documented-statuses": p.documented,
			"-secret-file": c.secretFile != "", "-typ": c.types.Given(), "-insecure-skip-issuer": p.skipIssuer,
			"-insecure-skip-audience": c.skipAudience,
		} {
			if set && !slices.Contains(allowed, name) {
				return fmt.Errorf("-profile %s does not take %s", p.profile, name)
			}
		}
		return nil
	}
	switch p.profile {
	case profileKeycloak:
		if c.oidc == "" {
			return errors.New("-profile keycloak needs -oidc: the realm's issuer URL, e.g. https://sso.example.com/realms/main")
		}
		if err := only("-oidc", "-aud", "-alg", "-azp", "-oidc-fetch-base"); err != nil {
			return err
		}
		if len(p.azp) == 0 && len(c.audience) == 0 {
			return errors.New("-profile keycloak needs -azp CLIENT (or -aud AUDIENCE): without either, a token any user gets through the realm's admin-cli or account-console clients would be accepted")
		}
		return nil
	case profileErply:
		if c.pem == "" || p.account == "" {
			return errors.New("-profile erply needs -pem (Erply's key URL; production: https://id.erply.com/jwt/pubkey.pem) and -account (the client code)")
		}
		if len(c.issuers) > 1 {
			return errors.New("-profile erply takes one -iss")
		}
		if err := only("-pem", "-account", "-iss", "-aud", "-insecure-skip-issuer", "-insecure-skip-audience"); err != nil {
			return err
		}
		switch {
		case len(c.issuers) > 0 && p.skipIssuer:
			return errors.New("give -iss or -insecure-skip-issuer, not both")
		case len(c.issuers) == 0 && !p.skipIssuer:
			return errors.New("-profile erply needs -iss (the iss of Erply's tokens, as jwtverify shows it) or -insecure-skip-issuer (iss not checked: Erply does not document it, and the -pem key alone tells Erply's tokens from others')")
		}
		return c.checkAudience()
	case profileAnsira:
		if (c.jwks == "") == (c.pem == "") || len(c.issuers) != 1 {
			return errors.New("-profile ansira needs one of -jwks and -pem, and one -iss")
		}
		if err := only("-jwks", "-pem", "-iss", "-aud", "-alg", "-documented-statuses", "-insecure-skip-audience"); err != nil {
			return err
		}
		return c.checkAudience()
	default: // epr
		if p.eprBase == "" || p.eprToken == "" {
			return errors.New("-profile epr needs -epr-base and -epr-partner-token-file")
		}
		return only("-epr-base", "-epr-partner-token-file")
	}
}
