package redisstore

import (
	"context"
	"errors"
	"log/slog"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/jwtguard/jwtguard/internal/redistest"
	"github.com/jwtguard/jwtguard/revocation"
)

const benchIssuer = "https://idp.example/realms/bench"

func benchReplica(b *testing.B, addr string) *Revocation {
	b.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr})
	b.Cleanup(func() { _ = c.Close() })
	s, err := NewRevocation(RevocationConfig{Client: c, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.WaitSynced(ctx); err != nil {
		b.Fatal(err)
	}
	return s
}

// seed writes n entries of the four kinds that carry a value straight to
// Redis, through the same script as Revoke, in pipelines.
func seed(b *testing.B, s *Revocation, n int) {
	b.Helper()
	ctx := context.Background()
	now := time.Now()
	for from := 0; from < n; from += 1000 {
		_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i := from; i < min(from+1000, n); i++ {
				v := "value-" + strconv.Itoa(i)
				e := []revocation.Entry{
					revocation.TokenEntry(benchIssuer, v, now.Add(time.Hour)),
					revocation.SessionEntry(benchIssuer, v),
					revocation.SubjectEntry(benchIssuer, v, time.Time{}),
					revocation.ClientEntry(benchIssuer, v, time.Time{}),
				}[i%4]
				e, err := e.Normalize(now, revocation.DefaultMaxTokenLifetime)
				if err != nil {
					return err
				}
				p.Eval(ctx, revokeSrc, s.keys.script(), s.revokeArgs(e, 0)...)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheck is the request path of a replica that loaded 100,000
// entries from Redis: a token no entry matches, and a revoked one. The
// sub-benchmark "load" reports how long a replica takes to load them.
func BenchmarkCheck(b *testing.B) {
	srv := redistest.Start(b)
	seed(b, benchReplica(b, srv.Addr()), 100_000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	s := benchReplica(b, srv.Addr())
	loaded := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	if n := s.Status().Entries; n != 100_000 {
		b.Fatalf("%d entries loaded", n)
	}
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
		}
		b.ReportMetric(float64(loaded.Milliseconds()), "ms/load-100k")
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MiB/100k")
	})
	iat := time.Now()
	b.Run("not_revoked", func(b *testing.B) {
		tok := &revocation.Token{Issuer: benchIssuer, ID: "a3f1c9e2-77d4-4c1b-9a0e-1f2d3c4b5a69", Subject: "f4c2b1a0-1234-4abc-8def-0123456789ab",
			SessionID: "8a9b7c6d-5e4f-4321-8765-fedcba987654", ClientID: "ea-api-edge", IssuedAt: iat}
		b.ReportAllocs()
		start := cpuTime()
		for b.Loop() {
			if err := s.Check(tok); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
	})
	b.Run("revoked", func(b *testing.B) {
		tok := &revocation.Token{Issuer: benchIssuer, ID: "x", SessionID: "value-1", IssuedAt: iat}
		b.ReportAllocs()
		for b.Loop() {
			if err := s.Check(tok); err == nil {
				b.Fatal("not revoked")
			}
		}
	})
}

// BenchmarkPropagation measures, over 200 revocations, the time from
// calling Revoke on one replica to Check refusing on another, both on a
// loopback redis-server; it reports p50 and p99.
func BenchmarkPropagation(b *testing.B) {
	srv := redistest.Start(b)
	a, other := benchReplica(b, srv.Addr()), benchReplica(b, srv.Addr())
	ctx := context.Background()
	const n = 200
	round := 0
	for b.Loop() {
		round++
		lat := make([]time.Duration, 0, n)
		for i := range n {
			sid := "r" + strconv.Itoa(round) + "-" + strconv.Itoa(i)
			tok := &revocation.Token{Issuer: benchIssuer, SessionID: sid}
			start := time.Now()
			if err := a.Revoke(ctx, revocation.SessionEntry(benchIssuer, sid)); err != nil {
				b.Fatal(err)
			}
			for !errors.Is(other.Check(tok), revocation.ErrRevoked) {
				if time.Since(start) > 10*time.Second {
					b.Fatal("not propagated within 10 s")
				}
				runtime.Gosched()
			}
			lat = append(lat, time.Since(start))
		}
		slices.Sort(lat)
		b.ReportMetric(float64(lat[n/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[n*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(lat[n-1].Microseconds())/1000, "max-ms")
	}
}
