package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jwtguard/jwtguard/internal/cliflag"
)

// config is the parsed command line.
type config struct {
	addr         string        // API listen address
	demoAddr     string        // demo issuer listen address (demo mode only)
	oidc         string        // issuer URL for OIDC discovery
	jwks         string        // JWKS URL
	pem          string        // PEM URL
	secretFile   string        // -secret-file: HMAC secret
	issuers      []string      // -iss
	audience     []string      // -aud, repeatable
	algs         []string      // -alg
	types        cliflag.Types // -typ
	headers      []string      // -header, repeatable
	leeway       time.Duration // -leeway
	insecure     bool          // -insecure-allow-http
	skipAudience bool          // -insecure-skip-audience
	profileFlags
	dpopFlags
	revocationFlags // -redis (revocations and DPoP replays), -logout-aud, -revocation-max-lag
}

// demo reports whether the API is protected by the embedded demo issuer
// (no real issuer given).
func (c *config) demo() bool {
	return c.profile == "" && c.oidc == "" && c.jwks == "" && c.pem == "" && c.secretFile == ""
}

const usageHead = `Usage: chi-server [flags]

Runs a small API protected by jwtguard:
  GET /healthz       public: liveness
  GET /readyz        public: readiness (200 when the keys are fetched and fresh, else 503)
  GET /metrics       public: Prometheus metrics (verifications, keys, HTTP decisions)
  GET /api/me        any valid token; answers its verified claims
  GET /api/reports   scope reports:read
  GET /api/admin     realm role admin

With no key flag it also starts a DEMO issuer on -demo-addr (loopback only)
and protects the API with it through OpenID Connect discovery. With -oidc,
-jwks, -pem or -secret-file it protects the API with a real issuer instead;
then -aud (this API's audience) is required, or -insecure-skip-audience.

DPoP-bound tokens (RFC 9449) are accepted next to bearer tokens by default
(-dpop); the demo issuer binds a token to the key of a DPoP proof sent to
POST /token, and go run ./examples/dpop-client shows the whole exchange.
`

// parseFlags parses args. Usage errors are returned (and -h prints the
// usage to out and returns flag.ErrHelp).
func parseFlags(args []string, out io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("chi-server", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprint(out, usageHead, profileUsage, revocationUsage, "\nFlags:\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "API listen `address`")
	fs.StringVar(&c.demoAddr, "demo-addr", "127.0.0.1:8081", "demo issuer listen `address` (loopback only; demo mode)")
	fs.StringVar(&c.oidc, "oidc", "", "protect the API with this `issuer` URL, found by OIDC discovery")
	fs.StringVar(&c.jwks, "jwks", "", "protect the API with the keys at this JWKS `URL` (needs -iss)")
	fs.StringVar(&c.pem, "pem", "", "protect the API with the public key(s) at this PEM `URL` (needs -iss)")
	fs.StringVar(&c.secretFile, "secret-file", "", "protect the API with the HS256/384/512 secret in this `FILE`, its bytes as stored (needs -iss)")
	fs.Var(cliflag.List{Values: &c.issuers}, "iss", "accepted `issuer` (repeatable; default the -oidc issuer, or the demo issuer)")
	fs.Var(cliflag.List{Values: &c.audience}, "aud", "accepted `audience` (repeatable; default \""+demoAudience+"\" in demo mode; required with a real issuer)")
	fs.Var(cliflag.List{Values: &c.algs}, "alg", "accepted `algorithms`, comma-separated (default RS256; HS256,HS384,HS512 with -secret-file)")
	c.types.Define(fs)
	fs.Var(cliflag.List{Values: &c.headers}, "header", "also read a bare token from this header `name` (repeatable), e.g. x-access-token")
	fs.DurationVar(&c.leeway, "leeway", 60*time.Second, "clock skew tolerated on exp, nbf and iat (0: none)")
	fs.BoolVar(&c.insecure, "insecure-allow-http", false, "allow http key URLs to non-loopback hosts")
	fs.BoolVar(&c.skipAudience, "insecure-skip-audience", false, "INSECURE: accept tokens issued for any audience (instead of -aud)")
	c.addProfileFlags(fs)
	c.addDPoPFlags(fs)
	c.addRevocationFlags(fs)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (flags only; see -h)", fs.Arg(0))
	}
	return c, c.check()
}

func (c *config) check() error {
	if err := c.checkProfile(); err != nil {
		return err
	}
	if err := c.checkRevocation(); err != nil {
		return err
	}
	if err := c.checkDPoP(); err != nil {
		return err
	}
	if c.profile != "" {
		if c.leeway < 0 {
			return errors.New("-leeway is negative")
		}
		return nil
	}
	n := 0
	for _, v := range []string{c.oidc, c.jwks, c.pem, c.secretFile} {
		if v != "" {
			n++
		}
	}
	switch {
	case n > 1:
		return errors.New("give one of -oidc, -jwks, -pem and -secret-file")
	case (c.jwks != "" || c.pem != "" || c.secretFile != "") && len(c.issuers) == 0:
		return errors.New("-jwks, -pem and -secret-file need -iss: the issuer whose tokens to accept")
	case c.leeway < 0:
		return errors.New("-leeway is negative")
	}
	if err := cliflag.CheckAlgorithms(c.algs, c.secretFile != ""); err != nil {
		return err
	}
	if err := c.checkAudience(); err != nil {
		return err
	}
	for _, h := range c.headers {
		if !isHeaderName(h) {
			return fmt.Errorf("-header %q is not a valid header name", h)
		}
	}
	if c.demo() {
		if err := checkLoopback("-demo-addr", c.demoAddr); err != nil {
			return err
		}
		return checkLoopback("-addr", c.addr)
	}
	return nil
}

// checkAudience requires -aud with a real issuer, unless the user chose
// -insecure-skip-audience: a token the issuer gave for another API must not
// open this one by default.
func (c *config) checkAudience() error {
	switch {
	case len(c.audience) > 0 && c.skipAudience:
		return errors.New("give -aud or -insecure-skip-audience, not both")
	case len(c.audience) == 0 && !c.skipAudience && !c.demo():
		return errors.New("-aud is required with a real issuer: pass this API's audience (-aud my-api), or -insecure-skip-audience to accept the issuer's tokens for any audience")
	}
	return nil
}

// isHeaderName reports whether name is an RFC 9110 field name (a token).
func isHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
