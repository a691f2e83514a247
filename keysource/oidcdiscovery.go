package keysource

import (
	"context"
	"fmt"
	"slices"

	"github.com/go-json-experiment/json"
)

// Discovery holds the members of an OpenID Connect discovery document
// (OpenID Connect Discovery 1.0, section 3) that jwtguard uses or that a
// profile may want. URLs are as published, not rewritten by FetchBaseURL.
type Discovery struct {
	// Issuer is "issuer"; it equals the configured issuer.
	Issuer string `json:"issuer"`
	// JWKSURI is "jwks_uri", the JWK Set's URL.
	JWKSURI string `json:"jwks_uri"`
	// IDTokenSigningAlgValuesSupported is
	// "id_token_signing_alg_values_supported".
	IDTokenSigningAlgValuesSupported []string `json:"id_token_signing_alg_values_supported"`
	// AuthorizationEndpoint is "authorization_endpoint".
	AuthorizationEndpoint string `json:"authorization_endpoint,omitempty"`
	// TokenEndpoint is "token_endpoint".
	TokenEndpoint string `json:"token_endpoint,omitempty"`
	// UserinfoEndpoint is "userinfo_endpoint".
	UserinfoEndpoint string `json:"userinfo_endpoint,omitempty"`
	// IntrospectionEndpoint is "introspection_endpoint" (RFC 8414).
	IntrospectionEndpoint string `json:"introspection_endpoint,omitempty"`
	// EndSessionEndpoint is "end_session_endpoint".
	EndSessionEndpoint string `json:"end_session_endpoint,omitempty"`
	// ScopesSupported is "scopes_supported".
	ScopesSupported []string `json:"scopes_supported,omitempty"`
}

func (d *Discovery) clone() *Discovery {
	c := *d
	c.IDTokenSigningAlgValuesSupported = slices.Clone(d.IDTokenSigningAlgValuesSupported)
	c.ScopesSupported = slices.Clone(d.ScopesSupported)
	return &c
}

// discover fetches and checks the discovery document: a JSON object whose
// "issuer" equals the configured issuer and whose "jwks_uri" is set.
func (o *OIDC) discover(ctx context.Context) (*Discovery, error) {
	resp, err := o.getter.get(ctx, o.discoveryURL, "application/json", validators{})
	if err != nil {
		return nil, fmt.Errorf("keysource: OIDC discovery: %w", err)
	}
	var d Discovery
	// Strict JSON: member names match exactly and may not repeat, so no
	// second or differently-cased "issuer" can slip past the check below.
	if err := json.Unmarshal(resp.body, &d); err != nil {
		return nil, fmt.Errorf("%w: discovery document %s: %v", ErrMalformed, o.discoveryURL, err)
	}
	if d.Issuer != o.issuer {
		return nil, fmt.Errorf("%w: %s names %q, want %q", ErrIssuerMismatch, o.discoveryURL, d.Issuer, o.issuer)
	}
	if d.JWKSURI == "" {
		return nil, fmt.Errorf("%w: discovery document %s has no jwks_uri", ErrMalformed, o.discoveryURL)
	}
	return &d, nil
}
