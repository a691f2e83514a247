package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jwtguard/jwtguard/middleware"
)

// bannerTTL is the lifetime of the token printed at startup.
const bannerTTL = time.Hour

// printBanner tells a new user what runs and how to try it: the URLs, the
// checks, and curl commands with their expected statuses (in demo mode with
// a fresh token, ready to paste).
func printBanner(w io.Writer, a *app) error {
	var b strings.Builder
	b.WriteString("jwtguard example: an API protected by jwtguard\n\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  API\t%s\n", a.apiURL)
	if a.demo != nil {
		fmt.Fprintf(tw, "  demo issuer\t%s   DEMO ONLY: it signs a token for anyone on this machine\n", a.issuerURL)
		fmt.Fprintf(tw, "  discovery\t%s%s\n", a.issuerURL, discoveryPath)
	}
	fmt.Fprintf(tw, "  keys\t%s\n", a.auth.keys)
	fmt.Fprintf(tw, "  checks\t%s\n", a.auth.checks)
	if a.rev != nil {
		fmt.Fprintf(tw, "  revocations\t%s\n", a.rev.desc)
	}
	if a.auth.logout != "" {
		fmt.Fprintf(tw, "  logout\tPOST %s%s receives back-channel logout tokens for client %q\n", a.apiURL, backchannelPath, a.auth.logout)
	}
	fmt.Fprintf(tw, "  DPoP\t%s\n", a.dpop.describe)
	tw.Flush()
	for _, warn := range a.auth.warnings {
		fmt.Fprintf(&b, "  warning: %s\n", warn)
	}
	b.WriteString("\n")

	api := a.apiURL
	bearer := func(v, path, want string) string {
		return fmt.Sprintf("curl -i -H \"%s $%s\" %s%s\t# %s\n", a.auth.header, v, api, path, want)
	}
	sid := randomID()
	if a.demo != nil {
		tok, err := a.demo.mint(tokenRequest{sub: defaultSub, sid: sid, scopes: []string{"openid", "reports:read"}, roles: []string{"user"}, ttl: bannerTTL})
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "A token for %q with scope \"openid reports:read\" and realm role \"user\", valid for one hour, session (sid) %s:\n\n", defaultSub, sid)
		fmt.Fprintf(&b, "TOKEN='%s'\n\n", tok)
	} else {
		b.WriteString("Put an access token from that issuer in TOKEN (TOKEN='eyJ...'), then:\n\n")
	}
	if a.cfg.dpopMode == middleware.DPoPRequired {
		b.WriteString("(-dpop required: every bearer token below is refused, 401 dpop_required; the dpop-client at the end shows DPoP.)\n\n")
	}
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "curl -i %s/healthz\t# 200, public: liveness\n", api)
	fmt.Fprintf(tw, "curl -i %s%s\t# 200 when the keys are fetched and fresh and the revocations in sync, else 503 naming what is not ready\n", api, readyPath)
	fmt.Fprintf(tw, "curl -i %s/api/me\t# 401, no token\n", api)
	fmt.Fprint(tw, bearer("TOKEN", "/api/me", "200, the verified claims"))
	if a.demo != nil {
		fmt.Fprint(tw, bearer("TOKEN", "/api/reports", "200, the token has scope reports:read"))
		fmt.Fprint(tw, bearer("TOKEN", "/api/admin", "403 insufficient_scope, the token lacks realm role admin"))
	} else {
		fmt.Fprint(tw, bearer("TOKEN", "/api/reports", a.auth.hints.reportsOr("200 with scope reports:read, else 403 insufficient_scope")))
		fmt.Fprint(tw, bearer("TOKEN", "/api/admin", a.auth.hints.adminOr("200 with realm role admin, else 403 insufficient_scope")))
	}
	tw.Flush()
	if a.demo != nil {
		mint := fmt.Sprintf("curl -s -H 'Accept: text/plain' %s%s", a.issuerURL, tokenPath)
		fmt.Fprintf(&b, "\nMore tokens: POST %s%s with form fields sub, sid, scope (space-separated), roles (comma-separated), ttl (e.g. 10m):\n\n", a.issuerURL, tokenPath)
		tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "ADMIN=$(%s -d roles=admin,user)\n", mint)
		fmt.Fprint(tw, bearer("ADMIN", "/api/admin", "200"))
		fmt.Fprintf(tw, "OLD=$(%s -d ttl=-5m)\n", mint)
		fmt.Fprint(tw, bearer("OLD", "/api/me", "401 invalid_token, error_description=\"expired\""))
		tw.Flush()
		fmt.Fprintf(&b, "\nLog TOKEN's session out: like Keycloak, the demo issuer signs a logout token and POSTs it to the API's %s:\n\n", backchannelPath)
		tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "curl -i -d sid=%s %s%s\t# 200, the API's answer (-d sub=%s: every token of the subject)\n", sid, a.issuerURL, logoutPath, defaultSub)
		fmt.Fprint(tw, bearer("TOKEN", "/api/me", "401 invalid_token, error_description=\"revoked\""))
		tw.Flush()
		if a.cfg.dpopMode != middleware.DPoPOff {
			fmt.Fprintf(&b, "\nDPoP-bound tokens: POST %s%s with a DPoP proof header gets a token bound to the proof's key (token_type DPoP).\n"+
				"The example client makes a key, gets such a token and calls the API with fresh proofs (a replayed one is refused):\n\n", a.issuerURL, tokenPath)
			fmt.Fprintf(&b, "go run ./examples/dpop-client -issuer %s -api %s/api/me%s\n", a.issuerURL, api, publicURLFlag(a.cfg.publicURL))
		}
	}
	fmt.Fprintf(&b, "\nMetrics for Prometheus (verifications, keys, HTTP decisions), after a few requests:\n\ncurl -s %s%s | grep '^jwtguard_'\n", api, metricsPath)
	b.WriteString("\nOne log line per request goes to stderr. Ctrl-C stops.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// publicURLFlag is the dpop-client's -public-url argument, "" when the API
// has none.
func publicURLFlag(u string) string {
	if u == "" {
		return ""
	}
	return " -public-url " + u
}
