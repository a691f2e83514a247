package fakeintrospect

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Path is the path of the introspection endpoint.
const Path = "/introspect"

// Options configure a Server: the credentials it accepts. Empty ones are
// not accepted.
type Options struct {
	ClientID, ClientSecret string
	BearerToken            string
}

// Request is what the server saw of one introspection request.
type Request struct {
	Authorization string
	UserAgent     string
	ContentType   string
	Form          url.Values
}

// Server is a fake introspection endpoint. Its methods are safe for
// concurrent use.
type Server struct {
	// Endpoint is the introspection endpoint's URL.
	Endpoint string

	srv  *httptest.Server
	opts Options

	mu       sync.Mutex
	tokens   map[string]map[string]any
	refused  map[string]string // token → OAuth error code of a 400
	raw      *raw
	requests int
	last     Request
}

type raw struct {
	status      int
	contentType string
	body        []byte
}

// New starts a Server on a loopback port; t's cleanup closes it.
func New(t testing.TB, opts Options) *Server {
	s := &Server{opts: opts, tokens: make(map[string]map[string]any), refused: make(map[string]string)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+Path, s.introspect)
	s.srv = httptest.NewServer(mux)
	s.Endpoint = s.srv.URL + Path
	t.Cleanup(s.srv.Close)
	return s
}

// Activate makes token active; claims are added to the answer.
func (s *Server) Activate(token string, claims map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = claims
}

// Refuse makes the server answer 400 {"error": code, ...} for token, as
// oidc-provider does (unsupported_token_type) for a JWT access token it
// will not introspect.
func (s *Server) Refuse(token, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refused[token] = code
}

// Deactivate makes token inactive.
func (s *Server) Deactivate(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, token)
}

// SetRaw makes every authenticated request answer status with body; a nil
// body restores the normal answers.
func (s *Server) SetRaw(status int, contentType string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if body == nil {
		s.raw = nil
		return
	}
	s.raw = &raw{status: status, contentType: contentType, body: body}
}

// Requests returns how many requests reached the endpoint.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// Last returns the last request.
func (s *Server) Last() Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

func (s *Server) introspect(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	err := r.ParseForm()
	s.mu.Lock()
	s.requests++
	s.last = Request{
		Authorization: r.Header.Get("Authorization"),
		UserAgent:     r.Header.Get("User-Agent"),
		ContentType:   r.Header.Get("Content-Type"),
		Form:          r.PostForm,
	}
	rw := s.raw
	claims, active := s.tokens[r.PostForm.Get("token")]
	refusal := s.refused[r.PostForm.Get("token")]
	s.mu.Unlock()
	if err != nil || r.PostForm.Get("token") == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_request"})
		return
	}
	if !s.authenticated(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="introspection"`)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid_client"})
		return
	}
	if rw != nil {
		if rw.contentType != "" {
			w.Header().Set("Content-Type", rw.contentType)
		}
		w.WriteHeader(rw.status)
		_, _ = w.Write(rw.body)
		return
	}
	if refusal != "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": refusal, "error_description": "this token cannot be introspected"})
		return
	}
	if !active {
		writeJSON(w, http.StatusOK, map[string]any{"active": false})
		return
	}
	out := map[string]any{}
	for k, v := range claims {
		out[k] = v
	}
	out["active"] = true
	writeJSON(w, http.StatusOK, out)
}

// authenticated checks the client authentication of r.
func (s *Server) authenticated(r *http.Request) bool {
	auth := r.Header.Get("Authorization")
	switch {
	case strings.HasPrefix(auth, "Basic "):
		id, secret, ok := r.BasicAuth()
		if !ok {
			return false
		}
		id, err1 := url.QueryUnescape(id)
		secret, err2 := url.QueryUnescape(secret)
		return err1 == nil && err2 == nil && s.opts.ClientID != "" && eq(id, s.opts.ClientID) && eq(secret, s.opts.ClientSecret)
	case strings.HasPrefix(auth, "Bearer "):
		return s.opts.BearerToken != "" && eq(strings.TrimPrefix(auth, "Bearer "), s.opts.BearerToken)
	case auth == "":
		id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
		return s.opts.ClientID != "" && eq(id, s.opts.ClientID) && eq(secret, s.opts.ClientSecret)
	}
	return false
}

func eq(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
