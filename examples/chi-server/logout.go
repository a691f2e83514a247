package main

import (
	"cmp"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Back-channel logout, as the demo issuer sends it.
const (
	// backchannelEvent is the member of a logout token's "events" (OpenID
	// Connect Back-Channel Logout 1.0 section 2.4).
	backchannelEvent = "http://schemas.openid.net/event/backchannel-logout"
	// logoutTokenTTL is the lifetime of a logout token.
	logoutTokenTTL = 2 * time.Minute
	// deliveryTimeout bounds the delivery of one logout token.
	deliveryTimeout = 10 * time.Second
)

// logoutTo makes POST /logout deliver logout tokens with aud client to the
// back-channel logout URL target.
func (is *issuer) logoutTo(target, client string) {
	is.backchannel, is.logoutAud = target, client
	is.client = &http.Client{
		Timeout: deliveryTimeout,
		// One connection per logout, none left open; no proxy (the API is
		// on loopback).
		Transport: &http.Transport{DisableKeepAlives: true},
		// The API answers the logout itself; a redirect is not followed.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// logout answers POST /logout (form: sid, or sub, or both): as Keycloak
// does when a session ends, it signs a logout token and POSTs it, server
// to server, to the API's back-channel logout URL, then answers with the
// API's status and body.
func (is *issuer) logout(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{
			"error": "invalid_request", "error_description": "use POST with a form: sid or sub",
		})
		return
	}
	if is.backchannel == "" {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "invalid_request", "error_description": "no API to notify"})
		return
	}
	sid, sub, err := parseLogoutRequest(w, r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": err.Error()})
		return
	}
	tok, err := is.logoutToken(is.logoutAud, sid, sub)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "server_error"})
		return
	}
	resp, err := is.client.PostForm(is.backchannel, url.Values{"logout_token": {tok}})
	if err != nil {
		writeJSON(w, http.StatusBadGateway, map[string]string{
			"error": "temporarily_unavailable", "error_description": "the API's back-channel logout URL could not be reached",
		})
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	w.Header().Set("Content-Type", cmp.Or(resp.Header.Get("Content-Type"), "text/plain; charset=utf-8"))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(resp.StatusCode)
	if len(body) == 0 && resp.StatusCode == http.StatusOK {
		body = []byte("logged out: the API accepted the logout token\n")
	}
	_, _ = w.Write(body)
}

// parseLogoutRequest reads the form fields sid and sub; at least one is
// required.
func parseLogoutRequest(w http.ResponseWriter, r *http.Request) (sid, sub string, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return "", "", errors.New("the body is not a form")
	}
	sid, sub = strings.TrimSpace(r.PostForm.Get("sid")), strings.TrimSpace(r.PostForm.Get("sub"))
	if sid == "" && sub == "" {
		return "", "", errors.New("give sid (one session) or sub (every token of the subject)")
	}
	if err := checkFormValue("sid", sid); err != nil {
		return "", "", err
	}
	return sid, sub, checkFormValue("sub", sub)
}

// logoutToken signs a logout token as Keycloak 25 does: header typ
// "logout+jwt"; iss, aud (the client whose back-channel logout URL gets
// it), iat, exp, a fresh jti, the back-channel logout event, and sid
// and/or sub.
func (is *issuer) logoutToken(aud, sid, sub string) (string, error) {
	now := is.now().Truncate(time.Second)
	claims := map[string]any{
		"iss":    is.url,
		"aud":    aud,
		"iat":    now.Unix(),
		"exp":    now.Add(logoutTokenTTL).Unix(),
		"jti":    randomID(),
		"events": map[string]any{backchannelEvent: map[string]any{}},
	}
	if sid != "" {
		claims["sid"] = sid
	}
	if sub != "" {
		claims["sub"] = sub
	}
	header := map[string]string{"alg": "RS256", "typ": "logout+jwt", "kid": is.kid}
	return signRS256(is.key, header, claims)
}
