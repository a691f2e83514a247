package profile_test

import (
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/fakeidp"
	"github.com/jwtguard/jwtguard/profile"
)

// logBuffer collects log lines.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestInsecureChoicesLogged checks that every check a profile leaves out
// is left out by a field named Insecure..., and that the choice is logged at
// Warn when the profile is built.
func TestInsecureChoicesLogged(t *testing.T) {
	e := fakeidp.NewErply(t, fakeidp.ErplyOptions{})
	a := fakeidp.NewAnsira(t, fakeidp.AnsiraOptions{})
	realm := fakeidp.NewRealm(t, fakeidp.RealmOptions{})
	type closer interface{ Close() error }
	tests := []struct {
		name  string
		build func(profile.Settings) (closer, error)
		warn  []string // substrings of the Warn lines; none: no Warn at all
	}{
		{name: "Erply without iss and aud checks", build: func(s profile.Settings) (closer, error) {
			return profile.Erply(profile.ErplyConfig{PEMURL: e.PEMURL, Account: "1", InsecureSkipIssuerCheck: true, InsecureSkipAudienceCheck: true, Settings: s})
		}, warn: []string{"field=InsecureSkipIssuerCheck", "field=InsecureSkipAudienceCheck"}},
		{name: "Erply with both checks", build: func(s profile.Settings) (closer, error) {
			return profile.Erply(profile.ErplyConfig{PEMURL: e.PEMURL, Account: "1", Issuer: "https://id.erply.test", Audiences: []string{"pos"}, Settings: s})
		}},
		{name: "Ansira without aud check", build: func(s profile.Settings) (closer, error) {
			return profile.Ansira(profile.AnsiraConfig{JWKSURL: a.JWKSURL, Issuer: a.Issuer, InsecureSkipAudienceCheck: true, Settings: s})
		}, warn: []string{"field=InsecureSkipAudienceCheck"}},
		{name: "Ansira with aud check", build: func(s profile.Settings) (closer, error) {
			return profile.Ansira(profile.AnsiraConfig{JWKSURL: a.JWKSURL, Issuer: a.Issuer, Audiences: []string{"x"}, Settings: s})
		}},
		{name: "Keycloak for any client", build: func(s profile.Settings) (closer, error) {
			return profile.Keycloak(profile.KeycloakConfig{Issuer: realm.URL, InsecureAcceptAnyClient: true, Settings: s})
		}, warn: []string{"field=InsecureAcceptAnyClient"}},
		{name: "Keycloak with azp", build: func(s profile.Settings) (closer, error) {
			return profile.Keycloak(profile.KeycloakConfig{Issuer: realm.URL, AuthorizedParties: []string{"api"}, Settings: s})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := &logBuffer{}
			var s profile.Settings
			s.Fetch.Logger = slog.New(slog.NewTextHandler(logs, nil))
			p, err := tt.build(s)
			require.NoError(t, err)
			t.Cleanup(func() { assert.NoError(t, p.Close()) })
			out := logs.String()
			if len(tt.warn) == 0 {
				assert.NotContains(t, out, "level=WARN")
				return
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			require.Len(t, lines, len(tt.warn), out)
			for i, w := range tt.warn {
				assert.Contains(t, lines[i], "level=WARN")
				assert.Contains(t, lines[i], "INSECURE")
				assert.Contains(t, lines[i], w)
			}
		})
	}
}
