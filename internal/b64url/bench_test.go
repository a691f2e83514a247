package b64url

import (
	"encoding/base64"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// benchInputs are the sizes the verifier decodes: an RS256 signature (342
// characters, 256 bytes), a Keycloak payload (about 950), and 1 KiB.
var benchInputs = []int{342, 950, 1024}

func benchString(n int) string {
	b := make([]byte, DecodedLen(n))
	for i := range b {
		b[i] = byte(i*131 + 7)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// BenchmarkAppendDecode compares AppendDecode with encoding/base64's strict
// decoder used the way verify's decodeSegment used it (a buffer of
// DecodedLen bytes, the string converted without a copy).
func BenchmarkAppendDecode(b *testing.B) {
	strict := base64.RawURLEncoding.Strict()
	for _, n := range benchInputs {
		s := benchString(n)
		if _, err := strict.DecodeString(s); err != nil {
			b.Fatalf("%d: %v", n, err)
		}
		buf := make([]byte, 0, 1024)
		b.Run("b64url/"+strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(n))
			b.ReportAllocs()
			start := cpuTime()
			for b.Loop() {
				if _, err := AppendDecode(buf[:0], s); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
		})
		b.Run("stdlib/"+strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(n))
			b.ReportAllocs()
			start := cpuTime()
			for b.Loop() {
				if _, err := strict.Decode(buf[:strict.DecodedLen(len(s))], []byte(s)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
		})
	}
}

// cpuTime returns the user and system CPU time the process has used: on a
// shared machine, time spent waiting for a core inflates ns/op but not
// cpu-ns/op.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
