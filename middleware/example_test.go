package middleware_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/verify"
)

// exampleVerifier stands in for a *verify.Verifier[claims.Keycloak]: it
// accepts the token "good" and says any other has expired.
type exampleVerifier struct{}

func (exampleVerifier) Verify(_ context.Context, token string) (*claims.Keycloak, error) {
	if token != "good" {
		return nil, &verify.Error{Reason: verify.ReasonExpired, Err: verify.ErrExpired}
	}
	return &claims.Keycloak{
		Registered:  claims.Registered{Subject: "alice"},
		Scope:       claims.Scopes{"reports:read"},
		RealmAccess: claims.Roles{Roles: []string{"user"}},
	}, nil
}

func show(h http.Handler, authorization string) {
	req := httptest.NewRequest(http.MethodGet, "/reports", nil)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(strings.TrimSpace(fmt.Sprint(rec.Code, " ", rec.Header().Get("WWW-Authenticate"))))
}

func ExampleMiddleware_Handler() {
	auth, err := middleware.New(middleware.Config[claims.Keycloak]{
		Verifier: exampleVerifier{}, // usually a *verify.Verifier[claims.Keycloak]
		Realm:    "reports",
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /reports", func(w http.ResponseWriter, r *http.Request) {
		c, _ := middleware.ClaimsFrom[claims.Keycloak](r.Context())
		fmt.Println("handler sees", c.Subject)
	})
	h := auth.Handler(mux)

	show(h, "Bearer good")
	show(h, "")
	show(h, "Bearer stale")
	show(h, "Bearer two tokens")
	// Output:
	// handler sees alice
	// 200
	// 401 Bearer realm="reports"
	// 401 Bearer realm="reports", error="invalid_token", error_description="expired"
	// 400 Bearer realm="reports", error="invalid_request", error_description="malformed_request"
}

func ExampleRequireScopes() {
	auth, _ := middleware.New(middleware.Config[claims.Keycloak]{Verifier: exampleVerifier{}})
	ok := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})

	show(auth.Handler(middleware.RequireScopes("reports:read")(ok)), "Bearer good")
	show(auth.Handler(middleware.RequireScopes("reports:write")(ok)), "Bearer good")
	show(auth.Handler(middleware.RequireRoles("admin")(ok)), "Bearer good")
	// Output:
	// 200
	// 403 Bearer realm="api", error="insufficient_scope", error_description="missing_scope", scope="reports:write"
	// 403 Bearer realm="api", error="insufficient_scope", error_description="missing_role"
}

func ExampleConfig_statusByReason() {
	// Ansira's clients expect 403 for an expired token.
	auth, _ := middleware.New(middleware.Config[claims.Keycloak]{
		Verifier:       exampleVerifier{},
		StatusByReason: map[string]int{verify.ReasonExpired: http.StatusForbidden},
	})
	show(auth.Handler(http.NotFoundHandler()), "Bearer stale")
	// Output:
	// 403 Bearer realm="api", error="invalid_token", error_description="expired"
}

func ExampleHeader() {
	// EPR sends the bare token in x-access-token.
	auth, _ := middleware.New(middleware.Config[claims.Keycloak]{
		Verifier:   exampleVerifier{},
		Extractors: []middleware.Extractor{middleware.BearerHeader(), middleware.Header("x-access-token")},
	})
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("x-access-token", "good")
	rec := httptest.NewRecorder()
	auth.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, _ := middleware.TokenFrom(r.Context())
		fmt.Println("token length", len(tok))
	})).ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	// Output:
	// token length 4
	// 200
}

func ExampleWriteError() {
	rec := httptest.NewRecorder()
	middleware.WriteError(rec, "api", &middleware.Error{
		Status: http.StatusUnauthorized,
		Code:   middleware.CodeInvalidToken,
		Reason: verify.ReasonSignature,
	})
	fmt.Println(rec.Code)
	fmt.Println(rec.Header().Get("WWW-Authenticate"))
	fmt.Println(rec.Header().Get("Content-Type"))
	fmt.Print(rec.Body.String())
	// Output:
	// 401
	// Bearer realm="api", error="invalid_token", error_description="signature"
	// application/problem+json
	// {"type":"about:blank","title":"Unauthorized","status":401,"detail":"The access token's signature is invalid.","reason":"signature","error":"invalid_token"}
}

// With DPoP allowed (the default), a request without a token is offered
// both schemes; a DPoP-bound token must come as "Authorization: DPoP" with
// a proof, which the Checker checks before the verifier's VerifyBound
// compares the proof's key with the token's cnf.jkt.
func ExampleDPoPConfig() {
	checker, err := dpop.New(dpop.Config{
		ExternalBaseURL: "https://api.example.com", // the URL clients name in htu
		DeferReplay:     true,                      // the middleware records a proof once the token passed
		// Replay: redisstore.NewReplay(...), for several replicas
	})
	if err != nil {
		panic(err)
	}
	auth, err := middleware.New(middleware.Config[claims.Keycloak]{
		Verifier: exampleVerifier{}, // use a *verify.Verifier: only a verify.BoundVerifier accepts DPoP tokens
		DPoP:     middleware.DPoPConfig{Mode: middleware.DPoPAllowed, Checker: checker},
	})
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	auth.Handler(http.NotFoundHandler()).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/reports", nil))
	fmt.Println(rec.Code)
	for _, c := range rec.Header().Values("WWW-Authenticate") {
		fmt.Println(c)
	}
	// Output:
	// 401
	// Bearer realm="api"
	// DPoP realm="api", algs="ES256 ES384 ES512 RS256 PS256 EdDSA"
}
