package backchannel

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"time"

	"github.com/jwtguard/jwtguard/revocation"
	"github.com/jwtguard/jwtguard/verify"
)

// FormField is the form field that carries the logout token.
const FormField = "logout_token"

// Handler receives OpenID Connect Back-Channel Logout 1.0 requests: it
// verifies the logout token, revokes the session or the subject's tokens
// in a revocation.Store, and answers the issuer. Build one with New; it is
// safe for concurrent use.
type Handler struct {
	s *settings
	v *verify.Verifier[logoutClaims]
}

// New checks cfg and returns a Handler. It fails when Keys, Issuer,
// ClientID or Store is missing, MaxAge or MaxBodyBytes is negative, or the
// verifier refuses Algorithms ("none", unknown names, HMAC mixed with
// asymmetric algorithms).
func New(cfg Config) (*Handler, error) {
	s, err := cfg.settings()
	if err != nil {
		return nil, err
	}
	algs := cfg.Algorithms
	if algs == nil {
		algs = DefaultAlgorithms
	}
	types := []string{TokenType}
	if cfg.InsecureAllowUntypedLogoutTokens {
		types = append(types, "", "JWT")
	}
	v, err := verify.New(verify.Config[logoutClaims]{
		Keys:       cfg.Keys,
		Algorithms: algs,
		Issuers:    []string{cfg.Issuer},
		Audiences:  []string{cfg.ClientID},
		Leeway:     cfg.Leeway, // the verifier reads zero and negative values as settings does
		Now:        s.now,
		TokenTypes: types,
		// MaxAge requires iat, refuses one in the future beyond the leeway
		// and one older than MaxAge plus the leeway.
		MaxAge: s.maxAge,
		// Logout tokens before the 2022 final specification need not carry
		// exp; one that does is still checked (verify checks exp whenever
		// it is present).
		InsecureAllowMissingExpiry: true,
		// Each logout token is used once: a cache would only hold it.
		CacheSize: -1,
	})
	if err != nil {
		return nil, fmt.Errorf("backchannel: %w", err)
	}
	return &Handler{s: s, v: v}, nil
}

// ServeHTTP answers a back-channel logout request: 405 (with Allow: POST)
// for another method; 200 when the logout is stored; 400 with a JSON body
// {"error":"invalid_request","error_description":...} for a bad request or
// a logout token refused by any check, a replay included; 503 with
// "temporarily_unavailable" when the issuer's keys or the store are
// unavailable, for the issuer to retry. Every answer has Cache-Control:
// no-store, as section 2.8 requires.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.s.log.LogAttrs(r.Context(), slog.LevelWarn, "backchannel logout refused",
			slog.String("reason", "method"), slog.String("method", printable(r.Method)), slog.String("remote", r.RemoteAddr))
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var entry revocation.Entry
	var jti string
	token, err := h.readToken(w, r)
	if err == nil {
		entry, jti, err = h.logout(r.Context(), token)
	}
	if err == nil {
		h.s.log.LogAttrs(r.Context(), slog.LevelInfo, "backchannel logout",
			append(entryAttrs(entry, jti), slog.String("remote", r.RemoteAddr))...)
		w.WriteHeader(http.StatusOK)
		return
	}
	o := classify(err)
	level := slog.LevelWarn
	if o.status >= 500 {
		level = slog.LevelError
	}
	attrs := []slog.Attr{slog.String("reason", o.reason), slog.String("remote", r.RemoteAddr)}
	if entry.Kind != 0 {
		attrs = append(attrs, entryAttrs(entry, jti)...)
	}
	if o.status >= 500 {
		// The store's or the key source's error is ours, not the token's:
		// log it.
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	h.s.log.LogAttrs(r.Context(), level, "backchannel logout refused", attrs...)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(o.status)
	_ = json.NewEncoder(w).Encode(struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}{o.code, o.desc})
}

// readToken reads the one logout_token of a form body of at most
// MaxBodyBytes. The query string is ignored.
func (h *Handler) readToken(w http.ResponseWriter, r *http.Request) (string, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return "", fmt.Errorf("%w: content type is not application/x-www-form-urlencoded", ErrRequest)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.s.maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return "", fmt.Errorf("%w: body larger than %d bytes", ErrRequest, h.s.maxBody)
		}
		return "", fmt.Errorf("%w: reading the body: %w", ErrRequest, err)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return "", fmt.Errorf("%w: malformed form", ErrRequest)
	}
	switch vs := form[FormField]; len(vs) {
	case 0:
		return "", fmt.Errorf("%w: no %s", ErrRequest, FormField)
	case 1:
		if vs[0] == "" {
			return "", fmt.Errorf("%w: empty %s", ErrRequest, FormField)
		}
		return vs[0], nil
	default:
		return "", fmt.Errorf("%w: %s repeated", ErrRequest, FormField)
	}
}

// Logout verifies a logout token and stores what it revokes, as
// ServeHTTP does for a request's token, for callers that receive logout
// tokens another way. It returns the entry stored, or an error: a
// *verify.Error for a token refused by the verifier (wrapping ErrNoSubject,
// ErrEvents, ErrNonce or ErrNoID for the logout token's own rules), one
// wrapping revocation.ErrReplayed for a jti used before, one wrapping
// ErrNotStored when the store failed.
//
// Once the token is verified, the store calls run detached from ctx's
// cancellation (keeping its values), bounded by Config.StoreTimeout.
//
// It revokes the session (revocation.KindSession, the token's "sid") when
// the token has a sid, whether or not it has a "sub"; otherwise the
// subject's tokens issued at or before the logout token's "iat"
// (revocation.KindSubject). Entries expire at the store's default.
//
// The revocation is stored before the jti is recorded (see the package
// documentation for why): a revocation that fails leaves the jti unused,
// so the issuer's retry of the same token is accepted.
func (h *Handler) Logout(ctx context.Context, token string) (revocation.Entry, error) {
	e, _, err := h.logout(ctx, token)
	return e, err
}

func (h *Handler) logout(ctx context.Context, token string) (revocation.Entry, string, error) {
	c, err := h.v.Verify(ctx, token)
	if err != nil {
		return revocation.Entry{}, "", err
	}
	e := revocation.Entry{Kind: revocation.KindSession, Issuer: c.Issuer, Value: c.SessionID}
	if c.SessionID == "" {
		e = revocation.Entry{Kind: revocation.KindSubject, Issuer: c.Issuer, Value: c.Subject, Before: c.IssuedAt.Time}
	}
	// The token is good: store its effect even if the caller stops
	// waiting, within the store timeout.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), h.s.timeout)
	defer cancel()
	// Revoke first: it is idempotent, so two replicas racing on one token,
	// or a replay, only store the same revocation again.
	if err := h.s.store.Revoke(ctx, e); err != nil {
		return e, c.ID, fmt.Errorf("%w: %w", ErrNotStored, err)
	}
	if err := h.s.store.Use(ctx, c.Issuer, c.ID, h.until(c)); err != nil {
		if errors.Is(err, revocation.ErrReplayed) {
			return e, c.ID, err
		}
		// The revocation is in force; only the replay memory failed. A
		// replay would store the same revocation again, nothing more, so
		// the logout stands. Say so in the log and answer 200.
		h.s.log.LogAttrs(ctx, slog.LevelWarn, "backchannel logout: jti not recorded",
			slog.String("jti_fp", fingerprint(c.ID)), slog.String("error", err.Error()))
	}
	return e, c.ID, nil
}

// until is when a logout token's jti may be forgotten: when the token
// itself would be refused by its iat (MaxAge) or, earlier, its exp.
func (h *Handler) until(c *logoutClaims) time.Time {
	t := c.IssuedAt.Time.Add(h.s.maxAge + h.s.leeway)
	if exp := c.ExpiresAt.Time; !exp.IsZero() && exp.Add(h.s.leeway).Before(t) {
		t = exp.Add(h.s.leeway)
	}
	return t
}

// entryAttrs describes an entry for the log without its values: the kind,
// and a fingerprint of the session id (random); a subject is logged by
// kind alone, since a sub may be an e-mail address.
func entryAttrs(e revocation.Entry, jti string) []slog.Attr {
	attrs := []slog.Attr{slog.String("iss", e.Issuer)}
	switch e.Kind {
	case revocation.KindSession:
		attrs = append(attrs, slog.String("kind", "session"), slog.String("sid_fp", fingerprint(e.Value)))
	case revocation.KindSubject:
		attrs = append(attrs, slog.String("kind", "subject"), slog.Time("before", e.Before))
	}
	return append(attrs, slog.String("jti_fp", fingerprint(jti)))
}

// fingerprint is the first 8 bytes of SHA-256, in hex: enough to match log
// lines, never the value.
func fingerprint(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

// printable cuts a client-supplied string for a log (the handler quotes
// it).
func printable(s string) string {
	const max = 32
	if len(s) > max {
		s = s[:max]
	}
	return s
}
