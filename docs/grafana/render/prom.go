package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// series is one line of a panel.
type series struct {
	name   string
	times  []time.Time
	values []float64 // NaN where Prometheus has no value
}

// queryRange asks Prometheus for expr over [start, end].
func queryRange(ctx context.Context, base, expr string, start, end time.Time, step time.Duration) ([]promResult, error) {
	q := url.Values{
		"query": {expr},
		"start": {strconv.FormatInt(start.Unix(), 10)},
		"end":   {strconv.FormatInt(end.Unix(), 10)},
		"step":  {strconv.FormatFloat(step.Seconds(), 'f', -1, 64)},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/query_range?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string       `json:"resultType"`
			Result     []promResult `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("%s: %w", expr, err)
	}
	if body.Status != "success" {
		return nil, fmt.Errorf("%s: %s", expr, body.Error)
	}
	return body.Data.Result, nil
}

// promResult is one series of a range query's matrix.
type promResult struct {
	Metric map[string]string `json:"metric"`
	Values [][2]any          `json:"values"`
}

var legendVar = regexp.MustCompile(`\{\{\s*(\w+)\s*\}\}`)

// toSeries names each result by legendFormat, as Grafana does, and lays
// its samples on the step grid (NaN where missing).
func toSeries(rs []promResult, legend string, start, end time.Time, step time.Duration) []series {
	var out []series
	for _, r := range rs {
		name := legendVar.ReplaceAllStringFunc(legend, func(m string) string {
			return r.Metric[legendVar.FindStringSubmatch(m)[1]]
		})
		name = strings.Join(strings.Fields(name), " ")
		s := series{name: name}
		byTime := map[int64]float64{}
		for _, v := range r.Values {
			ts, _ := v[0].(float64)
			str, _ := v[1].(string)
			f, err := strconv.ParseFloat(str, 64)
			if err == nil {
				byTime[int64(ts)] = f
			}
		}
		for t := start; !t.After(end); t = t.Add(step) {
			s.times = append(s.times, t)
			if f, ok := byTime[t.Unix()]; ok {
				s.values = append(s.values, f)
			} else {
				s.values = append(s.values, nan)
			}
		}
		out = append(out, s)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}
