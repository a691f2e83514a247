package middleware

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/jwtguard/jwtguard/verify"
)

// logDenied writes one record for a refused request. The record names the
// request by method and path only (never the query, which may hold a
// token), and the error text is scrubbed of the token and of its segments.
func (s *shared) logDenied(r *http.Request, e *Error, token string) {
	if s.logger == nil {
		return
	}
	level := slog.LevelInfo
	switch {
	case e.Status >= 500 && e.Status != http.StatusServiceUnavailable:
		level = slog.LevelError
	case e.Reason == verify.ReasonCanceled:
		level = slog.LevelInfo // the client went away or the request timed out
	case e.Status == http.StatusServiceUnavailable:
		level = slog.LevelWarn
	case e.Reason == ReasonNoToken:
		level = slog.LevelDebug
	}
	ctx := r.Context()
	if !s.logger.Enabled(ctx, level) {
		return
	}
	msg := ""
	if e.Err != nil {
		msg = redact(e.Err.Error(), token)
	}
	s.logger.LogAttrs(ctx, level, "jwtguard: request refused",
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", e.Status),
		slog.String("reason", e.Reason),
		slog.String("error", msg),
	)
}

// logAllowed writes a Debug record for an allowed request.
func (s *shared) logAllowed(r *http.Request) {
	if s.logger == nil || !s.logger.Enabled(r.Context(), slog.LevelDebug) {
		return
	}
	s.logger.LogAttrs(r.Context(), slog.LevelDebug, "jwtguard: request allowed",
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
	)
}

// redact removes the token from msg, and each of its dot-separated
// segments of 8 bytes or more: a custom verifier's error might quote the
// token, and its signature segment together with the (public) header and
// payload would rebuild it.
func redact(msg, token string) string {
	if token == "" {
		return msg
	}
	msg = strings.ReplaceAll(msg, token, "[token]")
	for seg := range strings.SplitSeq(token, ".") {
		if len(seg) >= 8 {
			msg = strings.ReplaceAll(msg, seg, "[token]")
		}
	}
	return msg
}
