package main

import (
	"errors"
	"flag"
	"fmt"
	"net/url"

	"github.com/jwtguard/jwtguard/middleware"
)

// dpopFlags are the DPoP (RFC 9449) flags.
type dpopFlags struct {
	dpopMode        middleware.DPoPMode // -dpop
	publicURL       string              // -public-url
	dpopNonce       bool                // -dpop-nonce
	dpopNonceSecret string              // -dpop-nonce-secret-file
}

// dpopModeFlag is -dpop's flag.Value.
type dpopModeFlag struct{ m *middleware.DPoPMode }

func (f dpopModeFlag) String() string {
	if f.m == nil {
		return middleware.DPoPAllowed.String()
	}
	return f.m.String()
}

func (f dpopModeFlag) Set(s string) error {
	m, err := middleware.ParseDPoPMode(s)
	if err != nil {
		return errors.New("must be off, allowed or required")
	}
	*f.m = m
	return nil
}

func (c *dpopFlags) addDPoPFlags(fs *flag.FlagSet) {
	fs.Var(dpopModeFlag{&c.dpopMode}, "dpop", "DPoP-bound tokens (RFC 9449), one `mode`: off, allowed (the default: Authorization: DPoP with a proof, next to Bearer; a bound token must come with its proof) or required (every token must be DPoP-bound)")
	fs.StringVar(&c.publicURL, "public-url", "", "the external base `URL` clients use to reach the API (e.g. https://api.example.com, the load balancer's): DPoP proofs must name it in htu, whatever the Host header says; every replica behind one balancer gets the same. Default: the request's own scheme and Host header (trusts Host)")
	fs.BoolVar(&c.dpopNonce, "dpop-nonce", false, "require a server nonce in DPoP proofs (RFC 9449 section 8; answered with use_dpop_nonce and a DPoP-Nonce header)")
	fs.StringVar(&c.dpopNonceSecret, "dpop-nonce-secret-file", "", "the nonce secret (at least 32 bytes) in this `FILE`; replicas must share it to accept each other's nonces. Default: random per process")
}

func (c *dpopFlags) checkDPoP() error {
	if c.publicURL != "" {
		u, err := url.Parse(c.publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("-public-url %q: want a scheme and host such as https://api.example.com", c.publicURL)
		}
	}
	if c.dpopNonceSecret != "" && !c.dpopNonce {
		return errors.New("-dpop-nonce-secret-file needs -dpop-nonce")
	}
	if c.dpopMode == middleware.DPoPOff && (c.dpopNonce || c.publicURL != "") {
		return errors.New("-dpop-nonce and -public-url configure DPoP, which -dpop off turns off")
	}
	return nil
}
