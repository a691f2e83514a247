package main

import (
	"io"
	"net/http"
	"sync"
)

// maxRecorded caps what the recorder keeps of one response body: the key
// sources read no more than 1 MiB either.
const maxRecorded = 1 << 20

// recorder is the remote key source's transport. It keeps, by URL, the last
// body the source read (discovery document, JWK Set), so that a hint can
// name what the server really said: the issuer its discovery document
// names, a key it publishes for encryption. It records what passes, never
// changes it.
type recorder struct {
	base http.RoundTripper

	mu     sync.Mutex
	bodies map[string][]byte
	order  []string // URLs, in the order of their first response
}

func newRecorder() *recorder {
	return &recorder{base: http.DefaultTransport, bodies: make(map[string][]byte)}
}

// RoundTrip implements http.RoundTripper.
func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	url := req.URL.String()
	r.mu.Lock()
	if _, seen := r.bodies[url]; !seen {
		r.order = append(r.order, url)
	}
	r.bodies[url] = nil
	r.mu.Unlock()
	resp.Body = &recordedBody{ReadCloser: resp.Body, r: r, url: url}
	return resp, nil
}

// documents returns the recorded bodies in the order their URLs were first
// fetched.
func (r *recorder) documents() [][]byte {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	docs := make([][]byte, 0, len(r.order))
	for _, u := range r.order {
		docs = append(docs, r.bodies[u])
	}
	return docs
}

// recordedBody copies what is read into the recorder.
type recordedBody struct {
	io.ReadCloser
	r   *recorder
	url string
}

func (b *recordedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.r.mu.Lock()
		if kept := b.r.bodies[b.url]; len(kept) < maxRecorded {
			b.r.bodies[b.url] = append(kept, p[:min(n, maxRecorded-len(kept))]...)
		}
		b.r.mu.Unlock()
	}
	return n, err
}
