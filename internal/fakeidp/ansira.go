package fakeidp

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Paths and defaults of the Ansira server.
const (
	AnsiraTokenPath = "/oauth/token"
	AnsiraJWKSPath  = "/.well-known/jwks.json"
	AnsiraPEMPath   = "/pubkey.pem"

	// DefaultAnsiraClientID and DefaultAnsiraClientSecret are the
	// credentials the token endpoint accepts.
	DefaultAnsiraClientID     = "partner-client"
	DefaultAnsiraClientSecret = "partner-secret"
	// DefaultAnsiraAudience is the aud of the tokens.
	DefaultAnsiraAudience = "partner-api"
)

// DefaultAnsiraScopes are the scopes of a token when none is asked for.
var DefaultAnsiraScopes = []string{"campaigns:read", "assets:read"}

// AnsiraOptions configure an Ansira server. The zero value is ready to use.
type AnsiraOptions struct {
	// Issuer is the iss of the tokens. If "", the server's URL.
	Issuer string
	// Audience is the aud of the tokens. If "", DefaultAnsiraAudience.
	Audience string
	// Now is the server's clock. If nil, time.Now.
	Now func() time.Time
	// TokenTTL is the lifetime of the tokens. If zero, one hour.
	TokenTTL time.Duration
}

// Ansira is a fake OAuth 2.0 authorization server in the manner of Ansira
// (SproutLoud). Its methods are safe for concurrent use.
type Ansira struct {
	// URL is the server's base URL.
	URL string
	// Issuer is the iss of its tokens.
	Issuer string
	// TokenURL, JWKSURL and PEMURL are its endpoints.
	TokenURL, JWKSURL, PEMURL string

	opts    AnsiraOptions
	now     func() time.Time
	key     *rsaKey
	srv     *httptest.Server
	fetches atomic.Int64
}

// NewAnsira starts an Ansira server on a loopback port; t's cleanup closes
// it.
func NewAnsira(t testing.TB, opts AnsiraOptions) *Ansira {
	t.Helper()
	a, err := StartAnsira(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

// StartAnsira starts an Ansira server on a loopback port. The caller must
// Close it.
func StartAnsira(opts AnsiraOptions) (*Ansira, error) {
	if opts.Audience == "" {
		opts.Audience = DefaultAnsiraAudience
	}
	if opts.TokenTTL == 0 {
		opts.TokenTTL = time.Hour
	}
	k, err := newRSAKey("ansira")
	if err != nil {
		return nil, err
	}
	a := &Ansira{opts: opts, now: clock(opts.Now), key: k}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+AnsiraTokenPath, a.token)
	mux.HandleFunc("GET "+AnsiraJWKSPath, func(w http.ResponseWriter, _ *http.Request) {
		a.fetches.Add(1)
		writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]any{a.key.jwk("sig")}})
	})
	mux.HandleFunc("GET "+AnsiraPEMPath, func(w http.ResponseWriter, _ *http.Request) {
		a.fetches.Add(1)
		w.Header().Set("Content-Type", "application/x-pem-file")
		_, _ = w.Write(a.key.pem())
	})
	a.srv = httptest.NewServer(mux)
	a.URL = a.srv.URL
	a.Issuer = opts.Issuer
	if a.Issuer == "" {
		a.Issuer = a.URL
	}
	a.TokenURL, a.JWKSURL, a.PEMURL = a.URL+AnsiraTokenPath, a.URL+AnsiraJWKSPath, a.URL+AnsiraPEMPath
	return a, nil
}

// Close stops the server.
func (a *Ansira) Close() { a.srv.Close() }

// Fetches returns how many requests reached the JWK Set or the PEM key.
func (a *Ansira) Fetches() int { return int(a.fetches.Load()) }

// Claims returns the claims of a token for the default client: iss, sub
// and client_id, aud, the scopes as one comma-separated string, iat, exp
// and jti.
func (a *Ansira) Claims(scopes ...string) Claims {
	if len(scopes) == 0 {
		scopes = DefaultAnsiraScopes
	}
	now := a.now().Truncate(time.Second)
	return Claims{
		"iss":       a.Issuer,
		"sub":       DefaultAnsiraClientID,
		"client_id": DefaultAnsiraClientID,
		"aud":       a.opts.Audience,
		"scope":     strings.Join(scopes, ","),
		"iat":       now.Unix(),
		"exp":       now.Add(a.opts.TokenTTL).Unix(),
		"jti":       randomUUID(),
	}
}

// Token returns a token (header {"alg":"RS256","typ":"JWT","kid":...})
// with Claims() changed by over.
func (a *Ansira) Token(over Claims) string {
	return signRS256(a.key.priv, map[string]any{"alg": "RS256", "typ": "JWT", "kid": a.key.kid}, a.Claims().apply(over))
}

// token is the client_credentials token endpoint: the client authenticates
// with HTTP Basic or client_id and client_secret in the form; scope (comma-
// or space-separated) chooses the scopes, DefaultAnsiraScopes if absent.
func (a *Ansira) token(w http.ResponseWriter, req *http.Request) {
	if err := req.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "malformed form")
		return
	}
	id, secret, ok := req.BasicAuth()
	if !ok {
		id, secret = req.PostForm.Get("client_id"), req.PostForm.Get("client_secret")
	}
	if id != DefaultAnsiraClientID || secret != DefaultAnsiraClientSecret {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	if req.PostForm.Get("grant_type") != "client_credentials" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "only client_credentials")
		return
	}
	scopes := strings.FieldsFunc(req.PostForm.Get("scope"), func(r rune) bool { return r == ',' || r == ' ' })
	c := a.Claims(scopes...)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": a.Token(c),
		"token_type":   "Bearer",
		"expires_in":   int(a.opts.TokenTTL / time.Second),
		"scope":        c["scope"],
	})
}
