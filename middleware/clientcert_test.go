package middleware_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/verify"
)

// clientCert makes a self-signed client certificate.
func clientCert(t *testing.T, cn string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	require.NoError(t, err)
	leaf, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}

// tlsServer runs h behind TLS asking for (not verifying) a client
// certificate: RFC 8705 section 2.2's self-signed certificate binding,
// where the token's cnf is what vouches for the certificate.
func tlsServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAnyClientCert}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// get sends GET path with the token, over a client with cert (none when
// cert is nil).
func get(t *testing.T, srv *httptest.Server, cert *tls.Certificate, token string, hdr http.Header) (int, string) {
	t.Helper()
	tr := srv.Client().Transport.(*http.Transport).Clone()
	if cert != nil {
		tr.TLSClientConfig.Certificates = []tls.Certificate{*cert}
	}
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/api/me", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	for k, v := range hdr {
		req.Header[k] = v
	}
	c := &http.Client{Transport: tr}
	defer c.CloseIdleConnections()
	resp, err := c.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestMTLSBoundTokens: a token with cnf.x5t#S256 is accepted only over a
// connection with that client certificate (RFC 8705 section 3).
func TestMTLSBoundTokens(t *testing.T) {
	rv := newRealVerifier(t)
	// The verifier's clock is fixed in the past; the certificates are
	// checked by TLS on the real clock, the token on the verifier's.
	good, other := clientCert(t, "good"), clientCert(t, "other")
	bound := rv.sign(t, time.Hour, map[string]any{"cnf": map[string]any{"x5t#S256": middleware.CertThumbprint(good.Leaf.Raw)}})
	plain := rv.sign(t, time.Hour, nil)
	var reason string
	h := mustNew(t, middleware.Config[claims.Keycloak]{
		Verifier: rv.v,
		OnOutcome: func(_ *http.Request, o middleware.Outcome) {
			reason = o.Reason
		},
	}).Handler(echo(keycloakSub))
	srv := tlsServer(t, h)

	cases := []struct {
		name   string
		cert   *tls.Certificate
		token  string
		status int
		reason string
	}{
		{name: "bound token with its certificate", cert: &good, token: bound, status: 200},
		{name: "bound token with another certificate", cert: &other, token: bound, status: 401, reason: verify.ReasonBinding},
		{name: "unbound token with a certificate", cert: &other, token: plain, status: 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			reason = ""
			status, body := get(t, srv, c.cert, c.token, nil)
			require.Equal(t, c.status, status, body)
			require.Equal(t, c.reason, reason)
		})
	}

	// Without a client certificate on the connection: a server that does
	// not ask for one.
	srv2 := httptest.NewTLSServer(h)
	t.Cleanup(srv2.Close)
	t.Run("bound token without a certificate", func(t *testing.T) {
		status, body := get(t, srv2, nil, bound, nil)
		require.Equal(t, 401, status, body)
		require.Equal(t, verify.ReasonBinding, reason)
	})
	t.Run("the proxy header is ignored unless configured", func(t *testing.T) {
		status, body := get(t, srv2, nil, bound, http.Header{"X-Ssl-Client-Cert": {escapedPEM(good.Leaf.Raw)}})
		require.Equal(t, 401, status, body)
	})
}

func escapedPEM(der []byte) string {
	return url.PathEscape(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
}

// TestInsecureClientCertHeader: behind a TLS-terminating proxy, the
// certificate comes URL-encoded in a header ($ssl_client_escaped_cert).
func TestInsecureClientCertHeader(t *testing.T) {
	rv := newRealVerifier(t)
	good, other := clientCert(t, "good"), clientCert(t, "other")
	bound := rv.sign(t, time.Hour, map[string]any{"cnf": map[string]any{"x5t#S256": middleware.CertThumbprint(good.Leaf.Raw)}})
	h := mustNew(t, middleware.Config[claims.Keycloak]{
		Verifier:                 rv.v,
		InsecureClientCertHeader: "x-ssl-client-cert",
	}).Handler(echo(keycloakSub))
	cases := []struct {
		name   string
		values []string
		status int
		reason string
	}{
		{name: "the bound certificate", values: []string{escapedPEM(good.Leaf.Raw)}, status: 200},
		{name: "every reserved byte escaped (%2B for +, %20 for spaces, %0A for newlines)", values: []string{escapeAll(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: good.Leaf.Raw}))}, status: 200},
		{name: "another certificate", values: []string{escapedPEM(other.Leaf.Raw)}, status: 401, reason: verify.ReasonBinding},
		{name: "no header", status: 401, reason: verify.ReasonBinding},
		{name: "two headers", values: []string{escapedPEM(good.Leaf.Raw), escapedPEM(good.Leaf.Raw)}, status: 400, reason: middleware.ReasonClientCert},
		{name: "not PEM", values: []string{"garbage"}, status: 400, reason: middleware.ReasonClientCert},
		{name: "a PEM block that is no certificate", values: []string{url.PathEscape(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("x")})))}, status: 400, reason: middleware.ReasonClientCert},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/api/me", nil)
			r.Header.Set("Authorization", "Bearer "+bound)
			for _, v := range c.values {
				r.Header.Add("X-Ssl-Client-Cert", v)
			}
			rec := serve(h, r)
			require.Equal(t, c.status, rec.Code, rec.Body.String())
			if c.reason != "" {
				require.Equal(t, c.reason, problem(t, rec).Reason)
			}
		})
	}
}

// escapeAll percent-encodes every byte but RFC 3986's unreserved ones, as
// nginx escapes $ssl_client_escaped_cert.
func escapeAll(b []byte) string {
	const hex = "0123456789ABCDEF"
	out := make([]byte, 0, 3*len(b))
	for _, c := range b {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			out = append(out, c)
			continue
		}
		out = append(out, '%', hex[c>>4], hex[c&15])
	}
	return string(out)
}
