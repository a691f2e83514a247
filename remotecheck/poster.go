package remotecheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// response is an answer of the issuer, its body read in full.
type response struct {
	status int
	header http.Header
	body   []byte
}

// post sends body to target with the given headers, and reads the whole
// answer within the poster's timeout. Failures to get an answer wrap
// ErrCheckUnavailable (retried), a body over the cap wraps ErrBadResponse,
// and ctx's own end gives ctx.Err(). The status is left to the caller. No
// error names the token or the body.
func (p *poster) post(ctx context.Context, target string, header http.Header, body []byte) (*response, error) {
	actx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%w: POST %s: %v", ErrBadResponse, target, err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", p.userAgent)
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, p.transportError(ctx, actx, target, err)
	}
	defer resp.Body.Close()
	out := &response{status: resp.StatusCode, header: resp.Header}
	out.body, err = p.readCapped(resp)
	if err != nil {
		if errors.Is(err, ErrBadResponse) {
			return nil, fmt.Errorf("POST %s: status %d: %w", target, resp.StatusCode, err)
		}
		return nil, p.transportError(ctx, actx, target, err)
	}
	return out, nil
}

// transportError classifies a failed exchange: the caller's ctx ended
// (ctx.Err()), or the issuer could not be reached in time
// (ErrCheckUnavailable).
func (p *poster) transportError(ctx, actx context.Context, target string, err error) error {
	if ce := ctx.Err(); ce != nil {
		return ce
	}
	if actx.Err() != nil {
		return fmt.Errorf("%w: POST %s: timed out after %s", ErrCheckUnavailable, target, p.timeout)
	}
	// err is a *url.Error naming the method and URL; keep its cause only.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("%w: POST %s: %v", ErrCheckUnavailable, target, err)
}

// readCapped reads the body to its end, failing with ErrBadResponse past
// the cap (at once when the Content-Length says so).
func (p *poster) readCapped(resp *http.Response) ([]byte, error) {
	if resp.ContentLength > p.maxBody {
		return nil, fmt.Errorf("%w: body of %d bytes, limit %d", ErrBadResponse, resp.ContentLength, p.maxBody)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, p.maxBody+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > p.maxBody {
		return nil, fmt.Errorf("%w: body over %d bytes", ErrBadResponse, p.maxBody)
	}
	return data, nil
}

// transientStatus reports whether an HTTP status means "try again later":
// 408, 425, 429 and every 5xx.
func transientStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusTooEarly, http.StatusTooManyRequests:
		return true
	}
	return code >= 500 && code <= 599
}
