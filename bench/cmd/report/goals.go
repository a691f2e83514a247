package main

import (
	"fmt"
	"math"
)

// goal is one of jwtguard's performance goals, measured from one run's
// medians.
type goal struct {
	name     string
	measured float64
	target   float64
	// atLeast is true for goals whose measure must reach the target, false
	// for those that must stay at or under it; strict makes "under" strict.
	atLeast, strict bool
	unit            string // "x" for a ratio, or a unit such as "ns"
	// note explains a missing measure.
	note string
}

func (g goal) ok() bool {
	switch {
	case math.IsNaN(g.measured):
		return false
	case g.atLeast:
		return g.measured >= g.target
	case g.strict:
		return g.measured < g.target
	default:
		return g.measured <= g.target
	}
}

func (g goal) String() string {
	verdict := "MISS"
	if g.ok() {
		verdict = "ok"
	}
	cmp := "<="
	switch {
	case g.atLeast:
		cmp = ">="
	case g.strict:
		cmp = "<"
	}
	line := fmt.Sprintf("GOAL %s %s %s%s %s", g.name, g.format(g.measured), cmp, g.format(g.target), verdict)
	if g.note != "" {
		line += " (" + g.note + ")"
	}
	return line
}

func (g goal) format(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	switch g.unit {
	case "x":
		return fmt.Sprintf("%.3gx", v)
	case "":
		return fmt.Sprintf("%.3g", v)
	default:
		return fmt.Sprintf("%.4g%s", v, g.unit)
	}
}

// Benchmark names the goals read.
const (
	verifyPrefix  = "Verify/"
	mwHandler     = "Middleware/RS256/handler"
	mwCached      = "Middleware/RS256/jwtguard-cached"
	parallelGroup = "Parallel/RS256/"
	stormJWTGuard = "JWKSStorm/jwtguard"
)

var goalAlgs = []string{"RS256", "PS256", "ES256", "EdDSA", "HS256"}

func (r *results) ratio(a, b string) float64 { return r.timeRatio(a, b) }

func (r *results) goals() []goal {
	v := func(alg, row string) string { return verifyPrefix + alg + "/" + row }
	gs := []goal{
		{name: "rs256-cold-vs-raw", measured: r.ratio(v("RS256", "jwtguard"), v("RS256", "raw")), target: 1.1, unit: "x"},
		{name: "ps256-cold-vs-raw", measured: r.ratio(v("PS256", "jwtguard"), v("PS256", "raw")), target: 1.1, unit: "x"},
		{name: "es256-cold-vs-raw", measured: r.ratio(v("ES256", "jwtguard"), v("ES256", "raw")), target: 1.1, unit: "x"},
		{name: "eddsa-cold-vs-raw", measured: r.ratio(v("EdDSA", "jwtguard"), v("EdDSA", "raw")), target: 1.1, unit: "x"},
		{name: "hs256-cold-vs-golang-jwt", measured: r.ratio(v("HS256", "jwtguard"), v("HS256", "golang-jwt")), target: 0.5, unit: "x"},
	}

	// Memory of every cold Verify below golang-jwt's: the worst ratio over
	// the algorithms, which must be under 1.
	for _, unit := range []string{"B/op", "allocs/op"} {
		worst, worstAlg := math.NaN(), ""
		for _, alg := range goalAlgs {
			q := r.pairedRatio(v(alg, "jwtguard"), v(alg, "golang-jwt"), unit)
			if math.IsNaN(q) {
				worst, worstAlg = math.NaN(), alg+" missing"
				break
			}
			if math.IsNaN(worst) || q > worst {
				worst, worstAlg = q, alg
			}
		}
		name := "cold-bytes-vs-golang-jwt"
		if unit == "allocs/op" {
			name = "cold-allocs-vs-golang-jwt"
		}
		gs = append(gs, goal{name: name, measured: worst, target: 1, strict: true, unit: "x", note: "worst: " + worstAlg})
	}

	// The cache hit against RS256 cold, and its allocations (the most of
	// any algorithm).
	gs = append(gs, goal{name: "cache-hit-vs-rs256-cold",
		measured: r.ratio(v("RS256", "jwtguard-cached"), v("RS256", "jwtguard")), target: 1.0 / 30, unit: "x"})
	maxAllocs, maxNs := 0.0, 0.0
	for _, alg := range goalAlgs {
		row := v(alg, "jwtguard-cached")
		maxAllocs = math.Max(maxAllocs, r.median(row, "allocs/op"))
		maxNs = math.Max(maxNs, r.median(row, r.timeUnit(row)))
	}
	gs = append(gs,
		goal{name: "cache-hit-ns", measured: maxNs, target: 100, unit: "ns", note: "slowest algorithm"},
		goal{name: "cache-hit-allocs", measured: maxAllocs, target: 0},
	)

	// Middleware overhead above Verify: the middleware row over a cached
	// verifier, less the cached Verify and the bare handler (recorder
	// included), so that the crypto's noise does not drown it.
	over := func(unit string) float64 {
		mw, verify, bare := r.metrics[mwCached][unit], r.metrics[v("RS256", "jwtguard-cached")][unit], r.metrics[mwHandler][unit]
		if len(mw) == 0 || len(mw) != len(verify) || len(mw) != len(bare) {
			return r.median(mwCached, unit) - r.median(v("RS256", "jwtguard-cached"), unit) - r.median(mwHandler, unit)
		}
		d := make([]float64, len(mw))
		for i := range mw {
			d[i] = mw[i] - verify[i] - bare[i]
		}
		return medianOf(d)
	}
	gs = append(gs,
		goal{name: "middleware-overhead-ns", measured: over(r.timeUnit(mwCached, v("RS256", "jwtguard-cached"), mwHandler)), target: 1000, unit: "ns"},
		goal{name: "middleware-overhead-allocs", measured: over("allocs/op"), target: 3},
	)

	// RunParallel: two goroutines against one.
	for _, p := range [][2]string{{"rs256", "jwtguard"}, {"cache-hit", "jwtguard-cached"}} {
		procs := parallelGroup + p[1] + "/procs="
		gs = append(gs, goal{name: "parallel-speedup-" + p[0],
			measured: r.pairedRatio(procs+"1", procs+"2", "ns/op"), target: 1.9, atLeast: true, unit: "x"})
	}

	// Storm: upstream fetches per cooldown window, the worst run.
	worst := math.NaN()
	for _, x := range r.metrics[stormJWTGuard]["upstream/window"] {
		if math.IsNaN(worst) || x > worst {
			worst = x
		}
	}
	gs = append(gs, goal{name: "storm-upstream-per-window", measured: worst, target: 1})
	return gs
}
