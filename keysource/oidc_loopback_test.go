package keysource

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// TestOIDCDiscoveredLoopbackHTTPRefused: a discovery document served from a
// non-loopback https host may not send the service to plain http on its own
// loopback; http to loopback is for URLs the operator configured.
func TestOIDCDiscoveredLoopbackHTTPRefused(t *testing.T) {
	var hits atomic.Int32
	tls := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"issuer":"https://example.com/realms/r","jwks_uri":"http://127.0.0.1:1/internal-admin"}`))
	}))
	defer tls.Close()
	// The test server's certificate names example.com; route that name to it.
	client := tls.Client()
	tr := client.Transport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, tls.Listener.Addr().String())
	}
	client.Transport = tr

	src, err := NewOIDC(OIDCConfig{Issuer: "https://example.com/realms/r", FetchConfig: FetchConfig{HTTPClient: client, Logger: quietLogger}})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := src.Keys(context.Background()); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Keys = %v, want ErrUnavailable", err)
	}
	if err := src.Status().LastError; !errors.Is(err, ErrInsecureURL) {
		t.Fatalf("LastError = %v, want ErrInsecureURL", err)
	}
	if n := hits.Load(); n != 1 {
		t.Fatalf("discovery fetched %d times, want 1", n)
	}
}
