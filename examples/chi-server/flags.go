package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// config is the parsed command line.
type config struct {
	addr     string        // API listen address
	demoAddr string        // demo issuer listen address (demo mode only)
	oidc     string        // issuer URL for OIDC discovery
	jwks     string        // JWKS URL
	pem      string        // PEM URL
	issuers  []string      // -iss
	audience []string      // -aud, repeatable
	algs     []string      // -alg
	headers  []string      // -header, repeatable
	leeway   time.Duration // -leeway
	insecure bool          // -insecure-allow-http
	profileFlags
}

// demo reports whether the API is protected by the embedded demo issuer
// (no real issuer given).
func (c *config) demo() bool {
	return c.profile == "" && c.oidc == "" && c.jwks == "" && c.pem == ""
}

// listFlag is a repeatable flag that also splits on commas.
type listFlag struct{ values *[]string }

func (l listFlag) String() string {
	if l.values == nil {
		return ""
	}
	return strings.Join(*l.values, ",")
}

func (l listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l.values = append(*l.values, s)
		}
	}
	return nil
}

const usageHead = `Usage: chi-server [flags]

Runs a small API protected by jwtguard:
  GET /healthz       public
  GET /api/me        any valid token; answers its verified claims
  GET /api/reports   scope reports:read
  GET /api/admin     realm role admin

With no key flag it also starts a DEMO issuer on -demo-addr (loopback only)
and protects the API with it through OpenID Connect discovery. With -oidc,
-jwks or -pem it protects the API with a real issuer instead.
`

// parseFlags parses args. Usage errors are returned (and -h prints the
// usage to out and returns flag.ErrHelp).
func parseFlags(args []string, out io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("chi-server", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprint(out, usageHead, profileUsage, "\nFlags:\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "API listen `address`")
	fs.StringVar(&c.demoAddr, "demo-addr", "127.0.0.1:8081", "demo issuer listen `address` (loopback only; demo mode)")
	fs.StringVar(&c.oidc, "oidc", "", "protect the API with this `issuer` URL, found by OIDC discovery")
	fs.StringVar(&c.jwks, "jwks", "", "protect the API with the keys at this JWKS `URL` (needs -iss)")
	fs.StringVar(&c.pem, "pem", "", "protect the API with the public key(s) at this PEM `URL` (needs -iss)")
	fs.Var(listFlag{&c.issuers}, "iss", "accepted `issuer` (repeatable; default the -oidc issuer, or the demo issuer)")
	fs.Var(listFlag{&c.audience}, "aud", "accepted `audience` (repeatable; default \""+demoAudience+"\" in demo mode; none: audience not checked)")
	fs.Var(listFlag{&c.algs}, "alg", "accepted `algorithms`, comma-separated (default RS256)")
	fs.Var(listFlag{&c.headers}, "header", "also read a bare token from this header `name` (repeatable), e.g. x-access-token")
	fs.DurationVar(&c.leeway, "leeway", 60*time.Second, "clock skew tolerated on exp, nbf and iat (0: none)")
	fs.BoolVar(&c.insecure, "insecure-allow-http", false, "allow http key URLs to non-loopback hosts")
	c.addProfileFlags(fs)
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
	if c.profile != "" {
		if c.leeway < 0 {
			return errors.New("-leeway is negative")
		}
		return nil
	}
	n := 0
	for _, v := range []string{c.oidc, c.jwks, c.pem} {
		if v != "" {
			n++
		}
	}
	switch {
	case n > 1:
		return errors.New("give one of -oidc, -jwks and -pem")
	case (c.jwks != "" || c.pem != "") && len(c.issuers) == 0:
		return errors.New("-jwks and -pem need -iss: the issuer whose tokens to accept")
	case c.leeway < 0:
		return errors.New("-leeway is negative")
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
