package keysource

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// ErrResponseTooLarge means a response body is larger than MaxBodyBytes.
var ErrResponseTooLarge = errors.New("keysource: response body too large")

// StatusError reports a response whose status is neither 200 nor 304.
type StatusError struct {
	// URL is the requested URL.
	URL string
	// StatusCode is the response's status.
	StatusCode int
	// RetryAfter is the server's Retry-After on 429 and 503 (0 if none).
	RetryAfter time.Duration
}

// Error implements error.
func (e *StatusError) Error() string {
	msg := fmt.Sprintf("keysource: GET %s: status %d %s", e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(" (Retry-After %s)", e.RetryAfter)
	}
	return msg
}

// validators are a response's cache validators, sent back as conditions.
type validators struct {
	etag, lastModified string
}

// response is an accepted response: a 200 with its body, or a 304.
type response struct {
	notModified bool
	body        []byte
	validators  validators
	// hint and hinted are the caching hint (see cacheHint).
	hint   time.Duration
	hinted bool
}

// httpGetter makes the GET requests of a source.
type httpGetter struct {
	client    *http.Client
	timeout   time.Duration
	maxBody   int64
	userAgent string
	clock     Clock
}

// get fetches target, sending cond as If-None-Match and If-Modified-Since.
// Only 200 and, when a condition was sent, 304 are accepted; any other status
// is a *StatusError. The whole exchange is bounded by the getter's timeout and
// by ctx.
func (g *httpGetter) get(ctx context.Context, target, accept string, cond validators) (*response, error) {
	ctx, cancel := context.WithTimeout(ctx, g.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, fmt.Errorf("keysource: GET %s: %w", target, err)
	}
	req.Header.Set("User-Agent", g.userAgent)
	req.Header.Set("Accept", accept)
	if cond.etag != "" {
		req.Header.Set("If-None-Match", cond.etag)
	}
	if cond.lastModified != "" {
		req.Header.Set("If-Modified-Since", cond.lastModified)
	}
	resp, err := g.client.Do(req)
	if err != nil {
		return nil, g.wrap(ctx, target, err)
	}
	defer resp.Body.Close()
	now := g.clock.Now()
	out := &response{validators: validators{
		etag:         resp.Header.Get("ETag"),
		lastModified: resp.Header.Get("Last-Modified"),
	}}
	out.hint, out.hinted = cacheHint(resp.Header, now)
	switch {
	case resp.StatusCode == http.StatusOK:
		out.body, err = readCapped(resp.Body, g.maxBody, resp.ContentLength)
		if err != nil {
			return nil, g.wrap(ctx, target, err)
		}
		return out, nil
	case resp.StatusCode == http.StatusNotModified && cond != (validators{}):
		out.notModified = true
		return out, nil
	}
	_, _ = io.CopyN(io.Discard, resp.Body, 4<<10) // lets the connection be reused
	se := &StatusError{URL: target, StatusCode: resp.StatusCode}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		se.RetryAfter = retryAfter(resp.Header, now)
	}
	return nil, se
}

// wrap names the URL and the timeout in a transport error.
func (g *httpGetter) wrap(ctx context.Context, target string, err error) error {
	if errors.Is(err, context.DeadlineExceeded) && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("keysource: GET %s: timed out after %s: %w", target, g.timeout, err)
	}
	return fmt.Errorf("keysource: GET %s: %w", target, err)
}

// readCapped reads r to its end, failing with ErrResponseTooLarge past limit
// bytes (at once when the Content-Length says so).
func readCapped(r io.Reader, limit, contentLength int64) ([]byte, error) {
	if contentLength > limit {
		return nil, fmt.Errorf("%w: Content-Length %d, limit %d", ErrResponseTooLarge, contentLength, limit)
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrResponseTooLarge, limit)
	}
	return data, nil
}
