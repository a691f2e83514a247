package prommetrics_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/metrics/prommetrics"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/verify"
)

// exampleT lets the example use the test key helpers.
var exampleT = &testing.T{}

// Wire a verifier and its middleware to Prometheus, then read what one
// request recorded.
func Example() {
	reg := prometheus.NewRegistry() // or prometheus.DefaultRegisterer
	m, err := prommetrics.New(reg, prommetrics.Options{})
	if err != nil {
		panic(err)
	}
	// In production: keysource.NewOIDC(...) with FetchConfig.Hooks set to
	// m.KeySourceHooks("keycloak"), and m.WatchKeySource("keycloak", src).
	key, _ := keysource.NewKey("k1", "ES256", &testkeys.P256(exampleT).PublicKey)
	keys, _ := keysource.NewStatic(key)
	v, err := verify.New(verify.Config[claims.Registered]{
		Keys:       keys,
		Algorithms: []string{"ES256"},
		Issuers:    []string{"https://issuer.test"},
		Audiences:  []string{"api"},
		Observer:   m.Verifier("keycloak"),
	})
	if err != nil {
		panic(err)
	}
	mw, err := middleware.New(middleware.Config[claims.Registered]{Verifier: v, OnOutcome: m.Middleware("api")})
	if err != nil {
		panic(err)
	}
	h := mw.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))

	expired := testkeys.SignClaims(exampleT, "ES256", testkeys.P256(exampleT), map[string]any{"kid": "k1"},
		map[string]any{"iss": "https://issuer.test", "aud": "api", "exp": time.Now().Add(-time.Hour).Unix()})
	req := httptest.NewRequestWithContext(context.Background(), http.MethodGet, "/", nil)
	req.Header.Set("Authorization", "Bearer "+expired)
	h.ServeHTTP(httptest.NewRecorder(), req)

	mfs, _ := reg.Gather()
	for _, mf := range mfs {
		if mf.GetName() != "jwtguard_verifications_total" && mf.GetName() != "jwtguard_http_decisions_total" {
			continue
		}
		for _, s := range mf.GetMetric() {
			fmt.Print(mf.GetName(), "{")
			for i, l := range s.GetLabel() {
				if i > 0 {
					fmt.Print(",")
				}
				fmt.Printf("%s=%q", l.GetName(), l.GetValue())
			}
			fmt.Println("}", s.GetCounter().GetValue())
		}
	}
	// Output:
	// jwtguard_http_decisions_total{decision="denied",handler="api",reason="expired",status="401"} 1
	// jwtguard_verifications_total{outcome="rejected",reason="expired",verifier="keycloak"} 1
}
