package middleware_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/verify"
)

// TestReview_DPoPClientHostIsNotServerError: with the default checker (no
// dpop.Config.ExternalBaseURL, what middleware.New makes when
// DPoPConfig.Checker is nil), htu is built from the Host header, which the
// client chooses and net/http passes through unchecked ("Host: a:b", or no
// Host at all over HTTP/1.0). Such a request is answered 500 "The server is
// misconfigured." (reason dpop_request) and logged at Error level: any
// unauthenticated client can make a correctly configured service report
// server errors at will. It is the client's request that is unusable: a
// 4xx (invalid_request, or invalid_dpop_proof/dpop_htu) is due.
func TestReview_DPoPClientHostIsNotServerError(t *testing.T) {
	f := newDPoPFixture(t)
	checker, err := dpop.New(dpop.Config{DeferReplay: true, Now: func() time.Time { return f.rv.now }})
	require.NoError(t, err)
	h := mustNew(t, middleware.Config[claims.Keycloak]{
		Verifier: f.rv.v,
		DPoP:     middleware.DPoPConfig{Checker: checker},
	}).Handler(echo(keycloakSub))
	for _, host := range []string{"api.example.com:notaport", ""} {
		t.Run("Host "+host, func(t *testing.T) {
			r := dpopRequest("DPoP", f.bound, f.proof(t, f.bound, nil))
			r.Host = host
			rec := serve(h, r)
			assert.Less(t, rec.Code, 500, "%s %s", rec.Header().Values("WWW-Authenticate"), rec.Body.String())
		})
	}
}

// TestReview_RouterClientCertNonBoundRoute: verify.Router.VerifyBound
// refuses every token that comes with a non-empty Binding when its route
// is not a verify.BoundVerifier (a remotecheck.Checker, any custom
// TokenVerifier). The middleware fills Binding.CertThumbprint whenever the
// TLS connection carries a client certificate, bound token or not, so a
// Router with such a route refuses every unbound token of that issuer
// ("binding") as soon as the server asks for client certificates. A
// certificate alone should let the route's Verify decide (a non-bound
// verifier must refuse cnf tokens itself, as the middleware already
// assumes for a non-bound Config.Verifier).
func TestReview_RouterClientCertNonBoundRoute(t *testing.T) {
	rv := newRealVerifier(t)
	plain := rv.sign(t, time.Hour, nil)
	// A route that is not a BoundVerifier, like a remote checker.
	route := verifierFunc[claims.Keycloak](func(ctx context.Context, token string) (*claims.Keycloak, error) {
		return rv.v.Verify(ctx, token)
	})
	router, err := verify.NewRouter(map[string]verify.TokenVerifier[claims.Keycloak]{"https://issuer.test": route})
	require.NoError(t, err)
	h := mustNew(t, middleware.Config[claims.Keycloak]{Verifier: router}).Handler(echo(keycloakSub))

	cert := clientCert(t, "client")
	r := httptest.NewRequestWithContext(context.Background(), http.MethodGet, "https://api.example.com/api/me", nil)
	r.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{cert.Leaf}}
	r.Header.Set("Authorization", "Bearer "+plain)
	rec := serve(h, r)
	assert.Equal(t, http.StatusOK, rec.Code, "%s %s", rec.Header().Values("WWW-Authenticate"), rec.Body.String())
}
