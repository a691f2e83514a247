package keysource

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// keyServer is an httptest server whose key document, headers and failure
// mode a test changes while a source fetches from it.
type keyServer struct {
	srv *httptest.Server

	mu         sync.Mutex
	path       string // "" serves every path
	body       []byte
	version    int
	validators bool          // send ETag and Last-Modified, answer conditions with 304
	header     http.Header   // extra response headers
	status     int           // when not 0, answer this status
	hang       bool          // block until the client gives up
	delay      time.Duration // sleep before answering
	handler    http.HandlerFunc

	requests    atomic.Int64
	ifNoneMatch atomic.Int64
	ifModSince  atomic.Int64
	notModified atomic.Int64
	userAgent   atomic.Value
}

func newKeyServer(t *testing.T) *keyServer {
	t.Helper()
	s := &keyServer{header: http.Header{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *keyServer) URL() string { return s.srv.URL }

func (s *keyServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	path, body, version, vals, status, hang, delay, handler :=
		s.path, s.body, s.version, s.validators, s.status, s.hang, s.delay, s.handler
	for k, v := range s.header {
		w.Header()[k] = v
	}
	s.mu.Unlock()
	if path != "" && r.URL.Path != path {
		http.NotFound(w, r)
		return
	}
	s.requests.Add(1)
	s.userAgent.Store(r.Header.Get("User-Agent"))
	if handler != nil {
		handler(w, r)
		return
	}
	if delay > 0 {
		time.Sleep(delay)
	}
	if hang {
		<-r.Context().Done()
		return
	}
	if status != 0 {
		w.WriteHeader(status)
		return
	}
	etag := fmt.Sprintf(`"v%d"`, version)
	lastMod := time.Date(2026, 1, 1, 0, 0, version, 0, time.UTC).Format(http.TimeFormat)
	if r.Header.Get("If-None-Match") != "" {
		s.ifNoneMatch.Add(1)
	}
	if r.Header.Get("If-Modified-Since") != "" {
		s.ifModSince.Add(1)
	}
	if vals {
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lastMod)
		if r.Header.Get("If-None-Match") == etag {
			s.notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	_, _ = w.Write(body)
}

// update changes the server's state under its lock.
func (s *keyServer) update(f func(s *keyServer)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

// setBody serves body as a new version of the document.
func (s *keyServer) setBody(body []byte) {
	s.update(func(s *keyServer) { s.body, s.version = body, s.version+1 })
}

// setJWKS serves a JWK Set of the given JWKs.
func (s *keyServer) setJWKS(keys ...map[string]any) { s.setBody(jwkSetBytes(keys...)) }

func jwkSetBytes(keys ...map[string]any) []byte {
	if keys == nil {
		keys = []map[string]any{}
	}
	b, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		panic(err)
	}
	return b
}

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// newECJWK returns the public JWK of a new P-256 key with the given kid.
func newECJWK(t testing.TB, kid string) map[string]any {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return ecJWKOf(kid, &k.PublicKey)
}

func ecJWKOf(kid string, pub *ecdsa.PublicKey) map[string]any {
	var x, y [32]byte
	pub.X.FillBytes(x[:])
	pub.Y.FillBytes(y[:])
	return map[string]any{"kty": "EC", "crv": "P-256", "kid": kid, "alg": "ES256", "use": "sig", "x": b64url(x[:]), "y": b64url(y[:])}
}

// recorder counts what a source reports through its hooks.
type recorder struct {
	ends     chan RefreshEvent
	starts   sync.Map // Trigger -> *atomic.Int64
	unknown  atomic.Int64
	cooldown atomic.Int64

	mu             sync.Mutex
	added, removed []string
}

func newRecorder() *recorder { return &recorder{ends: make(chan RefreshEvent, 100000)} }

func (r *recorder) hooks() Hooks {
	return Hooks{
		RefreshStart: func(_ string, t Trigger) {
			c, _ := r.starts.LoadOrStore(t, new(atomic.Int64))
			c.(*atomic.Int64).Add(1)
		},
		RefreshEnd: func(ev RefreshEvent) { r.ends <- ev },
		KeysChanged: func(_ string, added, removed []*Key) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.added = append(r.added, keyNames(added)...)
			r.removed = append(r.removed, keyNames(removed)...)
		},
		UnknownKID:       func(string, string) { r.unknown.Add(1) },
		CooldownRejected: func(string, RefreshReason) { r.cooldown.Add(1) },
	}
}

// started returns how many fetches began with trigger t.
func (r *recorder) started(t Trigger) int64 {
	c, ok := r.starts.Load(t)
	if !ok {
		return 0
	}
	return c.(*atomic.Int64).Load()
}

// next waits for the next finished fetch.
func (r *recorder) next(t *testing.T) RefreshEvent {
	t.Helper()
	select {
	case ev := <-r.ends:
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no fetch finished within 5s")
		return RefreshEvent{}
	}
}

func (r *recorder) changes() (added, removed []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.added...), append([]string(nil), r.removed...)
}

var quietLogger = slog.New(slog.DiscardHandler)

// testConfig is a FetchConfig on a fake clock, without jitter or logs, that
// reports to rec and talks to srv.
func testConfig(srv *keyServer, clk *fakeClock, rec *recorder) FetchConfig {
	return FetchConfig{
		HTTPClient: srv.srv.Client(),
		Clock:      clk,
		Logger:     quietLogger,
		Hooks:      rec.hooks(),
		random:     func() float64 { return 0 },
	}
}

// newTestJWKS starts a JWKS source on srv; edit adjusts its config.
func newTestJWKS(t *testing.T, srv *keyServer, clk *fakeClock, rec *recorder, edit func(*JWKSConfig)) *Remote {
	t.Helper()
	cfg := JWKSConfig{URL: srv.URL() + "/certs", FetchConfig: testConfig(srv, clk, rec)}
	if edit != nil {
		edit(&cfg)
	}
	src, err := NewJWKS(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = src.Close() })
	return src
}

// keysNow calls Keys and fails the test on an error.
func keysNow(t *testing.T, src Source) *Set {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	set, err := src.Keys(ctx)
	if err != nil {
		t.Fatalf("Keys: %v", err)
	}
	return set
}

func refreshFor(t *testing.T, src Source, set *Set, kid string) *Set {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got, err := src.Refresh(ctx, RefreshHint{Reason: RefreshUnknownKID, KID: kid, Current: set})
	if err != nil {
		t.Fatalf("Refresh(%q): %v", kid, err)
	}
	return got
}
