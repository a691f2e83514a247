package fakeidp

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Defaults of ErplyOptions.
const (
	// ErplyPEMPath is the path of the public key, as at
	// https://id.erply.com/jwt/pubkey.pem.
	ErplyPEMPath = "/jwt/pubkey.pem"
	// DefaultErplyAccount is the account (client code) of the tokens.
	DefaultErplyAccount = "104553"
	// DefaultErplyUsername is the user of the tokens.
	DefaultErplyUsername = "cashier1"
)

// ErplyOptions configure an Erply server. The zero value is ready to use.
type ErplyOptions struct {
	// Issuer is the iss of the tokens. If "", they carry none: Erply does
	// not document its iss.
	Issuer string
	// Account is the account (client code) of the tokens. If "",
	// DefaultErplyAccount.
	Account string
	// Now is the server's clock. If nil, time.Now.
	Now func() time.Time
	// TokenTTL is the lifetime of the tokens. If zero, one hour.
	TokenTTL time.Duration
}

// Erply is a fake of Erply's key host and token signer. Its methods are
// safe for concurrent use.
type Erply struct {
	// URL is the server's base URL.
	URL string
	// PEMURL is the public key's URL: URL + ErplyPEMPath.
	PEMURL string

	opts    ErplyOptions
	now     func() time.Time
	srv     *httptest.Server
	fetches atomic.Int64

	mu       sync.Mutex
	key      *rsaKey
	old      *rsaKey // still published after Rotate(true)
	pemBytes []byte
}

// NewErply starts an Erply server on a loopback port; t's cleanup closes
// it.
func NewErply(t testing.TB, opts ErplyOptions) *Erply {
	t.Helper()
	e, err := StartErply(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

// StartErply starts an Erply server on a loopback port. The caller must
// Close it.
func StartErply(opts ErplyOptions) (*Erply, error) {
	if opts.Account == "" {
		opts.Account = DefaultErplyAccount
	}
	if opts.TokenTTL == 0 {
		opts.TokenTTL = time.Hour
	}
	k, err := newRSAKey("erply")
	if err != nil {
		return nil, err
	}
	e := &Erply{opts: opts, now: clock(opts.Now), key: k, pemBytes: k.pem()}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+ErplyPEMPath, e.servePEM)
	e.srv = httptest.NewServer(mux)
	e.URL = e.srv.URL
	e.PEMURL = e.URL + ErplyPEMPath
	return e, nil
}

// Close stops the server.
func (e *Erply) Close() { e.srv.Close() }

// Fetches returns how many requests reached the public key.
func (e *Erply) Fetches() int { return int(e.fetches.Load()) }

// Rotate replaces the signing key. With keepOld the previous public key
// stays in the PEM document, after the new one; without it, it is gone at
// once.
func (e *Erply) Rotate(keepOld bool) error {
	k, err := newRSAKey("erply")
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.old = nil
	if keepOld {
		e.old = e.key
	}
	e.key = k
	e.pemBytes = k.pem()
	if e.old != nil {
		e.pemBytes = append(e.pemBytes, e.old.pem()...)
	}
	return nil
}

func (e *Erply) servePEM(w http.ResponseWriter, _ *http.Request) {
	e.fetches.Add(1)
	e.mu.Lock()
	body := e.pemBytes
	e.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-pem-file")
	_, _ = w.Write(body)
}

// Claims returns the claims of a token under the ASSUMED names
// (clientCode, username, permissions), with exp, iat and, when the
// options name one, iss.
func (e *Erply) Claims() Claims {
	now := e.now().Truncate(time.Second)
	c := Claims{
		"clientCode":  e.opts.Account,
		"username":    DefaultErplyUsername,
		"permissions": []string{"pos_sale", "pos_refund", "reports_view"},
		"sub":         "6",
		"iat":         now.Unix(),
		"exp":         now.Add(e.opts.TokenTTL).Unix(),
	}
	if e.opts.Issuer != "" {
		c["iss"] = e.opts.Issuer
	}
	return c
}

// Token returns a token signed with the current key, header
// {"alg":"RS256","typ":"JWT"} (no kid), with Claims changed by over.
func (e *Erply) Token(over Claims) string {
	e.mu.Lock()
	k := e.key
	e.mu.Unlock()
	return signRS256(k.priv, map[string]any{"alg": "RS256", "typ": "JWT"}, e.Claims().apply(over))
}
