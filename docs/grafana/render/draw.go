package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"math"
	"os"
	"strings"
	"time"
)

var nan = math.NaN()

// dashboard is the part of the Grafana dashboard that draw reads.
type dashboard struct {
	Title  string  `json:"title"`
	Panels []panel `json:"panels"`
}

type panel struct {
	Type        string                   `json:"type"`
	Title       string                   `json:"title"`
	GridPos     struct{ H, W, X, Y int } `json:"gridPos"`
	FieldConfig struct {
		Defaults struct {
			Unit string `json:"unit"`
		} `json:"defaults"`
	} `json:"fieldConfig"`
	Targets []struct {
		Expr         string `json:"expr"`
		LegendFormat string `json:"legendFormat"`
	} `json:"targets"`
}

// Layout: Grafana's 24-column grid, one grid row 30 px.
const (
	canvasW = 1600
	colW    = canvasW / 24.0
	rowH    = 30.0
	gap     = 6.0
)

// Grafana's dark theme and classic palette.
var (
	bg      = "#111217"
	panelBg = "#181b1f"
	border  = "#2c3235"
	text    = "#ccccdc"
	dim     = "#8e8e9a"
	palette = []string{"#73BF69", "#F2CC0C", "#5794F2", "#FF9830", "#F2495C", "#B877D9",
		"#8AB8FF", "#FADE2A", "#FF7383", "#96D98D", "#CA95E5", "#FFB357", "#C0D8FF", "#FFA6B0"}
)

func draw(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("draw", flag.ContinueOnError)
	prom := fs.String("prometheus", "http://127.0.0.1:19090", "Prometheus base URL (loopback)")
	file := fs.String("dashboard", "docs/grafana/jwtguard.json", "the Grafana dashboard")
	rng := fs.Duration("range", 5*time.Minute, "time range, ending now")
	step := fs.Duration("step", 5*time.Second, "query resolution")
	rate := fs.String("rate-interval", "30s", "what $__rate_interval stands for")
	out := fs.String("out", "docs/grafana/jwtguard.svg", "SVG to write")
	note := fs.String("note", "", `lines under the title, separated by \n`)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := loopbackOnly(*prom); err != nil {
		return err
	}
	raw, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	var d dashboard
	if err := json.Unmarshal(raw, &d); err != nil {
		return err
	}
	end := time.Now().Truncate(*step)
	start := end.Add(-*rng)

	header := 52.0 + 14*float64(strings.Count(*note, `\n`))
	height := 0.0
	for _, p := range d.Panels {
		height = math.Max(height, float64(p.GridPos.Y+p.GridPos.H)*rowH)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%.0f" font-family="DejaVu Sans, Inter, Helvetica, Arial, sans-serif">`+"\n", canvasW, height+header+gap)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="%s"/>`+"\n", bg)
	fmt.Fprintf(&b, `<text x="12" y="26" font-size="18" fill="%s">%s</text>`+"\n", text, esc(d.Title+" — last "+rng.String()))
	for i, line := range strings.Split(*note, `\n`) {
		fmt.Fprintf(&b, `<text x="12" y="%d" font-size="11" fill="%s">%s</text>`+"\n", 44+14*i, dim, esc(line))
	}
	for _, p := range d.Panels {
		x := float64(p.GridPos.X)*colW + gap/2
		y := header + float64(p.GridPos.Y)*rowH + gap/2
		w := float64(p.GridPos.W)*colW - gap
		h := float64(p.GridPos.H)*rowH - gap
		if p.Type == "row" {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="14" font-weight="bold" fill="%s">%s</text>`+"\n", x+4, y+h-6, text, esc(p.Title))
			continue
		}
		var all []series
		for _, t := range p.Targets {
			expr := strings.ReplaceAll(t.Expr, "$__rate_interval", *rate)
			rs, err := queryRange(ctx, *prom, expr, start, end, *step)
			if err != nil {
				return fmt.Errorf("panel %q: %w", p.Title, err)
			}
			all = append(all, toSeries(rs, t.LegendFormat, start, end, *step)...)
		}
		drawPanel(&b, p, all, x, y, w, h, start, end)
	}
	b.WriteString("</svg>\n")
	return os.WriteFile(*out, []byte(b.String()), 0o644)
}

func esc(s string) string { return html.EscapeString(s) }

// drawPanel draws one time series panel: frame, title, axes, lines and
// legend.
func drawPanel(b *strings.Builder, p panel, ss []series, x, y, w, h float64, start, end time.Time) {
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="3" fill="%s" stroke="%s"/>`+"\n", x, y, w, h, panelBg, border)
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="13" fill="%s">%s</text>`+"\n", x+10, y+20, text, esc(p.Title))

	// Legend: entries in rows, below the plot.
	const legendFont, legendLine = 11.0, 15.0
	type entry struct {
		name  string
		color string
		x, y  float64
	}
	var entries []entry
	lx, lrow := 0.0, 0
	maxW := w - 20
	for i, s := range ss {
		ew := 18 + float64(len([]rune(s.name)))*6.2 + 14
		if lx+ew > maxW && lx > 0 {
			lx, lrow = 0, lrow+1
		}
		entries = append(entries, entry{name: s.name, color: palette[i%len(palette)], x: lx, y: float64(lrow)})
		lx += ew
	}
	legendH := 0.0
	if len(entries) > 0 {
		legendH = float64(lrow+1)*legendLine + 4
	}
	plotX, plotY := x+62, y+32
	plotW, plotH := w-62-14, h-32-22-legendH
	for _, e := range entries {
		ex, ey := x+10+e.x, y+h-legendH+e.y*legendLine+8
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="12" height="3" fill="%s"/>`, ex, ey+2, e.color)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="%.0f" fill="%s">%s</text>`+"\n", ex+16, ey+6, legendFont, text, esc(e.name))
	}

	// Y scale from 0 to a round maximum.
	top := 0.0
	for _, s := range ss {
		for _, v := range s.values {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				top = math.Max(top, v)
			}
		}
	}
	unit := p.FieldConfig.Defaults.Unit
	if top == 0 {
		top = 1
		if unit == "s" {
			top = 0.001
		}
	}
	top = niceCeil(top * 1.05)
	for i := 0; i <= 4; i++ {
		v := top * float64(i) / 4
		gy := plotY + plotH - plotH*float64(i)/4
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1"/>`, plotX, gy, plotX+plotW, gy, border)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="10" fill="%s" text-anchor="end">%s</text>`+"\n", plotX-6, gy+3, dim, esc(format(v, unit)))
	}
	span := end.Sub(start)
	for i := 0; i <= 5; i++ {
		t := start.Add(span * time.Duration(i) / 5)
		tx := plotX + plotW*float64(i)/5
		anchor := "middle"
		if i == 5 {
			anchor = "end"
		}
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="10" fill="%s" text-anchor="%s">%s</text>`+"\n", tx, plotY+plotH+14, dim, anchor, t.Format("15:04:05"))
	}
	if len(ss) == 0 {
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="13" fill="%s" text-anchor="middle">No data</text>`+"\n", plotX+plotW/2, plotY+plotH/2, dim)
		return
	}
	for i, s := range ss {
		var path strings.Builder
		pen := false
		for j, v := range s.values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				pen = false
				continue
			}
			px := plotX + plotW*float64(s.times[j].Sub(start))/float64(span)
			py := plotY + plotH - plotH*math.Min(v, top)/top
			if pen {
				fmt.Fprintf(&path, " L%.1f %.1f", px, py)
			} else {
				fmt.Fprintf(&path, " M%.1f %.1f", px, py)
				pen = true
			}
		}
		fmt.Fprintf(b, `<path d="%s" fill="none" stroke="%s" stroke-width="1.5"/>`+"\n", strings.TrimSpace(path.String()), palette[i%len(palette)])
	}
}

// niceCeil rounds v up to 1, 2, 2.5 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// format writes an axis value in the panel's unit, as Grafana would.
func format(v float64, unit string) string {
	switch unit {
	case "s":
		switch {
		case v == 0:
			return "0 s"
		case v < 1e-3:
			return trim(v*1e6) + " µs"
		case v < 1:
			return trim(v*1e3) + " ms"
		case v < 600:
			return trim(v) + " s"
		case v < 7200:
			return trim(v/60) + " min"
		}
		return trim(v/3600) + " h"
	case "reqps":
		return trim(v) + " req/s"
	case "percentunit":
		return trim(v*100) + "%"
	}
	if v >= 1000 {
		return trim(v/1000) + "k"
	}
	return trim(v)
}

func trim(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}
