package main

import (
	"cmp"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/jwtguard/jwtguard/dpop"
)

// demoAudience is the aud of the demo issuer's tokens, which the API
// checks in demo mode.
const demoAudience = "demo-api"

// demoClient is the azp of the demo issuer's tokens.
const demoClient = "jwtguard-demo"

// Paths the demo issuer serves.
const (
	discoveryPath = "/.well-known/openid-configuration"
	jwksPath      = "/jwks.json"
	pemPath       = "/pubkey.pem"
	tokenPath     = "/token"
	logoutPath    = "/logout"
)

// issuer is a DEMO token issuer: it signs a token for anyone who asks, so
// it must only ever listen on loopback. It mimics the shape of Keycloak's
// access tokens (typ, azp, scope, realm_access) so the API's checks have
// something real to read.
type issuer struct {
	url string // "http://127.0.0.1:8081", no trailing slash
	key *rsa.PrivateKey
	kid string
	now func() time.Time
	// proofs checks the DPoP proofs sent to the token endpoint (htm POST,
	// htu the token endpoint's URL).
	proofs *dpop.Checker

	// Where POST /logout delivers logout tokens (the API's back-channel
	// logout URL) and their aud; set by logoutTo before the issuer serves.
	backchannel string
	logoutAud   string
	client      *http.Client
}

// newIssuer makes a demo issuer with a fresh RSA key, answering as url.
func newIssuer(url string) (*issuer, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("demo issuer: generating its key: %w", err)
	}
	sum := sha256.Sum256(key.N.Bytes())
	proofs, err := dpop.New(dpop.Config{ExternalBaseURL: url})
	if err != nil {
		return nil, fmt.Errorf("demo issuer: %w", err)
	}
	return &issuer{url: url, key: key, kid: "demo-" + hex.EncodeToString(sum[:6]), now: time.Now, proofs: proofs}, nil
}

// checkLoopback refuses a listen address, given by flag, that is not a
// loopback IP or "localhost": in demo mode the issuer hands out tokens to
// anyone who can reach it, and the API trusts them.
func checkLoopback(flag, addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%s %q: %w", flag, addr, err)
	}
	if isLoopbackHost(host) {
		return nil
	}
	return fmt.Errorf("%s %q: in demo mode the issuer signs tokens for anyone, so the demo listens on loopback only (127.0.0.1, ::1 or localhost); protect the API with a real issuer (-oidc, -jwks, -pem or -profile) to listen elsewhere", flag, addr)
}

func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ServeHTTP serves discovery, the keys as JWKS and PEM, the token endpoint
// and a notice at "/".
func (is *issuer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Demo-Issuer", "jwtguard demo issuer: not for production")
	// A page in a browser could reach this loopback server through a DNS
	// name it controls (DNS rebinding); such a request names that host.
	host := r.Host
	if h, _, err := net.SplitHostPort(r.Host); err == nil {
		host = h
	}
	if !isLoopbackHost(strings.Trim(host, "[]")) {
		http.Error(w, "the demo issuer answers requests for loopback host names only", http.StatusMisdirectedRequest)
		return
	}
	switch r.URL.Path {
	case discoveryPath:
		is.discovery(w, r)
	case jwksPath:
		is.jwks(w, r)
	case pemPath:
		is.pem(w, r)
	case tokenPath:
		is.token(w, r)
	case logoutPath:
		is.logout(w, r)
	case "/":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "jwtguard DEMO issuer (not for production): it signs a token for anyone on this machine.\n\n"+
			"  discovery  %[1]s%[2]s\n  JWKS       %[1]s%[3]s\n  PEM        %[1]s%[4]s\n  tokens     POST %[1]s%[5]s  (form: sub, sid, scope, roles, ttl; with a DPoP proof header: a DPoP-bound token)\n  logout     POST %[1]s%[6]s  (form: sid or sub; sends a logout token to the API)\n",
			is.url, discoveryPath, jwksPath, pemPath, tokenPath, logoutPath)
	default:
		http.NotFound(w, r)
	}
}

func onlyGet(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (is *issuer) discovery(w http.ResponseWriter, r *http.Request) {
	if !onlyGet(w, r) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                is.url,
		"jwks_uri":                              is.url + jwksPath,
		"token_endpoint":                        is.url + tokenPath,
		"response_types_supported":              []string{"token"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"grant_types_supported":                 []string{"client_credentials"},
	})
}

func (is *issuer) jwks(w http.ResponseWriter, r *http.Request) {
	if !onlyGet(w, r) {
		return
	}
	pub := &is.key.PublicKey
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{{
		"kty": "RSA",
		"kid": is.kid,
		"use": "sig",
		"alg": "RS256",
		"n":   base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e":   base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}})
}

func (is *issuer) pem(w http.ResponseWriter, r *http.Request) {
	if !onlyGet(w, r) {
		return
	}
	der, err := x509.MarshalPKIXPublicKey(&is.key.PublicKey)
	if err != nil {
		http.Error(w, "cannot encode the key", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	_ = pem.Encode(w, &pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// mint signs an access token; see tokenRequest for the fields.
func (is *issuer) mint(req tokenRequest) (string, error) {
	now := is.now().Truncate(time.Second)
	claims := map[string]any{
		"iss":                is.url,
		"sub":                req.sub,
		"aud":                demoAudience,
		"azp":                demoClient,
		"typ":                accessType(req.jkt),
		"iat":                now.Unix(),
		"exp":                now.Add(req.ttl).Unix(),
		"jti":                randomID(),
		"sid":                cmp.Or(req.sid, randomID()),
		"preferred_username": req.sub,
		"realm_access":       map[string]any{"roles": req.roles},
	}
	if len(req.scopes) > 0 {
		claims["scope"] = strings.Join(req.scopes, " ")
	}
	if req.jkt != "" {
		// Bound to the key of the proof sent to the token endpoint (RFC
		// 9449 section 6.1).
		claims["cnf"] = map[string]string{"jkt": req.jkt}
	}
	header := map[string]string{"alg": "RS256", "typ": "JWT", "kid": is.kid}
	return signRS256(is.key, header, claims)
}

// signRS256 makes a compact JWS: base64url(header) "." base64url(claims)
// "." base64url(RSASSA-PKCS1-v1_5 SHA-256 signature).
func signRS256(key *rsa.PrivateKey, header, claims any) (string, error) {
	h, err := json.Marshal(header)
	if err != nil {
		return "", err
	}
	c, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest[:])
	if err != nil {
		return "", err
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// accessType is the typ claim of an access token, as Keycloak sets it:
// "DPoP" for a token bound to a DPoP key, "Bearer" otherwise.
func accessType(jkt string) string {
	if jkt != "" {
		return "DPoP"
	}
	return "Bearer"
}

func randomID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
