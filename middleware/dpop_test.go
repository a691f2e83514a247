package middleware_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/verify"
)

// dpopURL is the external base URL of the API in the DPoP tests.
const (
	dpopBase = "https://api.example.com"
	dpopPath = "/api/me"
	dpopURL  = dpopBase + dpopPath
)

// dpopFixture is a real verifier, a client key, a token bound to it and
// a checker on the verifier's clock.
type dpopFixture struct {
	rv     realVerifier
	key    *ecdsa.PrivateKey
	jkt    string
	bound  string // a token with cnf.jkt = jkt
	plain  string // an unbound token
	secret []byte // nonce secret
}

func newDPoPFixture(t *testing.T) *dpopFixture {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	jkt, err := dpop.Thumbprint(key.Public())
	require.NoError(t, err)
	rv := newRealVerifier(t)
	return &dpopFixture{
		rv:     rv,
		key:    key,
		jkt:    jkt,
		bound:  rv.sign(t, time.Hour, map[string]any{"cnf": map[string]any{"jkt": jkt}}),
		plain:  rv.sign(t, time.Hour, nil),
		secret: []byte(strings.Repeat("s", 32)),
	}
}

// checker returns a Checker on the fixture's clock with cfg's other fields.
func (f *dpopFixture) checker(t *testing.T, cfg dpop.Config) *dpop.Checker {
	t.Helper()
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return f.rv.now }
	}
	if cfg.ExternalBaseURL == "" {
		cfg.ExternalBaseURL = dpopBase
	}
	cfg.DeferReplay = true
	c, err := dpop.New(cfg)
	require.NoError(t, err)
	return c
}

func (f *dpopFixture) handler(t *testing.T, mode middleware.DPoPMode, c *dpop.Checker) http.Handler {
	t.Helper()
	return mustNew(t, middleware.Config[claims.Keycloak]{
		Verifier: f.rv.v,
		DPoP:     middleware.DPoPConfig{Mode: mode, Checker: c},
	}).Handler(echo(keycloakSub))
}

// proofClaims returns valid proof claims for GET dpopURL with token.
func (f *dpopFixture) proofClaims(token string) map[string]any {
	return map[string]any{
		"jti": randomJTI(),
		"htm": http.MethodGet,
		"htu": dpopURL,
		"iat": f.rv.now.Unix(),
		"ath": dpop.ATH(token),
	}
}

// proof signs claims with the fixture's key, changed by edit.
func (f *dpopFixture) proof(t *testing.T, token string, edit func(h, c map[string]any)) string {
	t.Helper()
	h := map[string]any{"typ": "dpop+jwt", "jwk": testkeys.JWK(t, "", "", f.key)}
	c := f.proofClaims(token)
	if edit != nil {
		edit(h, c)
	}
	return testkeys.SignClaims(t, "ES256", f.key, h, c)
}

func randomJTI() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// dpopRequest returns GET dpopURL with "Authorization: <scheme> token" and
// the proofs.
func dpopRequest(scheme, token string, proofs ...string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "http://10.0.0.7:8080"+dpopPath, nil)
	if token != "" {
		r.Header.Set("Authorization", scheme+" "+token)
	}
	for _, p := range proofs {
		r.Header.Add("DPoP", p)
	}
	return r
}

// TestDPoPAttacks is the attack table: each request is refused with its
// exact status, error code, reason and challenge scheme.
func TestDPoPAttacks(t *testing.T) {
	f := newDPoPFixture(t)
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)

	type tc struct {
		name     string
		mode     middleware.DPoPMode
		nonces   bool
		req      func(t *testing.T) *http.Request
		status   int
		code     string
		reason   string
		sentinel error
		scheme   string // the challenge carrying the error
	}
	cases := []tc{
		{
			name: "proof for another method",
			req: func(t *testing.T) *http.Request {
				return dpopRequest("DPoP", f.bound, f.proof(t, f.bound, func(_, c map[string]any) { c["htm"] = "POST" }))
			},
			status: 401, code: middleware.CodeInvalidDPoPProof, reason: "dpop_htm", sentinel: dpop.ErrHTM, scheme: "DPoP",
		},
		{
			name: "proof for another URL",
			req: func(t *testing.T) *http.Request {
				return dpopRequest("DPoP", f.bound, f.proof(t, f.bound, func(_, c map[string]any) { c["htu"] = dpopBase + "/api/admin" }))
			},
			status: 401, code: middleware.CodeInvalidDPoPProof, reason: "dpop_htu", sentinel: dpop.ErrHTU, scheme: "DPoP",
		},
		{
			name: "proof for another host",
			req: func(t *testing.T) *http.Request {
				return dpopRequest("DPoP", f.bound, f.proof(t, f.bound, func(_, c map[string]any) { c["htu"] = "https://evil.example.com" + dpopPath }))
			},
			status: 401, code: middleware.CodeInvalidDPoPProof, reason: "dpop_htu", sentinel: dpop.ErrHTU, scheme: "DPoP",
		},
		{
			name: "query string in the request does not make a proof for another path pass",
			req: func(t *testing.T) *http.Request {
				r := dpopRequest("DPoP", f.bound, f.proof(t, f.bound, func(_, c map[string]any) { c["htu"] = dpopBase + "/api/me/other?x=1" }))
				r.URL.RawQuery = "x=1"
				return r
			},
			status: 401, code: middleware.CodeInvalidDPoPProof, reason: "dpop_htu", sentinel: dpop.ErrHTU, scheme: "DPoP",
		},
		{
			name: "proof signed by a key other than cnf.jkt",
			req: func(t *testing.T) *http.Request {
				h := map[string]any{"typ": "dpop+jwt", "jwk": testkeys.JWK(t, "", "", other)}
				return dpopRequest("DPoP", f.bound, testkeys.SignClaims(t, "ES256", other, h, f.proofClaims(f.bound)))
			},
			status: 401, code: middleware.CodeInvalidToken, reason: verify.ReasonBinding, sentinel: verify.ErrBinding, scheme: "DPoP",
		},
		{
			name: "HS256 proof",
			req: func(t *testing.T) *http.Request {
				h := map[string]any{"typ": "dpop+jwt", "jwk": testkeys.JWK(t, "", "", f.key)}
				return dpopRequest("DPoP", f.bound, testkeys.SignClaims(t, "HS256", testkeys.HMAC(t), h, f.proofClaims(f.bound)))
			},
			status: 401, code: middleware.CodeInvalidDPoPProof, reason: "dpop_algorithm", sentinel: dpop.ErrAlgorithm, scheme: "DPoP",
		},
		{
			name: "proof with a private key in jwk",
			req: func(t *testing.T) *http.Request {
				return dpopRequest("DPoP", f.bound, f.proof(t, f.bound, func(h, _ map[string]any) {
					jwk := testkeys.JWK(t, "", "", f.key)
					jwk["d"] = "AAAA"
					h["jwk"] = jwk
				}))
			},
			status: 401, code: middleware.CodeInvalidDPoPProof, reason: "dpop_private_key", sentinel: dpop.ErrPrivateKey, scheme: "DPoP",
		},
		{
			name: "iat too old",
			req: func(t *testing.T) *http.Request {
				return dpopRequest("DPoP", f.bound, f.proof(t, f.bound, func(_, c map[string]any) { c["iat"] = f.rv.now.Add(-61 * time.Second).Unix() }))
			},
			status: 401, code: middleware.CodeInvalidDPoPProof, reason: "dpop_iat", sentinel: dpop.ErrIAT, scheme: "DPoP",
		},
		{
			name: "iat in the future",
			req: func(t *testing.T) *http.Request {
				return dpopRequest("DPoP", f.bound, f.proof(t, f.bound, func(_, c map[string]any) { c["iat"] = f.rv.now.Add(61 * time.Second).Unix() }))
			},
			status: 401, code: middleware.CodeInvalidDPoPProof, reason: "dpop_iat", sentinel: dpop.ErrIAT, scheme: "DPoP",
		},
		{
			name: "missing ath",
			req: func(t *testing.T) *http.Request {
				return dpopRequest("DPoP", f.bound, f.proof(t, f.bound, func(_, c map[string]any) { delete(c, "ath") }))
			},
			status: 401, code: middleware.CodeInvalidDPoPProof, reason: "dpop_ath", sentinel: dpop.ErrATH, scheme: "DPoP",
		},
		{
			name: "ath of another token",
			req: func(t *testing.T) *http.Request {
				return dpopRequest("DPoP", f.bound, f.proof(t, f.plain, nil))
			},
			status: 401, code: middleware.CodeInvalidDPoPProof, reason: "dpop_ath", sentinel: dpop.ErrATH, scheme: "DPoP",
		},
		{
			name: "two DPoP headers",
			req: func(t *testing.T) *http.Request {
				return dpopRequest("DPoP", f.bound, f.proof(t, f.bound, nil), f.proof(t, f.bound, nil))
			},
			status: 401, code: middleware.CodeInvalidDPoPProof, reason: "dpop_multiple_proofs", sentinel: dpop.ErrMultipleProofs, scheme: "DPoP",
		},
		{
			name: "DPoP scheme without a proof",
			req: func(t *testing.T) *http.Request {
				return dpopRequest("DPoP", f.bound)
			},
			status: 401, code: middleware.CodeInvalidDPoPProof, reason: "dpop_missing_proof", sentinel: dpop.ErrMissing, scheme: "DPoP",
		},
		{
			name: "bound token as Bearer",
			req: func(t *testing.T) *http.Request {
				return dpopRequest("Bearer", f.bound)
			},
			status: 401, code: middleware.CodeInvalidToken, reason: verify.ReasonBinding, sentinel: verify.ErrBinding, scheme: "Bearer",
		},
		{
			name: "bound token as Bearer with DPoP off",
			mode: middleware.DPoPOff,
			req: func(t *testing.T) *http.Request {
				return dpopRequest("Bearer", f.bound)
			},
			status: 401, code: middleware.CodeInvalidToken, reason: verify.ReasonBinding, sentinel: verify.ErrBinding, scheme: "Bearer",
		},
		{
			name: "bound token as Bearer with a proof",
			req: func(t *testing.T) *http.Request {
				return dpopRequest("Bearer", f.bound, f.proof(t, f.bound, nil))
			},
			status: 400, code: middleware.CodeInvalidRequest, reason: middleware.ReasonDPoPWithBearer, sentinel: middleware.ErrDPoPWithBearer, scheme: "Bearer",
		},
		{
			name: "unbound token as Bearer in required mode",
			mode: middleware.DPoPRequired,
			req: func(t *testing.T) *http.Request {
				return dpopRequest("Bearer", f.plain)
			},
			status: 401, code: middleware.CodeInvalidToken, reason: middleware.ReasonDPoPRequired, sentinel: middleware.ErrDPoPRequired, scheme: "DPoP",
		},
		{
			name: "unbound token with a proof in required mode",
			mode: middleware.DPoPRequired,
			req: func(t *testing.T) *http.Request {
				return dpopRequest("DPoP", f.plain, f.proof(t, f.plain, nil))
			},
			status: 401, code: middleware.CodeInvalidToken, reason: verify.ReasonBinding, sentinel: verify.ErrBinding, scheme: "DPoP",
		},
		{
			name: "unbound token with a proof in allowed mode",
			req: func(t *testing.T) *http.Request {
				return dpopRequest("DPoP", f.plain, f.proof(t, f.plain, nil))
			},
			status: 401, code: middleware.CodeInvalidToken, reason: verify.ReasonBinding, sentinel: verify.ErrBinding, scheme: "DPoP",
		},
		{
			name:   "nonce missing when nonces are on",
			nonces: true,
			req: func(t *testing.T) *http.Request {
				return dpopRequest("DPoP", f.bound, f.proof(t, f.bound, nil))
			},
			status: 401, code: middleware.CodeUseDPoPNonce, reason: "use_dpop_nonce", sentinel: dpop.ErrUseNonce, scheme: "DPoP",
		},
		{
			name:   "stale nonce when nonces are on",
			nonces: true,
			req: func(t *testing.T) *http.Request {
				old := f.checker(t, dpop.Config{
					Now:    func() time.Time { return f.rv.now.Add(-time.Hour) },
					Nonces: &dpop.NonceConfig{Secret: f.secret},
				}).Nonce()
				return dpopRequest("DPoP", f.bound, f.proof(t, f.bound, func(_, c map[string]any) { c["nonce"] = old }))
			},
			status: 401, code: middleware.CodeUseDPoPNonce, reason: "use_dpop_nonce", sentinel: dpop.ErrUseNonce, scheme: "DPoP",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := dpop.Config{}
			if c.nonces {
				cfg.Nonces = &dpop.NonceConfig{Secret: f.secret}
			}
			checker := f.checker(t, cfg)
			var got *middleware.Error
			h := mustNew(t, middleware.Config[claims.Keycloak]{
				Verifier: f.rv.v,
				DPoP:     middleware.DPoPConfig{Mode: c.mode, Checker: checker},
				ErrorHandler: func(w http.ResponseWriter, r *http.Request, e *middleware.Error) {
					got = e
					middleware.WriteError(w, "api", e)
				},
			}).Handler(echo(keycloakSub))
			rec := serve(h, c.req(t))
			require.Equal(t, c.status, rec.Code, rec.Body.String())
			require.NotNil(t, got)
			require.Equal(t, c.reason, got.Reason)
			require.ErrorIs(t, got, c.sentinel)
			p := problem(t, rec)
			require.Equal(t, c.code, p.Code)
			require.Equal(t, c.reason, p.Reason)
			var carrying string
			for _, v := range rec.Header().Values("WWW-Authenticate") {
				if strings.Contains(v, `error="`+c.code+`"`) {
					carrying = v
				}
			}
			require.True(t, strings.HasPrefix(carrying, c.scheme+" "), "challenges %q", rec.Header().Values("WWW-Authenticate"))
			if c.scheme == "DPoP" {
				require.Contains(t, carrying, `algs="ES256 ES384 ES512 RS256 PS256 EdDSA"`)
			}
			if c.code == middleware.CodeUseDPoPNonce {
				require.Equal(t, checker.Nonce(), rec.Header().Get("DPoP-Nonce"))
			} else {
				require.Empty(t, rec.Header().Get("DPoP-Nonce"))
			}
		})
	}
}

// TestDPoPReplaySameReplica: a proof accepted once is refused the second
// time, with the exact reason.
func TestDPoPReplaySameReplica(t *testing.T) {
	f := newDPoPFixture(t)
	h := f.handler(t, middleware.DPoPAllowed, f.checker(t, dpop.Config{}))
	proof := f.proof(t, f.bound, nil)
	rec := serve(h, dpopRequest("DPoP", f.bound, proof))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, "hello alice", rec.Body.String())
	rec = serve(h, dpopRequest("DPoP", f.bound, proof))
	require.Equal(t, http.StatusUnauthorized, rec.Code)
	require.Equal(t, "dpop_replayed", problem(t, rec).Reason)
	require.Contains(t, rec.Header().Values("WWW-Authenticate")[1], `DPoP realm="api", error="invalid_dpop_proof", error_description="dpop_replayed"`)
}

// TestDPoPAccepted covers the requests that pass: a bound token with its
// proof in both modes (scheme in any case, query string ignored), an
// unbound bearer token when DPoP is allowed or off, a nonce when nonces are
// on; and DPoPProofFrom in the handler.
func TestDPoPAccepted(t *testing.T) {
	f := newDPoPFixture(t)
	cases := []struct {
		name   string
		mode   middleware.DPoPMode
		nonces bool
		req    func(t *testing.T, c *dpop.Checker) *http.Request
		proof  bool
	}{
		{name: "bound token with its proof", req: func(t *testing.T, _ *dpop.Checker) *http.Request {
			return dpopRequest("DPoP", f.bound, f.proof(t, f.bound, nil))
		}, proof: true},
		{name: "scheme in lower case, required mode", mode: middleware.DPoPRequired, req: func(t *testing.T, _ *dpop.Checker) *http.Request {
			return dpopRequest("dpop", f.bound, f.proof(t, f.bound, nil))
		}, proof: true},
		{name: "query string of the request and of htu ignored", req: func(t *testing.T, _ *dpop.Checker) *http.Request {
			r := dpopRequest("DPoP", f.bound, f.proof(t, f.bound, func(_, c map[string]any) { c["htu"] = dpopURL + "?page=2#frag" }))
			r.URL.RawQuery = "page=3"
			return r
		}, proof: true},
		{name: "htu normalized: host case and default port", req: func(t *testing.T, _ *dpop.Checker) *http.Request {
			return dpopRequest("DPoP", f.bound, f.proof(t, f.bound, func(_, c map[string]any) { c["htu"] = "https://API.example.com:443" + dpopPath }))
		}, proof: true},
		{name: "current nonce", nonces: true, req: func(t *testing.T, c *dpop.Checker) *http.Request {
			return dpopRequest("DPoP", f.bound, f.proof(t, f.bound, func(_, cl map[string]any) { cl["nonce"] = c.Nonce() }))
		}, proof: true},
		{name: "unbound bearer token, allowed", req: func(t *testing.T, _ *dpop.Checker) *http.Request {
			return dpopRequest("Bearer", f.plain)
		}},
		{name: "unbound bearer token with a DPoP header, off (header ignored)", mode: middleware.DPoPOff, req: func(t *testing.T, _ *dpop.Checker) *http.Request {
			return dpopRequest("Bearer", f.plain, "ignored")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := dpop.Config{}
			if c.nonces {
				cfg.Nonces = &dpop.NonceConfig{Secret: f.secret}
			}
			checker := f.checker(t, cfg)
			var gotProof *dpop.Proof
			h := mustNew(t, middleware.Config[claims.Keycloak]{
				Verifier: f.rv.v,
				DPoP:     middleware.DPoPConfig{Mode: c.mode, Checker: checker},
			}).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				gotProof, _ = middleware.DPoPProofFrom(r.Context())
				w.WriteHeader(http.StatusNoContent)
			}))
			rec := serve(h, c.req(t, checker))
			require.Equal(t, http.StatusNoContent, rec.Code, rec.Body.String())
			if c.proof {
				require.NotNil(t, gotProof)
				require.Equal(t, f.jkt, gotProof.JKT)
			} else {
				require.Nil(t, gotProof)
			}
		})
	}
}

// TestDPoPChallenges: a request without a token is offered the schemes of
// the mode, one WWW-Authenticate value each.
func TestDPoPChallenges(t *testing.T) {
	f := newDPoPFixture(t)
	algs := `algs="ES256 ES384 ES512 RS256 PS256 EdDSA"`
	cases := []struct {
		name string
		mode middleware.DPoPMode
		want []string
	}{
		{name: "off", mode: middleware.DPoPOff, want: []string{`Bearer realm="api"`}},
		{name: "allowed", mode: middleware.DPoPAllowed, want: []string{`Bearer realm="api"`, `DPoP realm="api", ` + algs}},
		{name: "required", mode: middleware.DPoPRequired, want: []string{`DPoP realm="api", ` + algs}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := serve(f.handler(t, c.mode, nil), dpopRequest("", ""))
			require.Equal(t, http.StatusUnauthorized, rec.Code)
			require.Equal(t, c.want, rec.Header().Values("WWW-Authenticate"))
		})
	}
}

// failingReplay is a replay store that cannot answer.
type failingReplay struct{}

func (failingReplay) Use(context.Context, string, time.Time) error {
	return errors.New("connection refused")
}

// TestDPoPReplayStoreDown: a replay store that cannot answer gives 503
// with Retry-After and no challenge.
func TestDPoPReplayStoreDown(t *testing.T) {
	f := newDPoPFixture(t)
	h := f.handler(t, middleware.DPoPAllowed, f.checker(t, dpop.Config{Replay: failingReplay{}}))
	rec := serve(h, dpopRequest("DPoP", f.bound, f.proof(t, f.bound, nil)))
	require.Equal(t, http.StatusServiceUnavailable, rec.Code)
	require.Equal(t, "dpop_replay_store_unavailable", problem(t, rec).Reason)
	require.NotEmpty(t, rec.Header().Get("Retry-After"))
	require.Empty(t, rec.Header().Values("WWW-Authenticate"))
}

// TestDPoPWithoutBoundVerifier: a verifier that cannot check a binding
// refuses DPoP tokens (allowed mode) and cannot be used in required mode.
func TestDPoPWithoutBoundVerifier(t *testing.T) {
	f := newDPoPFixture(t)
	_, err := middleware.New(middleware.Config[claims.Keycloak]{
		Verifier: fakeKeycloak(alice()),
		DPoP:     middleware.DPoPConfig{Mode: middleware.DPoPRequired},
	})
	require.ErrorContains(t, err, "BoundVerifier")

	h := mustNew(t, middleware.Config[claims.Keycloak]{Verifier: fakeKeycloak(alice())}).Handler(echo(keycloakSub))
	rec := serve(h, dpopRequest("DPoP", goodToken, f.proof(t, goodToken, nil)))
	require.Equal(t, http.StatusUnauthorized, rec.Code)
	require.Equal(t, verify.ReasonBinding, problem(t, rec).Reason)
	rec = serve(h, dpopRequest("Bearer", goodToken))
	require.Equal(t, http.StatusOK, rec.Code)
}

// TestDPoPMalformedAuthorization: the DPoP scheme follows RFC 6750's
// syntax rules, and a DPoP token next to another one is two tokens.
func TestDPoPMalformedAuthorization(t *testing.T) {
	f := newDPoPFixture(t)
	h := mustNew(t, middleware.Config[claims.Keycloak]{
		Verifier:   f.rv.v,
		Extractors: []middleware.Extractor{middleware.BearerHeader(), middleware.Header("x-access-token")},
	}).Handler(echo(keycloakSub))
	cases := []struct {
		name   string
		req    func() *http.Request
		reason string
	}{
		{name: "DPoP without a token", req: func() *http.Request {
			r := dpopRequest("", "")
			r.Header.Set("Authorization", "DPoP ")
			return r
		}, reason: middleware.ReasonMalformedRequest},
		{name: "two Authorization headers", req: func() *http.Request {
			r := dpopRequest("DPoP", f.bound)
			r.Header.Add("Authorization", "Bearer "+f.plain)
			return r
		}, reason: middleware.ReasonMultipleTokens},
		{name: "DPoP token and a header token", req: func() *http.Request {
			r := dpopRequest("DPoP", f.bound, f.proof(t, f.bound, nil))
			r.Header.Set("X-Access-Token", f.plain)
			return r
		}, reason: middleware.ReasonMultipleTokens},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := serve(h, c.req())
			require.Equal(t, http.StatusBadRequest, rec.Code)
			require.Equal(t, c.reason, problem(t, rec).Reason)
		})
	}
}

// TestDPoPRequireScopeChallenge: a 403 for a DPoP token carries the DPoP
// challenge.
func TestDPoPRequireScopeChallenge(t *testing.T) {
	f := newDPoPFixture(t)
	mw := mustNew(t, middleware.Config[claims.Keycloak]{Verifier: f.rv.v, DPoP: middleware.DPoPConfig{Checker: f.checker(t, dpop.Config{})}})
	h := mw.Handler(middleware.RequireScopes("admin")(echo(keycloakSub)))
	rec := serve(h, dpopRequest("DPoP", f.bound, f.proof(t, f.bound, nil)))
	require.Equal(t, http.StatusForbidden, rec.Code)
	require.Equal(t, []string{`Bearer realm="api"`, `DPoP realm="api", error="insufficient_scope", error_description="missing_scope", scope="admin", algs="ES256 ES384 ES512 RS256 PS256 EdDSA"`},
		rec.Header().Values("WWW-Authenticate"))
}

// TestDPoPRefusedTokensTakeNoReplayRoom: a proof that comes with a token
// the verifier refuses (here, bound to another key) is not recorded, so a
// client with keys of its own cannot fill the shared replay store and deny
// DPoP to everyone else (review M2); a proof whose token passes is
// recorded, and refused when replayed.
func TestDPoPRefusedTokensTakeNoReplayRoom(t *testing.T) {
	f := newDPoPFixture(t)
	store, err := dpop.NewMemoryReplay(dpop.MemoryReplayConfig{Now: func() time.Time { return f.rv.now }})
	require.NoError(t, err)
	h := f.handler(t, middleware.DPoPAllowed, f.checker(t, dpop.Config{Replay: store, DeferReplay: true}))

	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	hdr := map[string]any{"typ": "dpop+jwt", "jwk": testkeys.JWK(t, "", "", other)}
	attack := testkeys.SignClaims(t, "ES256", other, hdr, f.proofClaims(f.bound))
	rec := serve(h, dpopRequest("DPoP", f.bound, attack))
	require.Equal(t, http.StatusUnauthorized, rec.Code)
	require.Equal(t, verify.ReasonBinding, problem(t, rec).Reason)
	require.Equal(t, 0, store.Len(), "a proof refused with its token takes no room")

	proof := f.proof(t, f.bound, nil)
	rec = serve(h, dpopRequest("DPoP", f.bound, proof))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, 1, store.Len())
	rec = serve(h, dpopRequest("DPoP", f.bound, proof))
	require.Equal(t, http.StatusUnauthorized, rec.Code)
	require.Equal(t, "dpop_replayed", problem(t, rec).Reason)
}

// TestDPoPCheckerMustDeferReplay: a Checker that records proofs before the
// token is checked is a configuration error.
func TestDPoPCheckerMustDeferReplay(t *testing.T) {
	f := newDPoPFixture(t)
	c, err := dpop.New(dpop.Config{})
	require.NoError(t, err)
	_, err = middleware.New(middleware.Config[claims.Keycloak]{Verifier: f.rv.v, DPoP: middleware.DPoPConfig{Checker: c}})
	require.ErrorContains(t, err, "DeferReplay")
}

// TestDPoPNonceRefreshed: a proof with the previous step's nonce is still
// accepted, and the answer carries the current nonce (RFC 9449 section
// 8.2); a proof with the current one gets no header.
func TestDPoPNonceRefreshed(t *testing.T) {
	f := newDPoPFixture(t)
	cfg := dpop.Config{Nonces: &dpop.NonceConfig{Secret: f.secret, Step: time.Minute}}
	checker := f.checker(t, cfg)
	prevCfg := cfg
	prevCfg.Now = func() time.Time { return f.rv.now.Add(-time.Minute) }
	previous := f.checker(t, prevCfg).Nonce()
	require.NotEqual(t, checker.Nonce(), previous)
	h := f.handler(t, middleware.DPoPAllowed, checker)

	rec := serve(h, dpopRequest("DPoP", f.bound, f.proof(t, f.bound, func(_, c map[string]any) { c["nonce"] = previous })))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, checker.Nonce(), rec.Header().Get("DPoP-Nonce"))

	rec = serve(h, dpopRequest("DPoP", f.bound, f.proof(t, f.bound, func(_, c map[string]any) { c["nonce"] = checker.Nonce() })))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Empty(t, rec.Header().Get("DPoP-Nonce"))
}
