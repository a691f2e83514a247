package profile_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jwtguard/jwtguard/internal/fakeidp"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/profile"
	"github.com/jwtguard/jwtguard/verify"
)

// The Keycloak profile accepts a realm's access tokens and refuses its
// other tokens. A fake realm stands in for
// https://auth.e-attestations.com/auth/realms/eat_realm here.
func ExampleKeycloak() {
	realm, _ := fakeidp.StartRealm(fakeidp.RealmOptions{Legacy: true})
	defer realm.Close()

	p, err := profile.Keycloak(profile.KeycloakConfig{
		Issuer:            realm.Issuer, // profile.EAttestationsIssuer in production
		AuthorizedParties: []string{profile.EAttestationsClient},
		Settings:          profile.Settings{Fetch: quietFetch()},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()

	c, err := p.Verifier.Verify(context.Background(), realm.AccessToken(nil))
	if err != nil {
		fmt.Println(err)
		return
	}
	ids, _ := c.Claim("account_ids")
	fmt.Println("access token of", c.AuthorizedParty, "for accounts", ids)

	for _, tok := range []string{realm.RefreshToken(nil), realm.IDToken(nil), realm.LogoutToken(nil)} {
		_, err := p.Verifier.Verify(context.Background(), tok)
		var te *profile.TokenTypeError
		fmt.Println(verify.Reason(err), errors.As(err, &te))
	}
	// Output:
	// access token of ea-api-edge for accounts 118466
	// algorithm false
	// token_type true
	// token_type true
}

// Two Keycloak realms and Erply behind one verifier: a token goes to the
// profile of its issuer.
func ExampleMulti() {
	a, _ := fakeidp.StartRealm(fakeidp.RealmOptions{Realm: "customers"})
	defer a.Close()
	b, _ := fakeidp.StartRealm(fakeidp.RealmOptions{Realm: "staff", Legacy: true})
	defer b.Close()
	e, _ := fakeidp.StartErply(fakeidp.ErplyOptions{Issuer: "https://id.erply.test"})
	defer e.Close()
	fetch := quietFetch()

	customers, _ := profile.Keycloak(profile.KeycloakConfig{Issuer: a.Issuer, AuthorizedParties: []string{"ea-api-edge"}, Settings: profile.Settings{Fetch: fetch}})
	staff, _ := profile.Keycloak(profile.KeycloakConfig{Issuer: b.Issuer, AuthorizedParties: []string{"ea-api-edge"}, Settings: profile.Settings{Fetch: fetch}})
	erply, _ := profile.Erply(profile.ErplyConfig{
		PEMURL:  e.PEMURL, // profile.ErplyProductionPEMURL in production
		Account: fakeidp.DefaultErplyAccount,
		Issuer:  "https://id.erply.test", // Multi routes by iss
		// Erply documents no aud; the account check binds the token to
		// the account, not to this service.
		InsecureSkipAudienceCheck: true,
		Settings:                  profile.Settings{Fetch: fetch},
	})
	multi, err := profile.Multi(customers, staff, erply)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer multi.Close() // closes the three members

	// The middleware reads "Authorization: Bearer" and Erply's "jwt"
	// header; RequireScopes reads Keycloak scopes and Erply permissions.
	if _, err := middleware.New(multi.MiddlewareConfig()); err != nil {
		fmt.Println(err)
		return
	}

	for _, tok := range []string{a.AccessToken(nil), b.AccessToken(nil), e.Token(nil)} {
		p, err := multi.Verifier.Verify(context.Background(), tok)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(p.Keycloak != nil, p.Erply != nil)
	}
	other, _ := fakeidp.StartRealm(fakeidp.RealmOptions{Realm: "other"})
	defer other.Close()
	_, err = multi.Verifier.Verify(context.Background(), other.AccessToken(nil))
	fmt.Println(verify.Reason(err))
	// Output:
	// true false
	// true false
	// false true
	// issuer
}

// quietFetch is a key source configuration that logs nothing.
func quietFetch() keysource.FetchConfig {
	return keysource.FetchConfig{Logger: slog.New(slog.DiscardHandler)}
}
