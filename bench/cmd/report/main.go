// Command report reads the output of `go test -bench` (from files or
// standard input), takes the median of every metric over the runs of each
// benchmark, and prints Markdown tables with each row's ratio to the lower
// bounds (raw signature check, minimal hand-written verify) and to jwtguard.
// With -goals it ends with one line per performance goal of jwtguard:
//
//	GOAL <name> <measured> <target> ok|MISS
//
// With -svg FILE it also draws the Verify benchmarks as a bar chart: time
// per verification of each contender, one panel per algorithm, jwtguard
// highlighted and the raw signature check marked as the floor.
//
// It exits 0 whatever the goals say; run.sh decides what to do with them.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func main() {
	goals := flag.Bool("goals", false, "print the GOAL lines after the tables")
	svgOut := flag.String("svg", "", "also write a bar chart of the Verify benchmarks to this SVG file")
	timeFlag := flag.String("time", "cpu", "time the ratios use: cpu (cpu-ns/op where measured, else ns/op) or wall (ns/op)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: report [-goals] [-svg FILE] [-time cpu|wall] [bench-output-file ...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	res := newResults()
	switch *timeFlag {
	case "cpu":
		res.cpu = true
	case "wall":
	default:
		fail(fmt.Errorf("-time: %q is neither cpu nor wall", *timeFlag))
	}
	if flag.NArg() == 0 {
		if err := res.parse(os.Stdin); err != nil {
			fail(err)
		}
	}
	for _, name := range flag.Args() {
		f, err := os.Open(name)
		if err != nil {
			fail(err)
		}
		err = res.parse(f)
		f.Close()
		if err != nil {
			fail(err)
		}
	}
	if len(res.order) == 0 {
		fail(fmt.Errorf("no benchmark results in the input"))
	}
	res.writeTables(os.Stdout)
	if *svgOut != "" {
		if err := writeSVGFile(res, *svgOut); err != nil {
			fail(err)
		}
	}
	if *goals {
		fmt.Println()
		for _, g := range res.goals() {
			fmt.Println(g)
		}
	}
}

func writeSVGFile(res *results, name string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := res.writeSVG(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "report:", err)
	os.Exit(1)
}

// results holds every value of every metric of every benchmark, by the
// benchmark's name without "Benchmark" and without the GOMAXPROCS suffix.
type results struct {
	order   []string
	metrics map[string]map[string][]float64
	units   map[string][]string // units of a benchmark, in order of appearance
	// cpu makes ratios use cpu-ns/op where both rows have it.
	cpu bool
}

// cpuUnit is the metric bench's benchLoop reports: process CPU time per op.
const cpuUnit = "cpu-ns/op"

// timeUnit returns the time metric that compares the benchmarks names.
func (r *results) timeUnit(names ...string) string {
	if !r.cpu {
		return "ns/op"
	}
	for _, n := range names {
		if len(r.metrics[n][cpuUnit]) == 0 {
			return "ns/op"
		}
	}
	return cpuUnit
}

// timeRatio is pairedRatio on the time metric that compares a and b.
func (r *results) timeRatio(a, b string) float64 {
	return r.pairedRatio(a, b, r.timeUnit(a, b))
}

func newResults() *results {
	return &results{metrics: map[string]map[string][]float64{}, units: map[string][]string{}}
}

var procsSuffix = regexp.MustCompile(`-\d+$`)

// parse reads `go test -bench` output. A result line is
//
//	BenchmarkName-2   1234   5678 ns/op   90 B/op   1 allocs/op   0.5 upstream/op
//
// and every other line is ignored.
func (r *results) parse(in io.Reader) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") || len(fields)%2 != 0 {
			continue
		}
		if _, err := strconv.ParseInt(fields[1], 10, 64); err != nil {
			continue
		}
		name := procsSuffix.ReplaceAllString(strings.TrimPrefix(fields[0], "Benchmark"), "")
		m, ok := r.metrics[name]
		if !ok {
			m = map[string][]float64{}
			r.metrics[name] = m
			r.order = append(r.order, name)
		}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				break
			}
			unit := fields[i+1]
			if _, seen := m[unit]; !seen {
				r.units[name] = append(r.units[name], unit)
			}
			m[unit] = append(m[unit], v)
		}
	}
	return sc.Err()
}

// median returns the median of a benchmark's metric, or NaN.
func (r *results) median(name, unit string) float64 {
	return medianOf(r.metrics[name][unit])
}

// medianOf returns the median of vs, or NaN for none.
func medianOf(vs []float64) float64 {
	if len(vs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

// pairedRatio returns the median over the runs of a's metric divided by b's
// in the same run, when both have as many values (a run of `go test` per
// pass, as run.sh does, pairs measurements made close in time); otherwise
// the ratio of the medians.
func (r *results) pairedRatio(a, b, unit string) float64 {
	va, vb := r.metrics[a][unit], r.metrics[b][unit]
	if len(va) == 0 || len(va) != len(vb) {
		return r.median(a, unit) / r.median(b, unit)
	}
	q := make([]float64, len(va))
	for i := range va {
		q[i] = va[i] / vb[i]
	}
	return medianOf(q)
}

// spread returns (max-min)/median of a benchmark's metric, in percent.
func (r *results) spread(name, unit string) float64 {
	vs := r.metrics[name][unit]
	if len(vs) < 2 {
		return math.NaN()
	}
	return 100 * (slices.Max(vs) - slices.Min(vs)) / r.median(name, unit)
}

// group splits a name into its group (all but the last element) and row.
func group(name string) (string, string) {
	i := strings.LastIndexByte(name, '/')
	if i < 0 {
		return "", name
	}
	return name[:i], name[i+1:]
}

// references are the rows each group's ratios are taken against, when the
// group has them.
var references = []string{"raw", "minimal", "jwtguard"}

func (r *results) writeTables(w io.Writer) {
	var groups []string
	rows := map[string][]string{}
	for _, name := range r.order {
		g, row := group(name)
		if _, ok := rows[g]; !ok {
			groups = append(groups, g)
		}
		rows[g] = append(rows[g], row)
	}
	slices.SortStableFunc(groups, func(a, b string) int { return sectionRank(a) - sectionRank(b) })
	if r.cpu {
		fmt.Fprintln(w, "Ratios (×, speed-up) and spread use cpu ns/op, the process's CPU time per op, where both rows have it, else wall ns/op;")
	} else {
		fmt.Fprintln(w, "Ratios (×, speed-up) and spread use wall ns/op;")
	}
	fmt.Fprintln(w, "each ratio is the median over the runs of the ratio within one run. Spread is (max-min)/median.")
	for _, g := range groups {
		fmt.Fprintln(w)
		r.writeGroup(w, g, rows[g])
	}
}

// sections are the benchmarks in the order their tables are printed; others
// follow.
var sections = []string{"Verify", "Middleware", "Parallel", "JWKSStorm", "Scaling"}

func sectionRank(g string) int {
	top, _, _ := strings.Cut(g, "/")
	if i := slices.Index(sections, top); i >= 0 {
		return i
	}
	return len(sections)
}

// standard units come first, in this order; custom metrics follow.
var standard = []string{"ns/op", cpuUnit, "B/op", "allocs/op"}

func (r *results) writeGroup(w io.Writer, g string, rows []string) {
	var custom []string
	for _, row := range rows {
		for _, u := range r.units[join(g, row)] {
			if !slices.Contains(standard, u) && !slices.Contains(custom, u) {
				custom = append(custom, u)
			}
		}
	}
	var refs []string
	for _, ref := range references {
		if slices.Contains(rows, ref) {
			refs = append(refs, ref)
		}
	}
	// A scaling curve compares every row with its first, the baseline.
	if len(refs) == 0 && strings.HasPrefix(g, "Scaling/") && len(rows) > 1 {
		refs = append(refs, rows[0])
	}
	procs := slices.Contains(rows, "procs=1")

	header := []string{g, "runs", "ns/op", "cpu ns/op", "spread", "B/op", "allocs/op"}
	header = append(header, custom...)
	for _, ref := range refs {
		header = append(header, "× "+ref)
	}
	if procs {
		header = append(header, "speed-up")
	}
	fmt.Fprintln(w, "| "+strings.Join(header, " | ")+" |")
	align := make([]string, len(header))
	for i := range align {
		align[i] = "---:"
	}
	align[0] = ":---"
	fmt.Fprintln(w, "|"+strings.Join(align, "|")+"|")

	for _, row := range rows {
		name := join(g, row)
		cells := []string{
			row,
			strconv.Itoa(len(r.metrics[name]["ns/op"])),
			formatNs(r.median(name, "ns/op")),
			formatNs(r.median(name, cpuUnit)),
			formatPct(r.spread(name, r.timeUnit(name))),
			formatNum(r.median(name, "B/op")),
			formatNum(r.median(name, "allocs/op")),
		}
		for _, u := range custom {
			cells = append(cells, formatNum(r.median(name, u)))
		}
		for _, ref := range refs {
			cells = append(cells, formatRatio(r.timeRatio(name, join(g, ref))))
		}
		if procs {
			// Throughput: only wall time tells what two goroutines gain.
			cells = append(cells, formatRatio(r.pairedRatio(join(g, "procs=1"), name, "ns/op")))
		}
		fmt.Fprintln(w, "| "+strings.Join(cells, " | ")+" |")
	}
}

func join(g, row string) string {
	if g == "" {
		return row
	}
	return g + "/" + row
}

func formatNs(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case v >= 1e6:
		return fmt.Sprintf("%.2f ms", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1f µs", v/1e3)
	default:
		return fmt.Sprintf("%.0f ns", v)
	}
}

func formatNum(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case math.Abs(v) >= 100:
		return fmt.Sprintf("%.0f", v)
	default:
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
}

func formatPct(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", v)
}

func formatRatio(v float64) string {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return "–"
	case v < 0.1:
		return fmt.Sprintf("%.3f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}
