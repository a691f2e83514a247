package dpopclient

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/jwtguard/jwtguard/dpop"
)

// Client holds a DPoP key (ES256) and the last server nonce of each
// origin.
type Client struct {
	// Key signs the proofs.
	Key *ecdsa.PrivateKey
	// HTTP sends the requests. If nil, http.DefaultClient.
	HTTP *http.Client
	// PublicURL, when set, replaces the scheme and host of the API URLs in
	// the proofs' htu: the address clients use when the API sits behind a
	// load balancer (the example server's -public-url).
	PublicURL string

	mu     sync.Mutex
	nonces map[string]string // by scheme://host
}

// New returns a Client with a fresh P-256 key.
func New() (*Client, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	return &Client{Key: key}, nil
}

// Thumbprint returns the RFC 7638 thumbprint of the client's key: the
// cnf.jkt of the tokens bound to it.
func (c *Client) Thumbprint() string {
	jkt, _ := dpop.Thumbprint(c.Key.Public())
	return jkt
}

// Token is a token endpoint's answer.
type Token struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

// Response is an API's answer.
type Response struct {
	Status int
	Header http.Header
	Body   string
	// Proof is the DPoP proof the request carried ("" for none).
	Proof string
}

func (c *Client) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

// Token posts form to tokenURL with a DPoP proof and returns the token.
func (c *Client) Token(ctx context.Context, tokenURL string, form url.Values) (Token, error) {
	var tok Token
	resp, err := c.withNonce(ctx, http.MethodPost, tokenURL, false, "", func(proof string) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("DPoP", proof)
		return req, nil
	})
	if err != nil {
		return tok, err
	}
	if resp.Status != http.StatusOK {
		return tok, fmt.Errorf("token endpoint answered %d: %s", resp.Status, strings.TrimSpace(resp.Body))
	}
	if err := json.Unmarshal([]byte(resp.Body), &tok); err != nil {
		return tok, fmt.Errorf("token endpoint: %w", err)
	}
	return tok, nil
}

// Get calls apiURL with "Authorization: DPoP token" and a fresh proof.
func (c *Client) Get(ctx context.Context, apiURL, token string) (*Response, error) {
	return c.withNonce(ctx, http.MethodGet, apiURL, true, token, func(proof string) (*http.Request, error) {
		return c.NewRequest(ctx, apiURL, "DPoP", token, proof)
	})
}

// NewRequest returns GET apiURL with "Authorization: scheme token" and,
// when proof is not empty, a DPoP header.
func (c *Client) NewRequest(ctx context.Context, apiURL, scheme, token, proof string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, apiURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", scheme+" "+token)
	if proof != "" {
		req.Header.Set("DPoP", proof)
	}
	return req, nil
}

// Proof returns a fresh proof for method and target, with the server
// nonce last seen for its origin. api says that target is an API URL,
// whose origin PublicURL replaces.
func (c *Client) Proof(method, target string, api bool, token string) (string, error) {
	htu, origin, err := c.htu(target, api)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	nonce := c.nonces[origin]
	c.mu.Unlock()
	return dpop.NewProof(c.Key, method, htu, token, nonce)
}

// htu returns the proof's htu for target, and its origin.
func (c *Client) htu(target string, api bool) (string, string, error) {
	u, err := url.Parse(target)
	if err != nil {
		return "", "", err
	}
	if c.PublicURL != "" && api {
		p, err := url.Parse(c.PublicURL)
		if err != nil {
			return "", "", err
		}
		u.Scheme, u.Host = p.Scheme, p.Host
	}
	return u.String(), u.Scheme + "://" + u.Host, nil
}

// Send sends req and reads the answer.
func (c *Client) Send(req *http.Request) (*Response, error) {
	resp, err := c.http().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: string(b), Proof: req.Header.Get("DPoP")}, nil
}

// withNonce sends the request build makes with a fresh proof. It keeps
// the nonce of any DPoP-Nonce header for the next proofs, and when the
// server answers use_dpop_nonce (RFC 9449 section 8) it tries once more
// with a new proof carrying it.
func (c *Client) withNonce(ctx context.Context, method, target string, api bool, token string, build func(proof string) (*http.Request, error)) (*Response, error) {
	for attempt := 0; ; attempt++ {
		proof, err := c.Proof(method, target, api, token)
		if err != nil {
			return nil, err
		}
		req, err := build(proof)
		if err != nil {
			return nil, err
		}
		resp, err := c.Send(req)
		if err != nil {
			return nil, err
		}
		nonce := resp.Header.Get("DPoP-Nonce")
		if nonce == "" {
			return resp, nil
		}
		// A nonce on any answer is the one to use next (section 8.2).
		_, origin, _ := c.htu(target, api)
		c.mu.Lock()
		if c.nonces == nil {
			c.nonces = map[string]string{}
		}
		c.nonces[origin] = nonce
		c.mu.Unlock()
		if attempt > 0 || !strings.Contains(resp.Body+strings.Join(resp.Header.Values("WWW-Authenticate"), " "), "use_dpop_nonce") {
			return resp, nil
		}
	}
}
