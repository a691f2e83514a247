package remotecheck_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/fakeepr"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/remotecheck"
	"github.com/jwtguard/jwtguard/verify"
)

func ExampleNewEPR() {
	epr := fakeepr.Start(fakeepr.Options{}) // stands in for the EPR partner API
	defer epr.Close()

	chk, err := remotecheck.NewEPR[claims.Map](remotecheck.EPRConfig{
		BaseURL:      epr.URL, // https://... in production
		PartnerToken: epr.PartnerToken(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	token := epr.Token("alice")
	c, err := chk.Verify(context.Background(), token)
	if err != nil {
		fmt.Println(err)
		return
	}
	sub, _ := c.String("sub")
	fmt.Println("subject:", sub)

	other := epr.Token("alice")
	epr.Logout(other)
	_, err = chk.Verify(context.Background(), other)
	fmt.Println("logged out:", verify.Reason(err))
	// Output:
	// subject: alice
	// logged out: inactive
}

func ExampleNewIntrospection() {
	chk, err := remotecheck.NewIntrospection[remotecheck.Introspection](remotecheck.IntrospectionConfig{
		Endpoint:     "https://auth.example.com/oauth2/introspect",
		ClientID:     "my-api",
		ClientSecret: "secret",
		Audiences:    []string{"my-api"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	auth, err := middleware.New(middleware.Config[remotecheck.Introspection]{Verifier: chk})
	if err != nil {
		fmt.Println(err)
		return
	}
	mux := http.NewServeMux()
	mux.Handle("/reports", auth.Handler(middleware.RequireScopes("reports:read")(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			c, _ := middleware.ClaimsFrom[remotecheck.Introspection](r.Context())
			fmt.Fprintln(w, "hello", c.Username)
		}))))
	fmt.Println("ready")
	// Output: ready
}
