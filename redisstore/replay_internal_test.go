package redisstore

import (
	"context"
	"strconv"
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
		res, err := r.setNX(ctx, "k", tt.value, time.Minute)
		if err != nil || res.fresh != tt.fresh || res.epoch == "" || time.Since(res.created) > time.Minute {
			t.Fatalf("call %d: setNX(%q) = %+v, %v; want fresh %v", i, tt.value, res, err, tt.fresh)
		}
	}
}

// TestReplaySweep: expired proofs leave the hash as later calls sweep it,
// so the hash holds about the live ones.
func TestReplaySweep(t *testing.T) {
	srv := redistest.Start(t)
	c := redis.NewClient(&redis.Options{Addr: srv.Addr(), ContextTimeoutEnabled: true})
	defer c.Close()
	r, err := NewReplay(ReplayConfig{Client: c, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range 1000 {
		if _, err := r.setNX(ctx, "old-"+strconv.Itoa(i), "v", time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(10 * time.Millisecond)
	for i := range 200 {
		if _, err := r.setNX(ctx, "live-"+strconv.Itoa(i), "v", time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := c.HLen(ctx, r.hash).Result(); err != nil || n > 250 {
		t.Fatalf("HLEN = %d, %v; want about the 200 live proofs", n, err)
	}
}
