package dpop_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/internal/testkeys"
)

func TestMemoryReplay(t *testing.T) {
	ctx := context.Background()
	now := t0
	clock := func() time.Time { return now }
	newStore := func(t *testing.T, max int) *dpop.MemoryReplay {
		m, err := dpop.NewMemoryReplay(dpop.MemoryReplayConfig{MaxEntries: max, Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}

	t.Run("second use refused until expiry", func(t *testing.T) {
		now = t0
		m := newStore(t, 0)
		if err := m.Use(ctx, "k", t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := m.Use(ctx, "k", t0.Add(time.Minute)); !errors.Is(err, dpop.ErrReplayed) {
			t.Fatalf("second Use = %v", err)
		}
		now = t0.Add(time.Minute)
		if err := m.Use(ctx, "k", now.Add(time.Minute)); err != nil {
			t.Fatalf("Use after expiry = %v", err)
		}
	})
	t.Run("full store refuses, then frees expired entries", func(t *testing.T) {
		now = t0
		m := newStore(t, 64) // 2 entries per shard
		var (
			full     error
			accepted []string
		)
		for i := 0; i < 1000 && full == nil; i++ {
			k := "k" + strconv.Itoa(i)
			if full = m.Use(ctx, k, t0.Add(time.Minute)); full == nil {
				accepted = append(accepted, k)
			}
		}
		if !errors.Is(full, dpop.ErrReplayUnavailable) {
			t.Fatalf("Use on a full store = %v; want ErrReplayUnavailable", full)
		}
		if m.Len() > 64 {
			t.Fatalf("Len = %d over the bound", m.Len())
		}
		// Once expired, the same keys (so the same shards) fit again.
		now = t0.Add(2 * time.Minute)
		for _, k := range accepted {
			if err := m.Use(ctx, k, now.Add(time.Minute)); err != nil {
				t.Fatalf("Use after expiry: %v", err)
			}
		}
	})
	t.Run("concurrent uses of one key", func(t *testing.T) {
		now = t0
		m := newStore(t, 0)
		var ok atomic.Int32
		var wg sync.WaitGroup
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if m.Use(ctx, "same", t0.Add(time.Minute)) == nil {
					ok.Add(1)
				}
			}()
		}
		wg.Wait()
		if ok.Load() != 1 {
			t.Fatalf("%d uses accepted", ok.Load())
		}
	})
	t.Run("canceled context", func(t *testing.T) {
		m := newStore(t, 0)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := m.Use(cctx, "k", t0.Add(time.Minute)); !errors.Is(err, dpop.ErrReplayUnavailable) || !errors.Is(err, context.Canceled) {
			t.Fatalf("Use = %v", err)
		}
	})
	t.Run("bad config", func(t *testing.T) {
		if _, err := dpop.NewMemoryReplay(dpop.MemoryReplayConfig{MaxEntries: -1}); err == nil {
			t.Error("negative MaxEntries accepted")
		}
		if _, err := dpop.NewMemoryReplay(dpop.MemoryReplayConfig{SweepInterval: -1}); err == nil {
			t.Error("negative SweepInterval accepted")
		}
	})
}

// failingStore is a ReplayStore that cannot answer.
type failingStore struct{}

func (failingStore) Use(context.Context, string, time.Time) error {
	return errors.New("boom: " + dpop.ErrReplayUnavailable.Error())
}

type unavailableStore struct{}

func (unavailableStore) Use(context.Context, string, time.Time) error {
	return dpop.ErrReplayUnavailable
}

func TestReplayStoreFailureRefuses(t *testing.T) {
	p256 := testkeys.P256(t)
	proof := signProof(t, "ES256", p256, headerFor(t, p256), claimsFor("fail"))
	c := newChecker(t, dpop.Config{Replay: unavailableStore{}})
	if _, err := check(c, request(t, proof)); !errors.Is(err, dpop.ErrReplayUnavailable) || dpop.Reason(err) != dpop.ReasonStoreUnavailable {
		t.Fatalf("Check = %v; want ErrReplayUnavailable", err)
	}
	// A store error that wraps no sentinel refuses the proof as unavailable.
	c = newChecker(t, dpop.Config{Replay: failingStore{}})
	if p, err := check(c, request(t, proof)); !errors.Is(err, dpop.ErrReplayUnavailable) || p != nil {
		t.Fatalf("Check = %v, %v; want ErrReplayUnavailable", p, err)
	}
}

// TestHeaderCacheKeepsChecking: a header seen before skips its own
// decoding, never the signature and claims checks.
func TestHeaderCacheKeepsChecking(t *testing.T) {
	p256 := testkeys.P256(t)
	forger, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	hdr := headerFor(t, p256)
	c := newChecker(t, dpop.Config{})
	if _, err := check(c, request(t, signProof(t, "ES256", p256, hdr, claimsFor("h1")))); err != nil {
		t.Fatal(err)
	}
	// The same header segment, signed by another key.
	if _, err := check(c, request(t, signProof(t, "ES256", forger, hdr, claimsFor("h2")))); !errors.Is(err, dpop.ErrSignature) {
		t.Fatalf("forged proof with a cached header: %v; want ErrSignature", err)
	}
	if _, err := check(c, request(t, signProof(t, "ES256", p256, hdr, with(claimsFor("h3"), "htm", "POST")))); !errors.Is(err, dpop.ErrHTM) {
		t.Fatalf("cached header, wrong htm: %v; want ErrHTM", err)
	}
}
