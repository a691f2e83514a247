package bench

import (
	"fmt"
	"runtime"
	"testing"
)

// BenchmarkParallel measures RS256 throughput with b.RunParallel on one
// goroutine and on two (GOMAXPROCS set to 1, then 2, for the row only):
// ns/op is wall time per verified token, so procs=1 ns/op divided by
// procs=2 ns/op is the speed-up. "raw" shows what the machine itself gives.
func BenchmarkParallel(b *testing.B) {
	f := fixtureFor(b, "RS256")
	rows := []struct {
		name string
		new  func(b *testing.B) func() error
	}{
		{"raw", func(*testing.B) func() error { return rawVerify(f) }},
		{"jwtguard", func(b *testing.B) func() error {
			verify := newJWTGuard(false)(b, f)
			return func() error { return verify(f.token) }
		}},
		{"jwtguard-cached", func(b *testing.B) func() error {
			verify := newJWTGuard(true)(b, f)
			return func() error { return verify(f.token) }
		}},
	}
	for _, r := range rows {
		for _, procs := range []int{1, 2} {
			b.Run(fmt.Sprintf("RS256/%s/procs=%d", r.name, procs), func(b *testing.B) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				fn := r.new(b)
				if err := fn(); err != nil {
					b.Fatalf("the token does not verify: %v", err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if err := fn(); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		}
	}
}
