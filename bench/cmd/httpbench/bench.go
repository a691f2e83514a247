package main

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// bench is one run of the HTTP benchmark.
type bench struct {
	o         options
	km        keyMaterial
	taskset   string
	pinned    bool
	bad       map[string]string   // tokens every authenticating server must refuse
	workloads map[string][]string // tokens of each workload
	gaps      []string            // bad tokens a contender accepted
	// results[workload][contender] holds one measurement per round.
	results map[string]map[string][]measurement
}

// measurement is one contender on one workload in one round.
type measurement struct {
	loadResult
	serverCPU time.Duration
}

func (m measurement) rps() float64 { return float64(m.requests) / m.elapsed.Seconds() }

// cpuPerReq is the server's CPU time per answered request.
func (m measurement) cpuPerReq() float64 {
	if m.requests == 0 {
		return math.NaN()
	}
	return float64(m.serverCPU) / float64(m.requests)
}

func (b *bench) run(ctx context.Context) error {
	names := strings.Split(b.o.contenders, ",")
	for _, n := range names {
		if !slices.Contains(contenders, n) {
			return fmt.Errorf("unknown contender %q (want some of %s)", n, strings.Join(contenders, ","))
		}
	}
	works := strings.Split(b.o.workloads, ",")
	for _, w := range works {
		if _, ok := b.workloads[w]; !ok {
			return fmt.Errorf("unknown workload %q (want some of hot,cold,forged)", w)
		}
	}
	b.results = map[string]map[string][]measurement{}
	for _, w := range works {
		b.results[w] = map[string][]measurement{}
	}
	b.header()
	client := newClient(b.o.conns)
	for round := range b.o.rounds {
		// Rotate the order each round, so that no contender always runs
		// first or last while the machine's load drifts.
		order := slices.Clone(names)
		k := round % len(order)
		order = append(order[k:], order[:k]...)
		fmt.Fprintf(os.Stderr, "# round %d/%d (load %s)\n", round+1, b.o.rounds, loadavg())
		for _, name := range order {
			if err := b.measure(ctx, client, name, works, round == 0); err != nil {
				return err
			}
		}
	}
	fmt.Printf("# load after: %s\n\n", loadavg())
	b.report(names, works)
	return nil
}

// header prints how the run was made.
func (b *bench) header() {
	fmt.Printf("# jwtguard HTTP benchmark, %s\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	cores := runtime.NumCPU()
	if n, err := strconv.Atoi(os.Getenv(pinnedEnv)); err == nil {
		cores = n // this process sees only the core it is pinned to
	}
	fmt.Printf("# %s, %d cores, %s\n", cpuModel(), cores, runtime.Version())
	fmt.Printf("# load before: %s\n", loadavg())
	pin := "not pinned (no taskset, one core, or -pin=false)"
	if b.pinned {
		pin = fmt.Sprintf("server pinned to core %d, load generator to core %d (taskset)", b.o.serverCPU, b.o.loadCPU)
	}
	fmt.Printf("# %s\n", pin)
	fmt.Printf("# rounds: %d, per measurement: %s after %s of warm-up (at most %d requests), %d keep-alive connections\n",
		b.o.rounds, b.o.duration, b.o.warmup, b.o.maxRequests, b.o.conns)
	fmt.Printf("# workloads: hot 1 token, cold %d distinct tokens cycled, forged %d tokens with a bad signature (401)\n",
		len(b.workloads["cold"]), len(b.workloads["forged"]))
}

// measure starts one contender's server, checks it, and measures every
// workload on it.
func (b *bench) measure(ctx context.Context, client *http.Client, name string, works []string, check bool) error {
	base, stop, err := b.startServer(name)
	if err != nil {
		return err
	}
	defer stop()
	defer client.CloseIdleConnections()
	url := base + apiPath
	if check {
		if err := b.check(ctx, client, name, url); err != nil {
			return err
		}
	}
	for _, w := range works {
		want := http.StatusNoContent
		if w == "forged" && name != "none" {
			want = http.StatusUnauthorized
		}
		cfg := loadConfig{url: url, tokens: b.workloads[w], want: want, conns: b.o.conns,
			duration: b.o.warmup, maxRequests: b.o.maxRequests}
		if b.o.warmup > 0 {
			runLoad(ctx, client, cfg)
		}
		cpu0, err := serverCPU(client, base)
		if err != nil {
			return err
		}
		cfg.duration = b.o.duration
		r := runLoad(ctx, client, cfg)
		cpu1, err := serverCPU(client, base)
		if err != nil {
			return err
		}
		m := measurement{loadResult: r, serverCPU: cpu1 - cpu0}
		if r.failures > 0 {
			fmt.Fprintf(os.Stderr, "# %s/%s: %d failed requests (first: %s)\n", name, w, r.failures, r.firstErr)
		}
		fmt.Fprintf(os.Stderr, "#   %-16s %-7s %8.0f req/s  p99 %8s  server %6.1f µs/req\n",
			name, w, m.rps(), r.p99.Round(time.Microsecond), m.cpuPerReq()/1e3)
		b.results[w][name] = append(b.results[w][name], m)
	}
	return nil
}

// check sends a valid token (204 wanted) and every bad token (401 wanted,
// except from "none"); a bad token accepted is recorded as a gap and
// reported; a valid token refused, or a server error, stops the run.
func (b *bench) check(ctx context.Context, client *http.Client, name, url string) error {
	status, err := get(ctx, client, url, b.workloads["hot"][0])
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if status != http.StatusNoContent {
		return fmt.Errorf("%s answered %d to a valid token", name, status)
	}
	if name == "none" {
		return nil
	}
	keys := make([]string, 0, len(b.bad))
	for k := range b.bad {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		status, err := get(ctx, client, url, b.bad[k])
		switch {
		case err != nil:
			return fmt.Errorf("%s, %s token: %w", name, k, err)
		case status == http.StatusNoContent:
			b.gaps = append(b.gaps, fmt.Sprintf("%s accepts a token with %s", name, k))
		case status != http.StatusUnauthorized && status != http.StatusBadRequest:
			return fmt.Errorf("%s answered %d to a token with %s", name, status, k)
		}
	}
	return nil
}

// report prints one Markdown table per workload.
func (b *bench) report(names, works []string) {
	fmt.Println("req/s and server CPU per request are medians over the rounds; the ratios are taken within each round")
	fmt.Println("against jwtguard (cache off), then their median: × req/s above 1 is more throughput, × CPU below 1 is less work per request.")
	fmt.Println("busy is the server's CPU time over the measured wall time (100% = one core), load busy the load generator's:")
	fmt.Println("near 100% load busy means the load generator, not the server, set the pace, and CPU/req is the figure to compare.")
	for _, w := range works {
		fmt.Printf("\n| %s | req/s | p50 | p99 | server CPU/req | busy | load busy | failed | × jwtguard req/s | × jwtguard CPU/req |\n", w)
		fmt.Println("|:---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
		ref := b.results[w]["jwtguard"]
		for _, n := range names {
			ms := b.results[w][n]
			rps := median(ms, measurement.rps)
			cpu := median(ms, measurement.cpuPerReq)
			p50 := median(ms, func(m measurement) float64 { return float64(m.p50) })
			p99 := median(ms, func(m measurement) float64 { return float64(m.p99) })
			busy := median(ms, func(m measurement) float64 { return 100 * float64(m.serverCPU) / float64(m.elapsed) })
			loadBusy := median(ms, func(m measurement) float64 { return 100 * float64(m.loadCPU) / float64(m.elapsed) })
			var failed int64
			for _, m := range ms {
				failed += m.failures
			}
			fmt.Printf("| %s | %.0f | %s | %s | %s | %.0f%% | %.0f%% | %d | %s | %s |\n", n, rps,
				dur(p50), dur(p99), dur(cpu), busy, loadBusy, failed,
				ratio(ms, ref, measurement.rps), ratio(ms, ref, measurement.cpuPerReq))
		}
	}
	fmt.Println()
	if len(b.gaps) == 0 {
		fmt.Println("Every authenticating server refused every bad token (forged, expired, no exp, wrong iss, wrong aud, alg none, unknown kid).")
	}
	for _, g := range b.gaps {
		fmt.Println("GAP:", g)
	}
}

// median returns the median of f over ms.
func median(ms []measurement, f func(measurement) float64) float64 {
	vs := make([]float64, 0, len(ms))
	for _, m := range ms {
		vs = append(vs, f(m))
	}
	return medianOf(vs)
}

func medianOf(vs []float64) float64 {
	if len(vs) == 0 {
		return math.NaN()
	}
	vs = slices.Clone(vs)
	slices.Sort(vs)
	if n := len(vs); n%2 == 1 {
		return vs[n/2]
	} else {
		return (vs[n/2-1] + vs[n/2]) / 2
	}
}

// ratio is the median over the rounds of f(ms[i]) / f(ref[i]).
func ratio(ms, ref []measurement, f func(measurement) float64) string {
	if len(ms) != len(ref) || len(ms) == 0 {
		return "–"
	}
	q := make([]float64, len(ms))
	for i := range ms {
		q[i] = f(ms[i]) / f(ref[i])
	}
	v := medianOf(q)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return fmt.Sprintf("%.2f", v)
}

func dur(ns float64) string {
	switch {
	case math.IsNaN(ns):
		return "–"
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	default:
		return fmt.Sprintf("%.0f ns", ns)
	}
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
