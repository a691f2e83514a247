package profile_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/internal/fakeidp"
	"github.com/jwtguard/jwtguard/middleware"
)

// selfSignedLeaf returns a fresh self-signed client certificate.
func selfSignedLeaf(t *testing.T) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "client"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return cert
}

// TestReview_MultiSenderConstrained: a Multi profile routes through
// verify.Router, whose VerifyBound hands a request's proof of possession
// only to a route that is a verify.BoundVerifier. Multi's routes (its
// principalVerifier adapters) are not, although every member's verifier
// is a *verify.Verifier. So behind Multi (a) a Keycloak member's
// DPoP-bound token is never accepted, even with a valid proof, and (b) any
// request whose TLS connection carries a client certificate has every
// token refused ("binding"), unbound ones included, as soon as the service
// asks for client certificates (or sets InsecureClientCertHeader).
func TestReview_MultiSenderConstrained(t *testing.T) {
	is := newIssuers(t)
	m := newMulti(t, is)
	require.NoError(t, m.Ready(context.Background()))
	mw, err := middleware.New(m.MiddlewareConfig())
	require.NoError(t, err)
	h := mw.Handler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }))

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	jkt, err := dpop.Thumbprint(key.Public())
	require.NoError(t, err)
	bound := is.a.AccessToken(fakeidp.Claims{"typ": "DPoP", "cnf": map[string]any{"jkt": jkt}})
	plain := is.a.AccessToken(nil)
	cert := selfSignedLeaf(t)

	tests := []struct {
		name   string
		req    func(t *testing.T) *http.Request
		status int
	}{
		{name: "DPoP-bound Keycloak token with its proof", status: http.StatusOK, req: func(t *testing.T) *http.Request {
			r := httptest.NewRequestWithContext(context.Background(), http.MethodGet, "http://api.test/api", nil)
			proof, err := dpop.NewProof(key, http.MethodGet, "http://api.test/api", bound, "")
			require.NoError(t, err)
			r.Header.Set("Authorization", "DPoP "+bound)
			r.Header.Set("DPoP", proof)
			return r
		}},
		{name: "unbound Bearer token over TLS with a client certificate", status: http.StatusOK, req: func(t *testing.T) *http.Request {
			r := httptest.NewRequestWithContext(context.Background(), http.MethodGet, "https://api.test/api", nil)
			r.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{cert}}
			r.Header.Set("Authorization", "Bearer "+plain)
			return r
		}},
		{name: "DPoP-bound token as Bearer stays refused", status: http.StatusUnauthorized, req: func(t *testing.T) *http.Request {
			r := httptest.NewRequestWithContext(context.Background(), http.MethodGet, "http://api.test/api", nil)
			r.Header.Set("Authorization", "Bearer "+bound)
			return r
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, tt.req(t))
			assert.Equal(t, tt.status, rec.Code, "%v %s", rec.Header().Values("WWW-Authenticate"), rec.Body.String())
		})
	}
}
