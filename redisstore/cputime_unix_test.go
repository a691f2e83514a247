//go:build unix

package redisstore

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process used so far: a benchmark's cpu-ns/op,
// which waiting for a core on a busy machine does not inflate.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
