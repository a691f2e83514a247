package keysource

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// oidcServer serves a discovery document and a JWK Set under /realms/r,
// as Keycloak does.
type oidcServer struct {
	*keyServer
	mu        sync.Mutex
	discovery map[string]any
	discoBody string // when set, served instead of discovery
	discoHits atomic.Int64
	certsHits atomic.Int64
	certsFail atomic.Bool
}

const (
	discoPath = "/realms/r/.well-known/openid-configuration"
	certsPath = "/realms/r/protocol/openid-connect/certs"
)

func newOIDCServer(t *testing.T) *oidcServer {
	o := &oidcServer{keyServer: newKeyServer(t)}
	o.setJWKS(newECJWK(t, "k1"))
	o.setDiscovery(o.URL()+"/realms/r", o.URL()+certsPath)
	o.update(func(s *keyServer) {
		s.handler = func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case discoPath:
				o.discoHits.Add(1)
				o.mu.Lock()
				defer o.mu.Unlock()
				if o.discoBody != "" {
					_, _ = w.Write([]byte(o.discoBody))
					return
				}
				_ = json.NewEncoder(w).Encode(o.discovery)
			case certsPath:
				o.certsHits.Add(1)
				if o.certsFail.Load() {
					w.WriteHeader(http.StatusBadGateway)
					return
				}
				s.mu.Lock()
				body := s.body
				s.mu.Unlock()
				_, _ = w.Write(body)
			default:
				http.NotFound(w, r)
			}
		}
	})
	return o
}

func (o *oidcServer) setDiscovery(issuer, jwksURI string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.discovery = map[string]any{
		"issuer":                                issuer,
		"jwks_uri":                              jwksURI,
		"authorization_endpoint":                issuer + "/protocol/openid-connect/auth",
		"token_endpoint":                        issuer + "/protocol/openid-connect/token",
		"introspection_endpoint":                issuer + "/protocol/openid-connect/token/introspect",
		"id_token_signing_alg_values_supported": []string{"PS384", "RS256"},
	}
	if jwksURI == "" {
		delete(o.discovery, "jwks_uri")
	}
}

// errStatus404 marks a test case that expects a *StatusError 404.
var errStatus404 = errors.New("status 404")

func newTestOIDC(t *testing.T, srv *oidcServer, clk *fakeClock, rec *recorder, issuer, base string) *OIDC {
	t.Helper()
	src, err := NewOIDC(OIDCConfig{Issuer: issuer, FetchBaseURL: base, FetchConfig: testConfig(srv.keyServer, clk, rec)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = src.Close() })
	return src
}

func TestOIDCDiscovery(t *testing.T) {
	srv := newOIDCServer(t)
	clk, rec := newFakeClock(), newRecorder()
	issuer := srv.URL() + "/realms/r"
	src := newTestOIDC(t, srv, clk, rec, issuer, "")
	var _ Source = src

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d, err := src.Discovery(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d.Issuer != issuer || d.JWKSURI != srv.URL()+certsPath || fmt.Sprint(d.IDTokenSigningAlgValuesSupported) != "[PS384 RS256]" ||
		d.TokenEndpoint != issuer+"/protocol/openid-connect/token" || d.IntrospectionEndpoint == "" {
		t.Fatalf("Discovery = %+v", d)
	}
	d.IDTokenSigningAlgValuesSupported[0] = "none"
	if d2, _ := src.Discovery(ctx); d2.IDTokenSigningAlgValuesSupported[0] != "PS384" {
		t.Fatal("Discovery returns the source's own slice")
	}
	rec.next(t)
	if keysNow(t, src).ByID("k1") == nil || src.Issuer() != issuer || src.Name() != issuer {
		t.Fatal("no k1, or wrong names")
	}
	if srv.discoHits.Load() != 1 || srv.certsHits.Load() != 1 {
		t.Fatalf("discovery %d, certs %d requests", srv.discoHits.Load(), srv.certsHits.Load())
	}

	// A background refresh fetches the certs only.
	clk.Advance(DefaultRefreshInterval)
	rec.next(t)
	if srv.discoHits.Load() != 1 || srv.certsHits.Load() != 2 {
		t.Fatalf("discovery %d, certs %d requests", srv.discoHits.Load(), srv.certsHits.Load())
	}
	// A failed fetch makes the next attempt discover again.
	srv.certsFail.Store(true)
	clk.Advance(DefaultRefreshInterval)
	if ev := rec.next(t); ev.Err == nil {
		t.Fatal("certs failure not reported")
	}
	srv.certsFail.Store(false)
	clk.Advance(backoffBase)
	if ev := rec.next(t); ev.Err != nil {
		t.Fatal(ev.Err)
	}
	if srv.discoHits.Load() != 2 || srv.certsHits.Load() != 4 {
		t.Fatalf("discovery %d, certs %d requests", srv.discoHits.Load(), srv.certsHits.Load())
	}
	// The discovery document is read again once it is MaxRefresh old.
	clk.Advance(DefaultMaxRefresh)
	rec.next(t)
	if srv.discoHits.Load() != 3 {
		t.Fatalf("discovery %d requests after MaxRefresh", srv.discoHits.Load())
	}
}

func TestOIDCRefused(t *testing.T) {
	for _, tc := range []struct {
		name      string
		issuer    func(srv *oidcServer) string // configured
		docIssuer func(srv *oidcServer) string
		jwksURI   func(srv *oidcServer) string
		discoBody string // when set, served instead of the document
		wantErr   error
	}{
		{
			name:      "issuer mismatch",
			issuer:    func(s *oidcServer) string { return s.URL() + "/realms/r" },
			docIssuer: func(s *oidcServer) string { return s.URL() + "/realms/other" },
			wantErr:   ErrIssuerMismatch,
		},
		{
			name:      "trailing slash is a mismatch",
			issuer:    func(s *oidcServer) string { return s.URL() + "/realms/r/" },
			docIssuer: func(s *oidcServer) string { return s.URL() + "/realms/r" },
			wantErr:   ErrIssuerMismatch,
		},
		{
			name:    "jwks_uri over http to a non-loopback host",
			issuer:  func(s *oidcServer) string { return s.URL() + "/realms/r" },
			jwksURI: func(*oidcServer) string { return "http://keys.example.com/certs" },
			wantErr: ErrInsecureURL,
		},
		{
			name:      "discovery not JSON",
			issuer:    func(s *oidcServer) string { return s.URL() + "/realms/r" },
			discoBody: `{"issuer": ["not", "a", "string"]}`,
			wantErr:   ErrMalformed,
		},
		{
			name:      "duplicate issuer members",
			issuer:    func(s *oidcServer) string { return s.URL() + "/realms/r" },
			discoBody: `{"issuer":"https://a.example","issuer":"https://b.example","jwks_uri":"https://a.example/certs"}`,
			wantErr:   ErrMalformed,
		},
		{
			name:      "issuer member in another case",
			issuer:    func(s *oidcServer) string { return s.URL() + "/realms/r" },
			discoBody: `{"ISSUER":"x","jwks_uri":"https://a.example/certs"}`,
			wantErr:   ErrIssuerMismatch,
		},
		{
			name:    "discovery missing",
			issuer:  func(s *oidcServer) string { return s.URL() + "/realms/missing" },
			wantErr: errStatus404,
		},
		{
			name:    "no jwks_uri",
			issuer:  func(s *oidcServer) string { return s.URL() + "/realms/r" },
			jwksURI: func(*oidcServer) string { return "" },
			wantErr: ErrMalformed,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newOIDCServer(t)
			issuer := tc.issuer(srv)
			docIssuer, jwksURI := srv.URL()+"/realms/r", srv.URL()+certsPath
			if tc.docIssuer != nil {
				docIssuer = tc.docIssuer(srv)
			}
			if tc.jwksURI != nil {
				jwksURI = tc.jwksURI(srv)
			}
			srv.setDiscovery(docIssuer, jwksURI)
			srv.discoBody = tc.discoBody
			clk, rec := newFakeClock(), newRecorder()
			src := newTestOIDC(t, srv, clk, rec, issuer, "")
			if _, err := src.Keys(context.Background()); !errors.Is(err, ErrUnavailable) {
				t.Fatalf("Keys = %v, want ErrUnavailable", err)
			}
			err := src.Status().LastError
			var se *StatusError
			if tc.wantErr == errStatus404 {
				if !errors.As(err, &se) || se.StatusCode != 404 {
					t.Fatalf("LastError = %v, want a 404", err)
				}
			} else if !errors.Is(err, tc.wantErr) {
				t.Fatalf("LastError = %v, want %v", err, tc.wantErr)
			}
			if want := int64(1); tc.wantErr == errStatus404 {
				want = 0 // the 404 is not counted by the discovery handler
				if srv.discoHits.Load() != want || srv.certsHits.Load() != 0 {
					t.Fatalf("discovery %d, certs %d requests", srv.discoHits.Load(), srv.certsHits.Load())
				}
			} else if srv.discoHits.Load() != 1 || srv.certsHits.Load() != 0 {
				t.Fatalf("discovery %d, certs %d requests", srv.discoHits.Load(), srv.certsHits.Load())
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()
			if _, err := src.Discovery(ctx); !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrUnavailable) {
				t.Fatalf("Discovery = %v", err)
			}
		})
	}
}

func TestOIDCFetchBaseURL(t *testing.T) {
	srv := newOIDCServer(t)
	const public = "https://id.example.com/realms/r"
	srv.setDiscovery(public, public+"/protocol/openid-connect/certs")
	clk, rec := newFakeClock(), newRecorder()
	src := newTestOIDC(t, srv, clk, rec, public, srv.URL()+"/realms/r/")
	if keysNow(t, src).ByID("k1") == nil {
		t.Fatal("no k1")
	}
	if srv.discoHits.Load() != 1 || srv.certsHits.Load() != 1 {
		t.Fatalf("discovery %d, certs %d requests", srv.discoHits.Load(), srv.certsHits.Load())
	}
	d, err := src.Discovery(context.Background())
	if err != nil || d.JWKSURI != public+"/protocol/openid-connect/certs" {
		t.Fatalf("Discovery = %+v, %v", d, err)
	}

	// The public issuer is still checked.
	srv2 := newOIDCServer(t)
	srv2.setDiscovery("https://evil.example.com/realms/r", public+"/protocol/openid-connect/certs")
	src2 := newTestOIDC(t, srv2, clk, rec, public, srv2.URL()+"/realms/r")
	if _, err := src2.Keys(context.Background()); !errors.Is(err, ErrUnavailable) || !errors.Is(src2.Status().LastError, ErrIssuerMismatch) {
		t.Fatalf("Keys = %v, LastError = %v", err, src2.Status().LastError)
	}
}

func TestOIDCConfigRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  OIDCConfig
		want error
	}{
		{name: "no issuer", cfg: OIDCConfig{}, want: ErrConfig},
		{name: "issuer with query", cfg: OIDCConfig{Issuer: "https://id.example.com/r?x=1"}, want: ErrConfig},
		{name: "issuer with fragment", cfg: OIDCConfig{Issuer: "https://id.example.com/r#"}, want: ErrConfig},
		{name: "http FetchBaseURL", cfg: OIDCConfig{Issuer: "https://id.example.com/r", FetchBaseURL: "http://keycloak:8080/r"}, want: ErrInsecureURL},
		{name: "http FetchBaseURL allowed", cfg: OIDCConfig{Issuer: "https://id.example.com/r", FetchBaseURL: "http://keycloak:8080/r",
			FetchConfig: FetchConfig{InsecureAllowHTTP: true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := NewOIDC(tc.cfg)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if err == nil {
				_ = o.Close()
			}
		})
	}
}

func TestRebase(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://id/realms/r/protocol/certs", "http://kc:8080/realms/r/protocol/certs"},
		{"https://id/realms/r", "http://kc:8080/realms/r"},
		{"https://id/realms/r?x", "http://kc:8080/realms/r?x"},
		{"https://id/realms/rx/certs", "https://id/realms/rx/certs"},
		{"https://other/certs", "https://other/certs"},
	} {
		if got := rebase(tc.in, "https://id/realms/r", "http://kc:8080/realms/r"); got != tc.want {
			t.Errorf("rebase(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
