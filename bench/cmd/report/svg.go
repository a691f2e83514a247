package main

import (
	"fmt"
	"html"
	"io"
	"math"
	"slices"
	"strings"
)

// chartSource is the kept full run that results/verify.svg is drawn from.
const chartSource = "2026-11-28-evening-full.txt"

// chartAlgs are the algorithms the chart shows, one panel each, in order.
var chartAlgs = []string{"RS256", "PS256", "ES256", "EdDSA", "HS256"}

// chartSkip are rows of the Verify groups the chart leaves out: the
// hand-written minimal verifier is a reference for the tables, not a
// library a reader could pick.
var chartSkip = []string{"minimal"}

// Chart geometry, in SVG user units.
const (
	chartWidth  = 860
	labelWidth  = 150
	valueWidth  = 90
	barHeight   = 16
	barGap      = 4
	panelTitle  = 26
	panelGap    = 14
	chartMargin = 12
)

type chartBar struct {
	row   string
	value float64 // time per verification, ns
}

// writeSVG draws the time per verification of every contender of each
// algorithm's Verify group as horizontal bars, one panel per algorithm with
// its own linear scale, jwtguard highlighted and the raw signature check
// (the floor no verifier can beat) drawn as a line across the panel.
func (r *results) writeSVG(w io.Writer) error {
	type panel struct {
		alg  string
		unit string
		bars []chartBar
		raw  float64
	}
	var panels []panel
	for _, alg := range chartAlgs {
		g := "Verify/" + alg
		var names []string
		for _, name := range r.order {
			if gg, row := group(name); gg == g && !slices.Contains(chartSkip, row) {
				names = append(names, name)
			}
		}
		if len(names) == 0 {
			continue
		}
		p := panel{alg: alg, unit: r.timeUnit(names...), raw: math.NaN()}
		for _, name := range names {
			_, row := group(name)
			v := r.median(name, p.unit)
			if math.IsNaN(v) {
				continue
			}
			if row == "raw" {
				p.raw = v
			}
			p.bars = append(p.bars, chartBar{row: row, value: v})
		}
		slices.SortStableFunc(p.bars, func(a, b chartBar) int {
			switch {
			case a.value < b.value:
				return -1
			case a.value > b.value:
				return 1
			}
			return 0
		})
		panels = append(panels, p)
	}
	if len(panels) == 0 {
		return fmt.Errorf("no Verify/<alg> benchmarks in the input to chart")
	}

	height := chartMargin*2 + 30
	for _, p := range panels {
		height += panelTitle + len(p.bars)*(barHeight+barGap) + panelGap
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", chartWidth, height, chartWidth, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="#ffffff"/>`+"\n")
	unitNote := "wall time"
	if panels[0].unit == cpuUnit {
		unitNote = "CPU time"
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="15" font-weight="bold">Time per verification (%s, median; shorter is better)</text>`+"\n", chartMargin, chartMargin+16, unitNote)
	y := chartMargin + 30
	barArea := chartWidth - 2*chartMargin - labelWidth - valueWidth
	for _, p := range panels {
		maxV := 0.0
		for _, bar := range p.bars {
			maxV = max(maxV, bar.value)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="13" font-weight="bold">%s</text>`+"\n", chartMargin, y+17, html.EscapeString(p.alg))
		y += panelTitle
		top := y
		for _, bar := range p.bars {
			width := float64(barArea) * bar.value / maxV
			fill := "#9aa5b1"
			switch {
			case strings.HasPrefix(bar.row, "jwtguard"):
				fill = "#1f77b4"
			case bar.row == "raw":
				fill = "#2ca02c"
			}
			x := chartMargin + labelWidth
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, x-6, y+barHeight-4, html.EscapeString(bar.row))
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%s %s: %s</title></rect>`,
				x, y, width, barHeight, fill, html.EscapeString(p.alg), html.EscapeString(bar.row), formatNs(bar.value))
			fmt.Fprintf(&b, `<text x="%.1f" y="%d">%s</text>`+"\n", float64(x)+width+4, y+barHeight-4, html.EscapeString(formatNs(bar.value)))
			y += barHeight + barGap
		}
		if !math.IsNaN(p.raw) {
			x := float64(chartMargin+labelWidth) + float64(barArea)*p.raw/maxV
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#2ca02c" stroke-dasharray="4 3"/>`+"\n", x, top-2, x, y-barGap+2)
		}
		y += panelGap
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}
