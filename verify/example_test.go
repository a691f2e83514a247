package verify_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/verify"
)

// exampleT lets examples use the test key helpers, which fail a testing.TB.
var exampleT = &testing.T{}

// Verify an access token shaped like those of a Keycloak realm (here
// e-Attestations' eat_realm) and read its roles and custom claims.
func ExampleVerifier_Verify_keycloak() {
	const issuer = "https://auth.e-attestations.com/auth/realms/eat_realm"
	now := time.Unix(1_700_000_000, 0)

	// In production the keys come from keysource.NewOIDC(...) instead.
	key, _ := keysource.NewKey("Gb1H", "RS256", &testkeys.RSA2048(exampleT).PublicKey)
	keys, _ := keysource.NewStatic(key)

	v, err := verify.New(verify.Config[claims.Keycloak]{
		Keys:       keys,
		Algorithms: []string{"RS256"},
		Issuers:    []string{issuer},
		// Keycloak access tokens often carry only "account" as audience;
		// check azp instead.
		InsecureSkipAudienceCheck: true,
		Validators: []func(context.Context, *claims.Keycloak) error{
			func(_ context.Context, c *claims.Keycloak) error {
				if c.Type != "Bearer" || c.AuthorizedParty != "ea-api-edge" {
					return fmt.Errorf("not an ea-api-edge access token")
				}
				return nil
			},
		},
		Now: func() time.Time { return now },
	})
	if err != nil {
		panic(err)
	}

	token := testkeys.SignClaims(exampleT, "RS256", testkeys.RSA2048(exampleT),
		map[string]any{"typ": "JWT", "kid": "Gb1H"},
		map[string]any{
			"exp": now.Add(5 * time.Minute).Unix(), "iat": now.Unix(), "nbf": 0,
			"iss": issuer, "aud": "account", "sub": "f4a9c1d2", "typ": "Bearer",
			"azp": "ea-api-edge", "session_state": "7e1c", "acr": "1",
			"realm_access":    map[string]any{"roles": []string{"offline_access", "admin"}},
			"resource_access": map[string]any{"account": map[string]any{"roles": []string{"view-profile"}}},
			"scope":           "profile email", "account_ids": "118466",
		})

	c, err := v.Verify(context.Background(), token)
	if err != nil {
		fmt.Println("rejected:", verify.Reason(err))
		return
	}
	accounts, _ := c.Claim("account_ids")
	fmt.Println("subject:", c.Subject)
	fmt.Println("admin:", c.HasRealmRole("admin"))
	fmt.Println("view-profile:", c.HasClientRole("account", "view-profile"))
	fmt.Println("scopes:", c.Scope.HasAll("profile", "email"))
	fmt.Println("account_ids:", accounts)

	// An hour later the same token is refused, and the error says why.
	now = now.Add(time.Hour)
	_, err = v.Verify(context.Background(), token)
	fmt.Println("later:", verify.Reason(err))
	// Output:
	// subject: f4a9c1d2
	// admin: true
	// view-profile: true
	// scopes: true
	// account_ids: 118466
	// later: expired
}

// TenantClaims is a custom issuer's claims: any struct that embeds
// claims.Registered works, and a Validate method runs after the registered
// checks.
type TenantClaims struct {
	claims.Registered
	Tenant string   `json:"tenant"`
	Groups []string `json:"groups"`
}

// Validate refuses tokens without a tenant.
func (c *TenantClaims) Validate(context.Context) error {
	if c.Tenant == "" {
		return fmt.Errorf("tenant missing")
	}
	return nil
}

func ExampleVerifier_Verify_customClaims() {
	now := time.Unix(1_700_000_000, 0)
	secret := testkeys.HMAC(exampleT)
	keys, _ := keysource.StaticFromSecret(secret)
	v, _ := verify.New(verify.Config[TenantClaims]{
		Keys:       keys,
		Algorithms: []string{"HS256"},
		Issuers:    []string{"https://login.example.com"},
		Audiences:  []string{"billing"},
		Now:        func() time.Time { return now },
	})

	sign := func(tenant string) string {
		return testkeys.SignClaims(exampleT, "HS256", secret, nil, map[string]any{
			"iss": "https://login.example.com", "aud": []string{"billing", "reports"},
			"sub": "u-17", "exp": now.Add(time.Minute).Unix(), "tenant": tenant, "groups": []string{"finance"},
		})
	}

	c, err := v.Verify(context.Background(), sign("acme"))
	fmt.Println(c.Subject, c.Tenant, c.Groups, err)

	_, err = v.Verify(context.Background(), sign(""))
	fmt.Println(verify.Reason(err))
	// Output:
	// u-17 acme [finance] <nil>
	// claims
}
