package bench

import (
	"syscall"
	"testing"
	"time"
)

// verifyRows are the verifiers compared in BenchmarkVerify, after the raw
// signature check, in table order.
var verifyRows = []struct {
	name string
	new  constructor
}{
	{"minimal", newMinimal},
	{"jwtguard", newJWTGuard(false)},
	{"jwtguard-cached", newJWTGuard(true)},
	{"golang-jwt", newGolangJWT},
	{"keyfunc", newKeyfunc},
	{"go-jose", newGoJose},
	{"go-oidc", newGoOIDC},
	{"auth0", newAuth0},
	{"auth0-v3", newAuth0v3},
	{"jwx-v2", newJWXv2},
	{"jwx-v3", newJWXv3},
}

// BenchmarkVerify verifies the same Keycloak-sized token, per algorithm,
// with the raw signature check, the hand-written minimum, jwtguard and its
// peers. Every row first checks that the token verifies.
func BenchmarkVerify(b *testing.B) {
	for _, alg := range algs {
		b.Run(alg, func(b *testing.B) {
			f := fixtureFor(b, alg)
			b.Run("raw", func(b *testing.B) { benchLoop(b, rawVerify(f)) })
			for _, r := range verifyRows {
				b.Run(r.name, func(b *testing.B) {
					verify := r.new(b, f)
					if verify == nil {
						b.Skipf("%s does not support %s", r.name, alg)
					}
					token := f.token
					benchLoop(b, func() error { return verify(token) })
				})
			}
		})
	}
}

// benchLoop checks that fn succeeds, then times it. Besides ns/op (wall
// time), it reports cpu-ns/op: the CPU time the process spent per call,
// which a loaded machine inflates far less than wall time, since time spent
// waiting for a core is not counted (GC work is).
func benchLoop(b *testing.B, fn func() error) {
	b.Helper()
	if err := fn(); err != nil {
		b.Fatalf("the token does not verify: %v", err)
	}
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if err := fn(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// cpuTime returns the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
