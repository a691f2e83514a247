package readiness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// DefaultTimeout bounds one run of every check when Config.Timeout is zero.
const DefaultTimeout = 2 * time.Second

// Check is one dependency to ask.
type Check struct {
	// Name identifies the dependency in the body, e.g. "keycloak". Required
	// and unique within a Handler.
	Name string
	// Ready returns nil when the dependency can serve. Otherwise its error
	// says why: a *NotReady gives the short phrase shown in the body; any
	// other error shows as "not ready" (and its text with Config.Verbose).
	// It must honour ctx.
	Ready func(ctx context.Context) error
}

// NotReady is a check's answer that names the cause in a short phrase fit
// for the body, keeping the underlying error for Verbose and logs.
type NotReady struct {
	// Reason is the short phrase, e.g. "keys stale".
	Reason string
	// Err is the underlying error, or nil.
	Err error
}

// Error implements error.
func (e *NotReady) Error() string {
	if e.Err == nil {
		return e.Reason
	}
	return e.Reason + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *NotReady) Unwrap() error { return e.Err }

// Config configures a Handler.
type Config struct {
	// Checks are the dependencies; all must be ready. At least one is
	// required.
	Checks []Check
	// Timeout bounds one run of all the checks (they run concurrently); a
	// check still running then is not ready. If zero, DefaultTimeout.
	Timeout time.Duration
	// Verbose adds each check's underlying error text to the body.
	Verbose bool
}

// Handler answers readiness probes. Build it with New.
type Handler struct {
	checks  []Check
	timeout time.Duration
	verbose bool
}

// New checks cfg and returns a Handler.
func New(cfg Config) (*Handler, error) {
	if len(cfg.Checks) == 0 {
		return nil, errors.New("readiness: Config.Checks is empty")
	}
	seen := map[string]bool{}
	for _, c := range cfg.Checks {
		if c.Name == "" || c.Ready == nil {
			return nil, errors.New("readiness: a Check needs a Name and a Ready function")
		}
		if seen[c.Name] {
			return nil, fmt.Errorf("readiness: two checks named %q", c.Name)
		}
		seen[c.Name] = true
	}
	if cfg.Timeout < 0 {
		return nil, errors.New("readiness: Config.Timeout is negative")
	}
	h := &Handler{checks: append([]Check(nil), cfg.Checks...), timeout: cfg.Timeout, verbose: cfg.Verbose}
	if h.timeout == 0 {
		h.timeout = DefaultTimeout
	}
	return h, nil
}

// Result is the answer of one check, as the body shows it.
type Result struct {
	Name   string `json:"name"`
	Ready  bool   `json:"ready"`
	Reason string `json:"reason,omitempty"`
	Error  string `json:"error,omitempty"`
}

// Report is the body of an answer.
type Report struct {
	Ready  bool     `json:"ready"`
	Checks []Result `json:"checks"`
}

// Run runs every check concurrently, bounded by the Handler's timeout, and
// returns the report.
func (h *Handler) Run(ctx context.Context) Report {
	ctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()
	results := make([]Result, len(h.checks))
	var wg sync.WaitGroup
	for i, c := range h.checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = h.run(ctx, c)
		}()
	}
	wg.Wait()
	rep := Report{Ready: true, Checks: results}
	for _, r := range results {
		rep.Ready = rep.Ready && r.Ready
	}
	return rep
}

// run runs one check; a check that overruns the timeout or panics is not
// ready.
func (h *Handler) run(ctx context.Context, c Check) (res Result) {
	res.Name = c.Name
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- &NotReady{Reason: "check failed", Err: fmt.Errorf("panic: %v", p)}
			}
		}()
		done <- c.Ready(ctx)
	}()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		err = &NotReady{Reason: "check timed out", Err: ctx.Err()}
	}
	if err == nil {
		res.Ready = true
		return res
	}
	var nr *NotReady
	if errors.As(err, &nr) {
		res.Reason = nr.Reason
	} else {
		res.Reason = "not ready"
	}
	if h.verbose {
		res.Error = err.Error()
	}
	return res
}

// ServeHTTP answers GET and HEAD: 200 when every check is ready, else 503;
// the body is the Report as JSON. Other methods get 405.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rep := h.Run(r.Context())
	body, err := json.Marshal(rep)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if rep.Ready {
		w.WriteHeader(http.StatusOK)
	} else {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	if r.Method != http.MethodHead {
		_, _ = w.Write(append(body, '\n'))
	}
}
