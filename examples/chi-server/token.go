package main

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/jwtguard/jwtguard/dpop"
)

// Limits of the demo token endpoint.
const (
	defaultTTL = 5 * time.Minute
	maxTTL     = 24 * time.Hour
	defaultSub = "demo-user"
)

// tokenRequest is a parsed POST /token form.
type tokenRequest struct {
	sub    string
	sid    string // "": a new session
	scopes []string
	roles  []string
	ttl    time.Duration
	jkt    string // the DPoP key's thumbprint, for a bound token; "" otherwise
}

// parseTokenRequest reads the form fields: sub (default "demo-user"), sid
// (default a new random session id),
// scope (space-separated), roles (comma-separated realm roles) and ttl (a
// Go duration, default 5m; a negative ttl mints a token that has already
// expired, to see the API refuse it).
func parseTokenRequest(w http.ResponseWriter, r *http.Request) (tokenRequest, error) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return tokenRequest{}, errors.New("the body is not a form")
	}
	req := tokenRequest{sub: r.PostForm.Get("sub"), ttl: defaultTTL}
	if req.sub == "" {
		req.sub = defaultSub
	}
	if err := checkFormValue("sub", req.sub); err != nil {
		return tokenRequest{}, err
	}
	req.sid = r.PostForm.Get("sid")
	if err := checkFormValue("sid", req.sid); err != nil {
		return tokenRequest{}, err
	}
	req.scopes = strings.Fields(r.PostForm.Get("scope"))
	for _, s := range req.scopes {
		if strings.ContainsAny(s, "\"\\") {
			return tokenRequest{}, fmt.Errorf("scope %q has a character RFC 6749 forbids", s)
		}
	}
	req.roles = []string{}
	for _, role := range strings.Split(r.PostForm.Get("roles"), ",") {
		if role = strings.TrimSpace(role); role != "" {
			req.roles = append(req.roles, role)
		}
	}
	if v := r.PostForm.Get("ttl"); v != "" {
		ttl, err := time.ParseDuration(v)
		if err != nil {
			return tokenRequest{}, fmt.Errorf("ttl %q is not a Go duration such as 5m or 1h", v)
		}
		if ttl > maxTTL || ttl < -maxTTL {
			return tokenRequest{}, fmt.Errorf("ttl must lie between -%s and %s", maxTTL, maxTTL)
		}
		req.ttl = ttl
	}
	return req, nil
}

// token answers POST /token with {"access_token","token_type","expires_in"},
// or with the bare token when the client asks for text/plain.
func (is *issuer) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{
			"error": "invalid_request", "error_description": "use POST with a form: sub, sid, scope, roles, ttl",
		})
		return
	}
	req, err := parseTokenRequest(w, r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": err.Error()})
		return
	}
	if len(r.Header.Values("DPoP")) > 0 {
		// RFC 9449 section 5: check the proof as an authorization server
		// does (no access token yet, so no ath) and bind the token to its
		// key.
		p, err := is.proofs.Check(r.Context(), dpop.RequestFromHTTP(r, ""))
		if err != nil {
			status := http.StatusBadRequest
			if errors.Is(err, dpop.ErrReplayUnavailable) {
				status = http.StatusServiceUnavailable
			}
			writeJSON(w, status, map[string]string{"error": "invalid_dpop_proof", "error_description": dpop.Reason(err)})
			return
		}
		req.jkt = p.JKT
	}
	tok, err := is.mint(req)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "server_error"})
		return
	}
	if strings.HasPrefix(r.Header.Get("Accept"), "text/plain") {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintln(w, tok)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok,
		"token_type":   accessType(req.jkt),
		"expires_in":   max(int64(req.ttl/time.Second), 0),
	})
}

// checkFormValue refuses a form value of the demo issuer that is too long
// or holds control characters.
func checkFormValue(name, v string) error {
	if len(v) > 256 || strings.ContainsFunc(v, func(c rune) bool { return c < 0x20 || c == 0x7f }) {
		return fmt.Errorf("%s must be at most 256 printable characters", name)
	}
	return nil
}
