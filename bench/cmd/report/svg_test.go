package main

import (
	"encoding/xml"
	"io"
	"os"
	"strings"
	"testing"
)

func TestWriteSVG(t *testing.T) {
	in := `BenchmarkVerify/RS256/raw-2 100 30000 ns/op 29000 cpu-ns/op
BenchmarkVerify/RS256/jwtguard-2 100 38000 ns/op 37000 cpu-ns/op
BenchmarkVerify/RS256/golang-jwt-2 100 50000 ns/op 49000 cpu-ns/op
BenchmarkVerify/RS256/minimal-2 100 31000 ns/op 30000 cpu-ns/op
BenchmarkVerify/HS256/raw-2 100 900 ns/op 890 cpu-ns/op
BenchmarkVerify/HS256/jwtguard-2 100 3000 ns/op 2900 cpu-ns/op
BenchmarkMiddleware/RS256/jwtguard-2 100 40000 ns/op
`
	res := newResults()
	res.cpu = true
	if err := res.parse(strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := res.writeSVG(&b); err != nil {
		t.Fatal(err)
	}
	svg := b.String()
	// Well-formed XML, and one bar per charted row.
	dec := xml.NewDecoder(strings.NewReader(svg))
	rects, titles := 0, []string{}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "rect" {
			rects++
		}
		if cd, ok := tok.(xml.CharData); ok && strings.Contains(string(cd), ": ") {
			titles = append(titles, string(cd))
		}
	}
	// The background plus 3 RS256 bars (minimal left out) and 2 HS256.
	if rects != 1+3+2 {
		t.Errorf("%d rects, want 6:\n%s", rects, svg)
	}
	for _, want := range []string{"RS256 jwtguard: 37.0 µs", "RS256 raw: 29.0 µs", "HS256 jwtguard: 2.9 µs"} {
		if !strings.Contains(strings.Join(titles, "\n"), want) {
			t.Errorf("no bar %q in %q", want, titles)
		}
	}
	if strings.Contains(svg, "minimal") || strings.Contains(svg, "Middleware") {
		t.Error("the chart shows rows it should leave out")
	}
	if !strings.Contains(svg, "CPU time") {
		t.Error("the title does not say which time it shows")
	}
}

func TestWriteSVGNeedsVerifyRows(t *testing.T) {
	res := newResults()
	if err := res.parse(strings.NewReader("BenchmarkMiddleware/RS256/jwtguard-2 100 40000 ns/op\n")); err != nil {
		t.Fatal(err)
	}
	if err := res.writeSVG(io.Discard); err == nil {
		t.Fatal("no error for an input without Verify rows")
	}
}

// TestChartFileIsCurrent: the chart in results/ was drawn from the kept
// full run beside it.
func TestChartFileIsCurrent(t *testing.T) {
	want, err := os.ReadFile("../../results/verify.svg")
	if err != nil {
		t.Skip("no results/verify.svg")
	}
	res := newResults()
	res.cpu = true
	f, err := os.Open("../../results/" + chartSource)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := res.parse(f); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := res.writeSVG(&b); err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("results/verify.svg is not the chart of results/%s: run go run ./cmd/report -svg results/verify.svg results/%s", chartSource, chartSource)
	}
}
