package keysource

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func testGetter(c *http.Client, insecure bool) *httpGetter {
	return &httpGetter{
		client:    redirectChecked(c, insecure),
		timeout:   5 * time.Second,
		maxBody:   1 << 10,
		userAgent: userAgent(""),
		clock:     newFakeClock(),
	}
}

func TestGetStatuses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		cond   validators
		check  func(t *testing.T, r *response, err error)
	}{
		{name: "200", status: 200, check: func(t *testing.T, r *response, err error) {
			if err != nil || r.notModified || string(r.body) != "body" {
				t.Fatalf("got %+v, %v", r, err)
			}
		}},
		{name: "304 after a condition", status: 304, cond: validators{etag: `"x"`}, check: func(t *testing.T, r *response, err error) {
			if err != nil || !r.notModified {
				t.Fatalf("got %+v, %v", r, err)
			}
		}},
		{name: "304 without a condition", status: 304},
		{name: "201", status: 201},
		{name: "204", status: 204},
		{name: "206", status: 206},
		{name: "401", status: 401},
		{name: "404", status: 404},
		{name: "500", status: 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte("body"))
			}))
			defer srv.Close()
			r, err := testGetter(srv.Client(), false).get(context.Background(), srv.URL, "*/*", tc.cond)
			if tc.check != nil {
				tc.check(t, r, err)
				return
			}
			var se *StatusError
			if !errors.As(err, &se) || se.StatusCode != tc.status || se.URL != srv.URL {
				t.Fatalf("err = %v, want a StatusError %d", err, tc.status)
			}
		})
	}
}

func TestGetBodyCap(t *testing.T) {
	for _, tc := range []struct {
		name    string
		size    int
		chunked bool
		wantErr error
	}{
		{name: "at the cap", size: 1 << 10},
		{name: "over, Content-Length", size: 1<<10 + 1, wantErr: ErrResponseTooLarge},
		{name: "over, chunked", size: 5 << 20, chunked: true, wantErr: ErrResponseTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body := bytes.Repeat([]byte("a"), tc.size)
				if tc.chunked {
					for len(body) > 0 {
						n := min(len(body), 4096)
						if _, err := w.Write(body[:n]); err != nil {
							return
						}
						w.(http.Flusher).Flush()
						body = body[n:]
					}
					return
				}
				_, _ = w.Write(body)
			}))
			defer srv.Close()
			r, err := testGetter(srv.Client(), false).get(context.Background(), srv.URL, "*/*", validators{})
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if err == nil && len(r.body) != tc.size {
				t.Fatalf("body %d bytes", len(r.body))
			}
		})
	}
}

func TestGetTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer srv.Close()
	g := testGetter(srv.Client(), false)
	g.timeout = 20 * time.Millisecond
	began := time.Now()
	_, err := g.get(context.Background(), srv.URL, "*/*", validators{})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "timed out after 20ms") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(began); d > 2*time.Second {
		t.Fatalf("took %s", d)
	}
}

func TestGetHeaders(t *testing.T) {
	got := make(chan http.Header, 2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
		w.Header().Set("ETag", `W/"e1"`)
		w.Header().Set("Last-Modified", "Thu, 01 Jan 2026 00:00:00 GMT")
	}))
	defer srv.Close()
	g := testGetter(srv.Client(), false)
	r, err := g.get(context.Background(), srv.URL, "application/jwk-set+json", validators{})
	if err != nil {
		t.Fatal(err)
	}
	h := <-got
	if h.Get("User-Agent") != "jwtguard/"+Version || h.Get("Accept") != "application/jwk-set+json" ||
		h.Get("If-None-Match") != "" || h.Get("If-Modified-Since") != "" {
		t.Fatalf("request headers %v", h)
	}
	if r.validators != (validators{etag: `W/"e1"`, lastModified: "Thu, 01 Jan 2026 00:00:00 GMT"}) {
		t.Fatalf("validators %+v", r.validators)
	}
	g.userAgent = userAgent("acme-api/2.1")
	if _, err := g.get(context.Background(), srv.URL, "*/*", r.validators); err != nil {
		t.Fatal(err)
	}
	h = <-got
	if h.Get("User-Agent") != "acme-api/2.1 jwtguard/"+Version ||
		h.Get("If-None-Match") != `W/"e1"` || h.Get("If-Modified-Since") != "Thu, 01 Jan 2026 00:00:00 GMT" {
		t.Fatalf("request headers %v", h)
	}
}

func TestGetRedirects(t *testing.T) {
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/away":
			http.Redirect(w, r, "http://keys.example.com/certs", http.StatusFound)
		case "/hop":
			http.Redirect(w, r, "/ok", http.StatusMovedPermanently)
		default:
			_, _ = w.Write([]byte("ok"))
		}
	}))
	defer plain.Close()
	tls := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/down":
			http.Redirect(w, r, plain.URL+"/ok", http.StatusFound)
		case "/hop":
			http.Redirect(w, r, "/ok", http.StatusFound)
		default:
			_, _ = w.Write([]byte("ok"))
		}
	}))
	defer tls.Close()

	userCalled := false
	uc := *tls.Client()
	userClient := &uc
	userClient.CheckRedirect = func(*http.Request, []*http.Request) error { userCalled = true; return nil }

	for _, tc := range []struct {
		name     string
		client   *http.Client
		url      string
		insecure bool
		wantErr  error
	}{
		{name: "same scheme", client: plain.Client(), url: plain.URL + "/hop"},
		{name: "https to https", client: tls.Client(), url: tls.URL + "/hop"},
		{name: "https to http refused", client: tls.Client(), url: tls.URL + "/down", wantErr: ErrInsecureURL},
		{name: "https to http with InsecureAllowHTTP", client: tls.Client(), url: tls.URL + "/down", insecure: true},
		{name: "http to a non-loopback host refused", client: plain.Client(), url: plain.URL + "/away", wantErr: ErrInsecureURL},
		{name: "redirect loop capped", client: plain.Client(), url: plain.URL + "/loop", wantErr: errRedirects},
		{name: "caller's CheckRedirect runs", client: userClient, url: tls.URL + "/hop"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := testGetter(tc.client, tc.insecure).get(context.Background(), tc.url, "*/*", validators{})
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if err == nil && string(r.body) != "ok" {
				t.Fatalf("body %q", r.body)
			}
		})
	}
	if !userCalled {
		t.Fatal("the caller's CheckRedirect was not called")
	}
	if tls.Client().CheckRedirect != nil || plain.Client().CheckRedirect != nil {
		t.Fatal("redirectChecked modified the caller's client")
	}
}
