package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	jsonv2 "github.com/go-json-experiment/json"

	"github.com/jwtguard/jwtguard/middleware"
)

// routes builds the API: /healthz (liveness), /readyz (readiness) and
// /metrics (Prometheus) in the open, /api/* behind auth, and, when logout
// is not nil, the back-channel logout receiver at backchannelPath (it
// answers every method itself: 405 but for POST), with one log line per
// request. Call it once o has every key source.
func routes[C any](auth *middleware.Middleware[C], o *ops, log *slog.Logger, logout http.Handler) (http.Handler, error) {
	metricsH, readyH, err := o.handlers()
	if err != nil {
		return nil, err
	}
	r := chi.NewRouter()
	r.Use(accessLog(log))
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	r.Method(http.MethodGet, readyPath, readyH)
	r.Method(http.MethodHead, readyPath, readyH)
	r.Method(http.MethodGet, metricsPath, metricsH)
	if logout != nil {
		r.Handle(backchannelPath, logout)
	}
	r.Route("/api", func(r chi.Router) {
		r.Use(auth.Handler)
		r.Get("/me", me[C])
		r.With(middleware.RequireScopes("reports:read")).Get("/reports", func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, http.StatusOK, map[string]any{"reports": []map[string]any{
				{"id": 1, "name": "Q1 revenue"},
				{"id": 2, "name": "Q2 revenue"},
			}})
		})
		r.With(middleware.RequireRoles("admin")).Get("/admin", func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, http.StatusOK, map[string]string{"message": "welcome, admin"})
		})
	})
	return r, nil
}

// me answers the verified claims. They are marshalled with the JSON v2
// package, the verifier's decoder, so that claims the claims type does not
// name (its Extra map) come back as top-level members.
func me[C any](w http.ResponseWriter, r *http.Request) {
	c, ok := middleware.ClaimsFrom[C](r.Context())
	if !ok {
		http.Error(w, "no claims", http.StatusInternalServerError)
		return
	}
	body, err := jsonv2.Marshal(c)
	if err != nil {
		http.Error(w, "cannot encode the claims", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(append(body, '\n'))
}

// reasonKey holds a *string the middleware's OnOutcome hook fills with the
// reason of a refusal, so the access log can print it.
type reasonKey struct{}

// recordReason is the middleware's OnOutcome hook.
func recordReason(r *http.Request, o middleware.Outcome) {
	if slot, ok := r.Context().Value(reasonKey{}).(*string); ok && o.Decision == middleware.Denied {
		*slot = o.Reason
	}
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// accessLog logs one line per request: method, path (never the query),
// status, the refusal reason, and the time taken. It never logs headers,
// so no token.
func accessLog(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			reason := ""
			sw := &statusWriter{ResponseWriter: w}
			next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), reasonKey{}, &reason)))
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			attrs := []slog.Attr{
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", sw.status),
			}
			if reason != "" {
				attrs = append(attrs, slog.String("reason", reason))
			}
			attrs = append(attrs, slog.Duration("took", time.Since(start).Round(time.Microsecond)))
			log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
		})
	}
}
