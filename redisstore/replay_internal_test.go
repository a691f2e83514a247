package redisstore

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/jwtguard/jwtguard/internal/redistest"
)

// TestReplayRetriedSet: a SET that go-redis sends again after a lost reply
// finds its own value and is not taken for a replay; another call's value
// is a replay.
func TestReplayRetriedSet(t *testing.T) {
	srv := redistest.Start(t)
	c := redis.NewClient(&redis.Options{Addr: srv.Addr(), ContextTimeoutEnabled: true})
	defer c.Close()
	r, err := NewReplay(ReplayConfig{Client: c})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i, tt := range []struct {
		value string
		fresh bool
	}{{"mine", true}, {"mine", true}, {"theirs", false}} {
		fresh, epoch, err := r.setNX(ctx, "k", tt.value, time.Minute)
		if err != nil || fresh != tt.fresh || epoch == "" {
			t.Fatalf("call %d: setNX(%q) = %v, %q, %v; want fresh %v", i, tt.value, fresh, epoch, err, tt.fresh)
		}
	}
}
