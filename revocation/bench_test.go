package revocation_test

import (
	"context"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/jwtguard/jwtguard/revocation"
)

// fill returns a Memory store holding n entries of one issuer, spread over
// the four kinds that carry a value.
func fill(b *testing.B, n int) *revocation.Memory {
	b.Helper()
	m, err := revocation.NewMemory(revocation.MemoryConfig{MaxEntries: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = m.Close() })
	ctx := context.Background()
	exp := time.Now().Add(time.Hour)
	for i := range n {
		v := "value-" + strconv.Itoa(i)
		var e revocation.Entry
		switch i % 4 {
		case 0:
			e = revocation.TokenEntry(iss, v, exp)
		case 1:
			e = revocation.SessionEntry(iss, v)
		case 2:
			e = revocation.SubjectEntry(iss, v, time.Time{})
		default:
			e = revocation.ClientEntry(iss, v, time.Time{})
		}
		if err := m.Revoke(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
	return m
}

// BenchmarkCheck is the request path at 100,000 entries in force: a token
// that matches none (every lookup runs) and a revoked one.
func BenchmarkCheck(b *testing.B) {
	m := fill(b, 100_000)
	iat := time.Now()
	b.Run("not_revoked", func(b *testing.B) {
		tok := &revocation.Token{Issuer: iss, ID: "a3f1c9e2-77d4-4c1b-9a0e-1f2d3c4b5a69", Subject: "f4c2b1a0-1234-4abc-8def-0123456789ab",
			SessionID: "8a9b7c6d-5e4f-4321-8765-fedcba987654", ClientID: "ea-api-edge", IssuedAt: iat}
		b.ReportAllocs()
		start := cpuTime()
		for b.Loop() {
			if err := m.Check(tok); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
	})
	b.Run("revoked_session", func(b *testing.B) {
		tok := &revocation.Token{Issuer: iss, ID: "x", SessionID: "value-1", IssuedAt: iat}
		b.ReportAllocs()
		for b.Loop() {
			if err := m.Check(tok); err == nil {
				b.Fatal("not revoked")
			}
		}
	})
	b.Run("other_issuer", func(b *testing.B) {
		tok := &revocation.Token{Issuer: "https://elsewhere.example", ID: "x", SessionID: "value-1", IssuedAt: iat}
		b.ReportAllocs()
		start := cpuTime()
		for b.Loop() {
			if err := m.Check(tok); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
	})
}

// BenchmarkMemoryPer100k reports the heap taken by 100,000 entries
// (runtime.MemStats before and after, after a GC each time).
func BenchmarkMemoryPer100k(b *testing.B) {
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		m := fill(b, 100_000)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MiB/100k")
		runtime.KeepAlive(m)
		_ = m.Close()
	}
}

// BenchmarkRevoke adds one entry at a time to a store of 100,000.
func BenchmarkRevoke(b *testing.B) {
	m := fill(b, 100_000)
	ctx := context.Background()
	exp := time.Now().Add(time.Hour)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if err := m.Revoke(ctx, revocation.TokenEntry(iss, "new-"+strconv.Itoa(i), exp)); err != nil {
			b.Fatal(err)
		}
	}
}
