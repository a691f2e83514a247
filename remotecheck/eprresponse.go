package remotecheck

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/go-json-experiment/json"
)

// DefaultEPRInterpret is the default reading of an answer of EPR's check
// endpoint. EPR does not publish the format of that answer, so this is an
// assumption, built to be strict in what counts as positive and liberal in
// what counts as negative. It fails closed: an answer it cannot read as a
// clear yes never accepts the token.
//
//   - 5xx, 408, 425, 429: the check is unavailable (ErrCheckUnavailable,
//     retried).
//   - 2xx with a positive marker and no negative one: active; the Result
//     has no Claims, so the token's own payload is used.
//   - 2xx with a negative marker: not active.
//   - 2xx with neither (an empty body, "OK", an HTML page from a proxy, a
//     JSON object that does not say yes): ErrBadResponse (503), since the
//     answer does not say the token is valid. Set EPRConfig.Interpret if
//     your EPR answers differently.
//   - 401, 403, 404, 410 and every other 4xx: not active.
//   - 1xx, 3xx (redirects are not followed): ErrBadResponse.
//
// A positive marker, looked for in a 2xx body that is a strict JSON object
// (and in its "data" and "result" objects), is a member named valid,
// isValid, is_valid, success, active, ok, auth, authenticated or authorized
// (any letter case) holding the JSON literal true.
//
// A negative marker, looked for in the same places, is any of:
//
//   - a member named valid, isValid, is_valid, success, active, ok,
//     authenticated or authorized (any letter case) holding false, 0,
//     "false" or "0";
//   - a member named status or state holding one of the strings invalid,
//     inactive, expired, revoked, error, fail, failed, failure,
//     unauthorized, denied, logged_out (any letter case);
//   - a member named error or errors holding anything but null, false, "",
//     [] or {}.
//
// A body that starts with '{' but is not a strict JSON object (duplicate
// member names, invalid UTF-8, broken syntax) counts as negative, as does
// the bare body false. Any other body (empty, "OK", an array) has no marker.
func DefaultEPRInterpret(r EPRResponse) (Result, error) {
	switch c := r.StatusCode; {
	case transientStatus(c):
		return Result{}, fmt.Errorf("%w: EPR check answered %d", ErrCheckUnavailable, c)
	case c >= 200 && c <= 299:
		if negativeBody(r.Body) {
			return Result{Active: false}, nil
		}
		if positiveBody(r.Body) {
			return Result{Active: true}, nil
		}
		return Result{}, fmt.Errorf("%w: EPR check answered %d without saying the token is valid", ErrBadResponse, c)
	case c >= 400 && c <= 499:
		return Result{Active: false}, nil
	}
	return Result{}, fmt.Errorf("%w: EPR check answered %d", ErrBadResponse, r.StatusCode)
}

// negativeBody reports whether a 2xx body says the token is not valid.
func negativeBody(body []byte) bool {
	b := bytes.TrimSpace(body)
	if strings.EqualFold(string(b), "false") {
		return true
	}
	if len(b) == 0 || b[0] != '{' {
		return false
	}
	var obj map[string]any
	if err := json.Unmarshal(b, &obj); err != nil {
		return true
	}
	if negativeObject(obj) {
		return true
	}
	for name, v := range obj {
		n := strings.ToLower(name)
		if inner, ok := v.(map[string]any); ok && (n == "data" || n == "result") && negativeObject(inner) {
			return true
		}
	}
	return false
}

// positiveBody reports whether a 2xx body says, in so many words, that the
// token is valid.
func positiveBody(body []byte) bool {
	b := bytes.TrimSpace(body)
	if len(b) == 0 || b[0] != '{' {
		return false
	}
	var obj map[string]any
	if err := json.Unmarshal(b, &obj); err != nil {
		return false
	}
	if positiveObject(obj) {
		return true
	}
	for name, v := range obj {
		n := strings.ToLower(name)
		if inner, ok := v.(map[string]any); ok && (n == "data" || n == "result") && positiveObject(inner) {
			return true
		}
	}
	return false
}

// positiveObject looks for a positive marker among obj's own members.
func positiveObject(obj map[string]any) bool {
	for name, v := range obj {
		switch strings.ToLower(name) {
		case "valid", "isvalid", "is_valid", "success", "active", "ok", "auth", "authenticated", "authorized":
			if b, ok := v.(bool); ok && b {
				return true
			}
		}
	}
	return false
}

// negativeObject looks for a negative marker among obj's own members.
func negativeObject(obj map[string]any) bool {
	for name, v := range obj {
		switch strings.ToLower(name) {
		case "valid", "isvalid", "is_valid", "success", "active", "ok", "auth", "authenticated", "authorized":
			if falsy(v) || v == nil {
				return true
			}
		case "status", "state", "statuscode", "code":
			if s, ok := v.(string); ok && negativeStatus(s) {
				return true
			}
			if n, ok := v.(float64); ok && n >= 400 {
				return true // an error status in the body of a 2xx
			}
		case "error", "errors":
			if !empty(v) {
				return true
			}
		}
	}
	return false
}

// falsy reports whether v is false, 0, "false" or "0".
func falsy(v any) bool {
	switch v := v.(type) {
	case bool:
		return !v
	case float64:
		return v == 0
	case string:
		return v == "0" || strings.EqualFold(v, "false")
	}
	return false
}

// negativeStatus reports whether s is a status word that says no.
func negativeStatus(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "invalid", "inactive", "expired", "revoked", "error", "fail", "failed", "failure",
		"unauthorized", "denied", "logged_out":
		return true
	}
	return false
}

// empty reports whether v is null, false, "", [] or {}.
func empty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case bool:
		return !v
	case string:
		return v == ""
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}
