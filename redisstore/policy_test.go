package redisstore_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/jwtguard/jwtguard/internal/redistest"
	"github.com/jwtguard/jwtguard/redisstore"
)

// recorder keeps the messages logged at each level.
type recorder struct {
	mu   sync.Mutex
	msgs map[slog.Level][]string
}

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs[rec.Level] = append(r.msgs[rec.Level], rec.Message)
	return nil
}
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *recorder) WithGroup(string) slog.Handler      { return r }

func (r *recorder) has(l slog.Level, sub string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.msgs[l] {
		if strings.Contains(m, sub) {
			return true
		}
	}
	return false
}

// TestMaxmemoryPolicyLogged: a Revocation store started on a Redis whose
// policy evicts keys says so at Error; under noeviction it says nothing.
func TestMaxmemoryPolicyLogged(t *testing.T) {
	for _, tt := range []struct {
		policy string
		want   bool
	}{{"noeviction", false}, {"volatile-lru", true}, {"allkeys-lru", true}} {
		t.Run(tt.policy, func(t *testing.T) {
			checkLeaks(t)
			srv := redistest.Start(t)
			if _, err := srv.Do("CONFIG", "SET", "maxmemory-policy", tt.policy); err != nil {
				t.Fatal(err)
			}
			rec := &recorder{msgs: map[slog.Level][]string{}}
			s := replica(t, srv.Addr(), func(c *redisstore.RevocationConfig) { c.Logger = slog.New(rec) })
			synced(t, s)
			if got := rec.has(slog.LevelError, "maxmemory-policy"); got != tt.want {
				t.Fatalf("logged at Error: %v; want %v", got, tt.want)
			}
		})
	}
}
