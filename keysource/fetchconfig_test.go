package keysource

import (
	"errors"
	"log/slog"
	"testing"
	"time"
)

func TestFetchConfigDefaults(t *testing.T) {
	s, err := FetchConfig{}.resolve()
	if err != nil {
		t.Fatal(err)
	}
	if s.timeout != 10*time.Second || s.maxBody != 1<<20 || s.minRefresh != time.Minute ||
		s.maxRefresh != 24*time.Hour || s.defRefresh != 5*time.Minute || s.cooldown != 30*time.Second ||
		s.maxStale != 24*time.Hour || s.eager || s.insecure || s.log != slog.Default() ||
		s.clock != (systemClock{}) || s.userAgent != "jwtguard/"+Version || s.client == nil || s.client.CheckRedirect == nil {
		t.Fatalf("defaults: %+v", s)
	}
}

func TestFetchConfigInvalid(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  FetchConfig
	}{
		{name: "negative Timeout", cfg: FetchConfig{Timeout: -1}},
		{name: "negative MaxStale", cfg: FetchConfig{MaxStale: -time.Hour}},
		{name: "negative MaxBodyBytes", cfg: FetchConfig{MaxBodyBytes: -1}},
		{name: "MaxStale under twice MinRefresh", cfg: FetchConfig{MaxStale: 30 * time.Second}},
		{name: "MinRefresh under 1s", cfg: FetchConfig{MinRefresh: 500 * time.Millisecond}},
		{name: "RefreshCooldown under 1s", cfg: FetchConfig{RefreshCooldown: time.Millisecond}},
		{name: "MaxRefresh under MinRefresh", cfg: FetchConfig{MaxRefresh: 30 * time.Second}},
		{name: "DefaultRefresh over MaxRefresh", cfg: FetchConfig{DefaultRefresh: time.Hour, MaxRefresh: 30 * time.Minute}},
		{name: "DefaultRefresh under MinRefresh", cfg: FetchConfig{DefaultRefresh: 2 * time.Minute, MinRefresh: 3 * time.Minute}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewJWKS(JWKSConfig{URL: "https://keys.example.com/certs", FetchConfig: tc.cfg}); !errors.Is(err, ErrConfig) {
				t.Fatalf("err = %v, want ErrConfig", err)
			}
		})
	}
}

func TestBackoffJitter(t *testing.T) {
	s, err := FetchConfig{random: func() float64 { return 1 }}.resolve()
	if err != nil {
		t.Fatal(err)
	}
	for n, want := range map[int]time.Duration{1: 750 * time.Millisecond, 3: 3 * time.Second, 9: 192 * time.Second, 10: 225 * time.Second, 64: 225 * time.Second} {
		if got := s.backoff(n); got != want {
			t.Errorf("backoff(%d) with full jitter = %s, want %s", n, got, want)
		}
	}
}

func TestNewURLRules(t *testing.T) {
	for _, tc := range []struct {
		name     string
		url      string
		insecure bool
		wantErr  error
	}{
		{name: "https", url: "https://keys.example.com/certs"},
		{name: "http to a remote host", url: "http://keys.example.com/certs", wantErr: ErrInsecureURL},
		{name: "http to a private address", url: "http://10.0.0.5/certs", wantErr: ErrInsecureURL},
		{name: "http with InsecureAllowHTTP", url: "http://keycloak:8080/certs", insecure: true},
		{name: "http to localhost", url: "http://localhost:8080/certs"},
		{name: "http to 127.0.0.2", url: "http://127.0.0.2/certs"},
		{name: "http to ::1", url: "http://[::1]:8080/certs"},
		{name: "http to a name that contains localhost", url: "http://localhost.example.com/certs", wantErr: ErrInsecureURL},
		{name: "other scheme", url: "ftp://keys.example.com/certs", wantErr: ErrInsecureURL},
		{name: "empty", url: "", wantErr: ErrConfig},
		{name: "relative", url: "/certs", wantErr: ErrInsecureURL},
		{name: "no host", url: "https:///certs", wantErr: ErrConfig},
		{name: "user info", url: "https://user:secret@keys.example.com/certs", wantErr: ErrConfig},
		{name: "unparsable", url: "https://keys.example.com/%zz", wantErr: ErrConfig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fc := FetchConfig{InsecureAllowHTTP: tc.insecure}
			j, err := NewJWKS(JWKSConfig{URL: tc.url, FetchConfig: fc})
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("NewJWKS: err = %v, want %v", err, tc.wantErr)
			}
			p, err := NewPEM(PEMConfig{URL: tc.url, FetchConfig: fc})
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("NewPEM: err = %v, want %v", err, tc.wantErr)
			}
			o, err := NewOIDC(OIDCConfig{Issuer: tc.url, FetchConfig: fc})
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("NewOIDC: err = %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr == nil {
				_, _, _ = j.Close(), p.Close(), o.Close()
			}
		})
	}
}
