package fakeepr

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Default credentials, known to every Server.
const (
	PartnerID     = "partner-1"
	PartnerSecret = "partner-secret"
	UserName      = "alice"
	UserPassword  = "wonderland"
)

// DefaultTokenTTL is the lifetime of the tokens the fake issues, as EPR's
// typical 12 hours.
const DefaultTokenTTL = 12 * time.Hour

// Mode is the state of the check endpoint.
type Mode int32

// The modes of the check endpoint.
const (
	// Up answers normally.
	Up Mode = iota
	// Down answers every check 503.
	Down
	// Hang holds every check until the client gives up or the server
	// closes.
	Hang
)

// Options configure a Server. The zero value is ready to use.
type Options struct {
	// Now is the fake's clock, for iat, exp and expiry checks. If nil,
	// time.Now.
	Now func() time.Time
	// TokenTTL is the lifetime of issued tokens. If zero, DefaultTokenTTL.
	TokenTTL time.Duration
}

// Server is a fake EPR partner API. Its methods are safe for concurrent
// use.
type Server struct {
	// URL is the base URL, http://127.0.0.1:port.
	URL string

	srv  *httptest.Server
	key  []byte
	now  func() time.Time
	ttl  time.Duration
	quit chan struct{}

	mu       sync.Mutex
	partners map[string]string // id → secret
	users    map[string]string // name → password
	revoked  map[string]bool   // jti → logged out

	mode     atomic.Int32
	failNext atomic.Int64
	delay    atomic.Int64 // time.Duration before each check answers

	logins, checks, logouts, partnerRejects atomic.Int64

	lastMu      sync.Mutex
	lastPartner string
	lastUA      string
	lastType    string
}

// New starts a Server on a loopback port; t's cleanup closes it.
func New(t testing.TB, opts Options) *Server {
	s := Start(opts)
	t.Cleanup(s.Close)
	return s
}

// Start starts a Server on a loopback port. The caller must Close it.
func Start(opts Options) *Server {
	s := &Server{
		key:      []byte(randomHex(32)),
		now:      opts.Now,
		ttl:      opts.TokenTTL,
		quit:     make(chan struct{}),
		partners: map[string]string{PartnerID: PartnerSecret},
		users:    map[string]string{UserName: UserPassword},
		revoked:  make(map[string]bool),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.ttl == 0 {
		s.ttl = DefaultTokenTTL
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /auth/login", s.login)
	mux.HandleFunc("POST /auth/checkToken", s.checkToken)
	mux.HandleFunc("POST /auth/logout", s.logout)
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	return s
}

// Close releases hanging requests and stops the server. It may be called
// more than once.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.quit:
	default:
		close(s.quit)
	}
	s.mu.Unlock()
	s.srv.Close()
}

// AddUser adds a user who can log in.
func (s *Server) AddUser(name, password string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[name] = password
}

// Token issues a live user token for name, as a login would, without a
// request.
func (s *Server) Token(name string) string { return s.issue(name, KindUser, s.ttl) }

// TokenWithTTL issues a user token that expires ttl from now (a negative
// ttl gives a token already expired).
func (s *Server) TokenWithTTL(name string, ttl time.Duration) string {
	return s.issue(name, KindUser, ttl)
}

// PartnerToken issues a live partner token for PartnerID.
func (s *Server) PartnerToken() string { return s.issue(PartnerID, KindPartner, s.ttl) }

// Logout kills token at once, as POST /auth/logout does.
func (s *Server) Logout(token string) {
	if c, err := parse(s.key, token); err == nil {
		s.mu.Lock()
		s.revoked[c.ID] = true
		s.mu.Unlock()
	}
}

// SetMode sets the state of the check endpoint.
func (s *Server) SetMode(m Mode) { s.mode.Store(int32(m)) }

// SetDelay makes every check wait d before it answers (0: none), as a slow
// issuer would. A request abandoned by its client stops waiting.
func (s *Server) SetDelay(d time.Duration) { s.delay.Store(int64(d)) }

// FailNext makes the next n checks answer 503, whatever the mode.
func (s *Server) FailNext(n int) { s.failNext.Store(int64(n)) }

// Checks returns how many requests reached POST /auth/checkToken.
func (s *Server) Checks() int { return int(s.checks.Load()) }

// Logins returns how many requests reached POST /auth/login.
func (s *Server) Logins() int { return int(s.logins.Load()) }

// Logouts returns how many requests reached POST /auth/logout.
func (s *Server) Logouts() int { return int(s.logouts.Load()) }

// PartnerRejects returns how many checks were refused for a missing or
// dead partner token.
func (s *Server) PartnerRejects() int { return int(s.partnerRejects.Load()) }

// LastCheck returns the partner token, User-Agent and Content-Type of the
// last request to the check endpoint.
func (s *Server) LastCheck() (partnerToken, userAgent, contentType string) {
	s.lastMu.Lock()
	defer s.lastMu.Unlock()
	return s.lastPartner, s.lastUA, s.lastType
}

func (s *Server) issue(sub, kind string, ttl time.Duration) string {
	now := s.now()
	return sign(s.key, Claims{
		Issuer:    s.URL,
		Subject:   sub,
		Kind:      kind,
		IssuedAt:  now.Unix(),
		ExpiresAt: now.Add(ttl).Unix(),
		ID:        randomHex(8),
	})
}

// live returns the claims of token when it is a live token of kind.
func (s *Server) live(token, kind string) (Claims, bool) {
	c, err := parse(s.key, token)
	if err != nil || c.Kind != kind || c.expired(s.now()) {
		return Claims{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return c, !s.revoked[c.ID]
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	s.logins.Add(1)
	var body struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	s.mu.Lock()
	partnerOK := body.Password != "" && s.partners[body.Username] == body.Password
	userOK := body.Password != "" && s.users[body.Username] == body.Password
	s.mu.Unlock()
	var tok string
	switch {
	case partnerOK:
		tok = s.issue(body.Username, KindPartner, s.ttl)
	case userOK:
		tok = s.issue(body.Username, KindUser, s.ttl)
	default:
		writeJSON(w, http.StatusUnauthorized, map[string]any{"success": false, "message": "invalid credentials"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "token": tok, "expiresAt": s.now().Add(s.ttl).Unix()})
}

func (s *Server) checkToken(w http.ResponseWriter, r *http.Request) {
	s.checks.Add(1)
	partner := r.Header.Get("x-access-token")
	s.lastMu.Lock()
	s.lastPartner, s.lastUA, s.lastType = partner, r.Header.Get("User-Agent"), r.Header.Get("Content-Type")
	s.lastMu.Unlock()
	if d := time.Duration(s.delay.Load()); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		case <-s.quit:
			t.Stop()
			return
		}
	}
	if s.takeFailure() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"success": false, "message": "try again"})
		return
	}
	switch Mode(s.mode.Load()) {
	case Down:
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"success": false, "message": "maintenance"})
		return
	case Hang:
		select {
		case <-r.Context().Done():
		case <-s.quit:
		}
		return
	}
	if _, ok := s.live(partner, KindPartner); !ok {
		s.partnerRejects.Add(1)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"success": false, "message": "partner token invalid"})
		return
	}
	var body struct {
		Token string `json:"token"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	c, ok := s.live(body.Token, KindUser)
	if !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"success": false, "valid": false, "message": "token invalid"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"success": true,
		"valid":   true,
		"user":    map[string]any{"id": c.Subject, "username": c.Subject},
		"exp":     c.ExpiresAt,
	})
}

// takeFailure consumes one of the failures FailNext asked for.
func (s *Server) takeFailure() bool {
	for {
		n := s.failNext.Load()
		if n <= 0 {
			return false
		}
		if s.failNext.CompareAndSwap(n, n-1) {
			return true
		}
	}
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	s.logouts.Add(1)
	c, ok := s.live(r.Header.Get("x-access-token"), KindUser)
	if !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"success": false, "message": "token invalid"})
		return
	}
	s.mu.Lock()
	s.revoked[c.ID] = true
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"success": true})
}

// readJSON decodes a small JSON request body into v, answering 400 when it
// cannot.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	data, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err == nil {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		err = dec.Decode(v)
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"success": false, "message": "bad request"})
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
