package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// loadConfig is one measurement: conns keep-alive connections, each
// sending its next request as soon as the previous one is answered (a
// closed loop), for duration or until maxRequests are sent, cycling
// through tokens, every answer expected to have status want.
type loadConfig struct {
	url         string
	tokens      []string
	want        int
	conns       int
	duration    time.Duration
	maxRequests int64
}

// loadResult is what one measurement saw.
type loadResult struct {
	requests int64         // answered with the wanted status
	failures int64         // another status, or a transport error
	firstErr string        // the first failure, for the log
	elapsed  time.Duration // wall time of the measurement
	p50, p99 time.Duration // latency of the answered requests
	loadCPU  time.Duration // CPU time of this process (the load generator)
}

// newClient returns an HTTP/1.1 client keeping up to conns connections
// alive to one host.
func newClient(conns int) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			MaxIdleConns:        conns,
			MaxIdleConnsPerHost: conns,
			MaxConnsPerHost:     conns,
			DisableCompression:  true,
			IdleConnTimeout:     time.Minute,
		},
		Timeout: 10 * time.Second,
	}
}

// runLoad runs one measurement with client.
func runLoad(ctx context.Context, client *http.Client, c loadConfig) loadResult {
	ctx, cancel := context.WithTimeout(ctx, c.duration)
	defer cancel()
	var (
		next     atomic.Int64
		failures atomic.Int64
		errOnce  sync.Once
		firstErr string
		lats     = make([][]time.Duration, c.conns)
		wg       sync.WaitGroup
	)
	cpu0, start := cpuTime(), time.Now()
	for w := range c.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= c.maxRequests {
					return
				}
				t0 := time.Now()
				status, err := get(ctx, client, c.url, c.tokens[i%int64(len(c.tokens))])
				if ctx.Err() != nil {
					return // cut off by the deadline: not counted
				}
				if err == nil && status != c.want {
					err = fmt.Errorf("status %d, want %d", status, c.want)
				}
				if err != nil {
					failures.Add(1)
					errOnce.Do(func() { firstErr = err.Error() })
					continue
				}
				lats[w] = append(lats[w], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	r := loadResult{elapsed: time.Since(start), loadCPU: cpuTime() - cpu0, failures: failures.Load(), firstErr: firstErr}
	all := slices.Concat(lats...)
	slices.Sort(all)
	r.requests = int64(len(all))
	if len(all) > 0 {
		r.p50 = all[len(all)/2]
		r.p99 = all[min(len(all)-1, len(all)*99/100)]
	}
	return r
}

// get sends one request with token as a bearer token and returns the
// status, reading the body so that the connection is reused.
func get(ctx context.Context, client *http.Client, url, token string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// serverCPU asks a server for the CPU time its process has used.
func serverCPU(client *http.Client, base string) (time.Duration, error) {
	resp, err := client.Get(base + cpuPath)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	ns, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	return time.Duration(ns), err
}

// cpuTime returns the user and system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
