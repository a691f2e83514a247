package fakeidp

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Defaults of RealmOptions, after e-Attestations' realm.
const (
	// DefaultRealm is the realm name.
	DefaultRealm = "eat_realm"
	// DefaultClientID is the client the realm's tokens are issued to
	// (their azp).
	DefaultClientID = "ea-api-edge"
	// DefaultAccountIDs is the account_ids claim of the realm's access
	// tokens, as in e-Attestations' sample token.
	DefaultAccountIDs = "118466"
	// DefaultTokenTTL is the lifetime of access and ID tokens, Keycloak's
	// default access token lifespan.
	DefaultTokenTTL = 5 * time.Minute
	// DefaultRefreshTTL is the lifetime of refresh tokens, Keycloak's
	// default SSO session idle timeout.
	DefaultRefreshTTL = 30 * time.Minute
)

// Paths under a realm's URL.
const (
	DiscoveryPath = "/.well-known/openid-configuration"
	CertsPath     = "/protocol/openid-connect/certs"
	TokenPath     = "/protocol/openid-connect/token"
)

// RealmOptions configure a Realm. The zero value gives e-Attestations'
// realm under the Keycloak 17+ path.
type RealmOptions struct {
	// Realm is the realm's name. If "", DefaultRealm.
	Realm string
	// Legacy serves the realm under /auth/realms/{realm}, the path of
	// Keycloak before version 17 (and of later versions started with
	// --http-relative-path=/auth). If false, /realms/{realm}.
	Legacy bool
	// Issuer, when set, is the issuer the realm announces in discovery
	// and puts in its tokens instead of its own loopback URL: the public
	// URL of a Keycloak that a service reaches by an internal address.
	// jwks_uri is then under Issuer too.
	Issuer string
	// ClientID is the azp of the tokens. If "", DefaultClientID.
	ClientID string
	// Now is the realm's clock. If nil, time.Now.
	Now func() time.Time
}

// Realm is a fake Keycloak realm. Its methods are safe for concurrent use.
type Realm struct {
	// URL is the realm's loopback URL, e.g.
	// "http://127.0.0.1:41234/realms/eat_realm", where its documents are
	// served.
	URL string
	// Issuer is the issuer the realm announces and signs: URL, or
	// RealmOptions.Issuer.
	Issuer string
	// ClientID is the azp of its tokens.
	ClientID string

	name   string
	path   string
	now    func() time.Time
	srv    *httptest.Server
	hmac   []byte
	hmacID string

	mu     sync.Mutex
	keys   []*rsaKey // published signing keys, active last
	down   bool
	counts struct{ discovery, certs, token atomic.Int64 }
}

// NewRealm starts a Realm on a loopback port; t's cleanup closes it.
func NewRealm(t testing.TB, opts RealmOptions) *Realm {
	t.Helper()
	r, err := StartRealm(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

// StartRealm starts a Realm on a loopback port. The caller must Close it.
func StartRealm(opts RealmOptions) (*Realm, error) {
	r := &Realm{name: opts.Realm, ClientID: opts.ClientID, now: clock(opts.Now)}
	if r.name == "" {
		r.name = DefaultRealm
	}
	if r.ClientID == "" {
		r.ClientID = DefaultClientID
	}
	r.path = "/realms/" + r.name
	if opts.Legacy {
		r.path = "/auth" + r.path
	}
	if _, err := encKey(); err != nil {
		return nil, err
	}
	k, err := newRSAKey(r.name)
	if err != nil {
		return nil, err
	}
	r.keys = []*rsaKey{k}
	r.hmac = []byte(randomKID(32))
	r.hmacID = randomUUID()
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	r.URL = r.srv.URL + r.path
	r.Issuer = r.URL
	if opts.Issuer != "" {
		r.Issuer = strings.TrimSuffix(opts.Issuer, "/")
	}
	return r, nil
}

// Close stops the server.
func (r *Realm) Close() { r.srv.Close() }

// Name returns the realm's name.
func (r *Realm) Name() string { return r.name }

// Rotate makes a new signing key the active one and returns its kid. The
// previous keys stay published (Keycloak's passive keys) until Retire.
func (r *Realm) Rotate() (string, error) {
	k, err := newRSAKey(r.name)
	if err != nil {
		return "", err
	}
	r.mu.Lock()
	r.keys = append(r.keys, k)
	r.mu.Unlock()
	return k.kid, nil
}

// Retire stops publishing the signing key kid. The active key cannot be
// retired; Retire reports whether a key was removed.
func (r *Realm) Retire(kid string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, k := range r.keys[:len(r.keys)-1] {
		if k.kid == kid {
			r.keys = append(r.keys[:i], r.keys[i+1:]...)
			return true
		}
	}
	return false
}

// KeyID returns the kid of the active signing key.
func (r *Realm) KeyID() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.keys[len(r.keys)-1].kid
}

// SetDown makes every request answer 503 (down) or normally again.
func (r *Realm) SetDown(down bool) {
	r.mu.Lock()
	r.down = down
	r.mu.Unlock()
}

// Fetches returns how many requests reached the discovery document and
// the JWK Set.
func (r *Realm) Fetches() int {
	return int(r.counts.discovery.Load() + r.counts.certs.Load())
}

// active returns the active signing key.
func (r *Realm) active() *rsaKey {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.keys[len(r.keys)-1]
}

func (r *Realm) serve(w http.ResponseWriter, req *http.Request) {
	rest, ok := strings.CutPrefix(req.URL.Path, r.path)
	if !ok {
		http.NotFound(w, req)
		return
	}
	r.mu.Lock()
	down := r.down
	r.mu.Unlock()
	if down {
		http.Error(w, "realm down", http.StatusServiceUnavailable)
		return
	}
	switch rest {
	case DiscoveryPath:
		r.counts.discovery.Add(1)
		if onlyMethod(w, req, http.MethodGet) {
			r.discovery(w)
		}
	case CertsPath:
		r.counts.certs.Add(1)
		if onlyMethod(w, req, http.MethodGet) {
			r.certs(w)
		}
	case TokenPath:
		r.counts.token.Add(1)
		if onlyMethod(w, req, http.MethodPost) {
			r.token(w, req)
		}
	default:
		http.NotFound(w, req)
	}
}

// onlyMethod answers 405 unless req uses method (or HEAD for GET).
func onlyMethod(w http.ResponseWriter, req *http.Request, method string) bool {
	if req.Method == method || (method == http.MethodGet && req.Method == http.MethodHead) {
		return true
	}
	w.Header().Set("Allow", method)
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return false
}

// discovery answers the realm's OpenID Provider metadata, with the members
// Keycloak publishes that a resource server may read.
func (r *Realm) discovery(w http.ResponseWriter) {
	oidc := r.Issuer + "/protocol/openid-connect"
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                r.Issuer,
		"authorization_endpoint":                oidc + "/auth",
		"token_endpoint":                        oidc + "/token",
		"introspection_endpoint":                oidc + "/token/introspect",
		"userinfo_endpoint":                     oidc + "/userinfo",
		"end_session_endpoint":                  oidc + "/logout",
		"jwks_uri":                              r.Issuer + CertsPath,
		"grant_types_supported":                 []string{"authorization_code", "implicit", "refresh_token", "password", "client_credentials"},
		"response_types_supported":              []string{"code", "none", "id_token", "token", "id_token token", "code id_token", "code token", "code id_token token"},
		"subject_types_supported":               []string{"public", "pairwise"},
		"id_token_signing_alg_values_supported": []string{"PS384", "ES384", "RS384", "HS256", "HS512", "ES256", "RS256", "HS384", "ES512", "PS256", "PS512", "RS512"},
		"scopes_supported":                      []string{"openid", "profile", "email", "roles", "web-origins", "offline_access"},
		"backchannel_logout_supported":          true,
		"backchannel_logout_session_supported":  true,
	})
}

// certs answers the JWK Set: the signing keys, then the encryption key,
// with Keycloak's "Cache-Control: no-cache".
func (r *Realm) certs(w http.ResponseWriter) {
	enc, _ := encKey()
	r.mu.Lock()
	keys := make([]map[string]any, 0, len(r.keys)+1)
	for _, k := range r.keys {
		keys = append(keys, k.jwk("sig"))
	}
	r.mu.Unlock()
	keys = append(keys, enc.jwk("enc"))
	w.Header().Set("Cache-Control", "no-cache")
	writeJSON(w, http.StatusOK, map[string]any{"keys": keys})
}
