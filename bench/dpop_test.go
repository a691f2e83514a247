package bench

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	auth0v3 "github.com/auth0/go-jwt-middleware/v3"
	v3validator "github.com/auth0/go-jwt-middleware/v3/validator"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/middleware"
)

// dpopTarget is the URL of the DPoP requests: https, so that both
// middlewares take the scheme from the request's TLS state.
const dpopTarget = "https://api.example.com/api/reports"

// proofPool hands out fresh proofs for one token, made ahead in batches so
// that making them (an ES256 signature each) stays out of the measured CPU
// time.
type proofPool struct {
	key   *ecdsa.PrivateKey
	token string
	next  []string
	spent time.Duration // CPU time spent making proofs inside the timed loop
}

const proofBatch = 2000

func (p *proofPool) take(b *testing.B) string {
	if len(p.next) == 0 {
		b.StopTimer()
		defer b.StartTimer()
		start := cpuTime()
		p.next = make([]string, proofBatch)
		for i := range p.next {
			proof, err := dpop.NewProof(p.key, http.MethodGet, dpopTarget, p.token, "")
			if err != nil {
				b.Fatal(err)
			}
			p.next[i] = proof
		}
		p.spent += cpuTime() - start
	}
	proof := p.next[len(p.next)-1]
	p.next = p.next[:len(p.next)-1]
	return proof
}

// BenchmarkDPoP measures what a DPoP request adds to a bearer request
// through the middleware: the same RS256 token body (the DPoP one carries
// cnf.jkt as well), the same middleware configuration, a fresh ES256 proof
// per DPoP request checked against an in-memory replay store. "bearer" and
// "dpop" verify the token in full (cache off); the -cached rows with the
// verified-token cache on. "proof-verify" is the floor of the added cost:
// the proof's ES256 signature check alone (SHA-256 and ecdsa.VerifyASN1 on
// its decoded signature). "auth0-v3-*" is github.com/auth0/go-jwt-middleware/v3
// with DPoP allowed over the same tokens; it keeps no jti replay memory, so
// its DPoP row does less than jwtguard's.
func BenchmarkDPoP(b *testing.B) {
	f := fixtureFor(b, "RS256")
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	jkt, err := dpop.Thumbprint(key.Public())
	if err != nil {
		b.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(f.payload, &body); err != nil {
		b.Fatal(err)
	}
	body["cnf"] = map[string]string{"jkt": jkt}
	bound := f.signClaims(b, body)

	// Every request is a shallow copy of one template with headers of its
	// own, in every row alike: httptest.NewRequest would add a 4 KiB
	// bufio.Reader per request to the measured cost.
	tmpl := httptest.NewRequest(http.MethodGet, dpopTarget, nil) // TLS set: https
	request := func(auth, proof string) *http.Request {
		r := *tmpl
		r.Header = http.Header{"Authorization": {auth}}
		if proof != "" {
			r.Header["Dpop"] = []string{proof}
		}
		return &r
	}
	bearerAuth := "Bearer " + f.token
	bearer := func(h http.Handler) func() error {
		return func() error { return serve(h, request(bearerAuth, "")) }
	}

	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := middleware.ClaimsFrom[claims.Keycloak](r.Context()); !ok {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	jwtguard := func(tb testing.TB, cached bool) http.Handler {
		checker, err := dpop.New(dpop.Config{})
		if err != nil {
			tb.Fatal(err)
		}
		m, err := middleware.New(middleware.Config[claims.Keycloak]{
			Verifier: jwtguardVerifier(tb, f, cached),
			DPoP:     middleware.DPoPConfig{Mode: middleware.DPoPAllowed, Checker: checker},
		})
		if err != nil {
			tb.Fatal(err)
		}
		return m.Handler(next)
	}
	dpopRows := func(b *testing.B, h http.Handler) {
		pool := &proofPool{key: key, token: bound}
		dpopAuth := "DPoP " + bound
		benchDPoPLoop(b, pool, func(proof string) error {
			return serve(h, request(dpopAuth, proof))
		})
	}

	b.Run("RS256/bearer", func(b *testing.B) {
		benchLoop(b, bearer(jwtguard(b, false)))
	})
	b.Run("RS256/dpop", func(b *testing.B) { dpopRows(b, jwtguard(b, false)) })
	b.Run("RS256/bearer-cached", func(b *testing.B) {
		benchLoop(b, bearer(jwtguard(b, true)))
	})
	b.Run("RS256/dpop-cached", func(b *testing.B) { dpopRows(b, jwtguard(b, true)) })
	b.Run("RS256/proof-verify", func(b *testing.B) {
		proof, err := dpop.NewProof(key, http.MethodGet, dpopTarget, bound, "")
		if err != nil {
			b.Fatal(err)
		}
		dot := strings.LastIndexByte(proof, '.')
		input := []byte(proof[:dot])
		raw, err := b64.DecodeString(proof[dot+1:])
		if err != nil {
			b.Fatal(err)
		}
		sig := ecdsaASN1(raw)
		pub := &key.PublicKey
		benchLoop(b, func() error {
			sum := sha256.Sum256(input)
			if !ecdsa.VerifyASN1(pub, sum[:], sig) {
				return errBadSignature
			}
			return nil
		})
	})

	auth0 := func(tb testing.TB) http.Handler {
		pub := f.pub
		v, err := v3validator.New(
			v3validator.WithKeyFunc(func(context.Context) (any, error) { return pub, nil }),
			v3validator.WithAlgorithm(v3validator.RS256),
			v3validator.WithIssuer(issuer),
			v3validator.WithAudience(audience),
			v3validator.WithAllowedClockSkew(leeway),
		)
		if err != nil {
			tb.Fatal(err)
		}
		m, err := auth0v3.New(auth0v3.WithValidator(v), auth0v3.WithDPoPMode(auth0v3.DPoPAllowed))
		if err != nil {
			tb.Fatal(err)
		}
		return m.CheckJWT(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !auth0v3.HasClaims(r.Context()) {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		}))
	}
	b.Run("RS256/auth0-v3-bearer", func(b *testing.B) {
		benchLoop(b, bearer(auth0(b)))
	})
	b.Run("RS256/auth0-v3-dpop", func(b *testing.B) { dpopRows(b, auth0(b)) })
}

// benchDPoPLoop is benchLoop for requests that each need a fresh proof:
// the CPU time spent making proofs is left out of cpu-ns/op.
func benchDPoPLoop(b *testing.B, pool *proofPool, fn func(proof string) error) {
	b.Helper()
	if err := fn(pool.take(b)); err != nil {
		b.Fatalf("the DPoP request fails: %v", err)
	}
	b.ReportAllocs()
	start := cpuTime()
	pool.spent = 0
	for b.Loop() {
		proof := pool.take(b)
		if err := fn(proof); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-start-pool.spent)/float64(b.N), "cpu-ns/op")
}

// errBadSignature is the proof-verify row's failure.
var errBadSignature = &statusError{code: http.StatusUnauthorized, body: "signature"}
