package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	jwtmiddleware "github.com/auth0/go-jwt-middleware/v2"
	"github.com/auth0/go-jwt-middleware/v2/validator"
	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/middleware"
)

// stubVerifier returns ready claims at no cost, so that a middleware row
// built on it measures the middleware alone.
type stubVerifier struct{ c *claims.Keycloak }

func (s stubVerifier) Verify(context.Context, string) (*claims.Keycloak, error) { return s.c, nil }

// BenchmarkMiddleware serves one authenticated request end to end, with no
// network: ServeHTTP on a fresh httptest.ResponseRecorder, through the
// middleware, to a handler that reads the claims from the context and
// answers 204. "handler" is that handler alone, the baseline; "jwtguard-stub"
// is jwtguard's middleware over a verifier that does nothing;
// "jwtguard-cached-revocation" checks every hit against a memory
// revocation store holding revocationEntries entries.
func BenchmarkMiddleware(b *testing.B) {
	f := fixtureFor(b, "RS256")
	req := httptest.NewRequest(http.MethodGet, "/api/reports", nil)
	req.Header.Set("Authorization", "Bearer "+f.token)

	jwtguardNext := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := middleware.ClaimsFrom[claims.Keycloak](r.Context()); !ok {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	jwtguard := func(tb testing.TB, v middleware.Verifier[claims.Keycloak]) http.Handler {
		m, err := middleware.New(middleware.Config[claims.Keycloak]{Verifier: v})
		if err != nil {
			tb.Fatal(err)
		}
		return m.Handler(jwtguardNext)
	}

	rows := []struct {
		name    string
		handler func(b *testing.B) http.Handler
	}{
		{"handler", func(*testing.B) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Context().Value(ctxKey{}) != nil {
					w.WriteHeader(http.StatusInternalServerError)
					return
				}
				w.WriteHeader(http.StatusNoContent)
			})
		}},
		{"jwtguard-stub", func(b *testing.B) http.Handler {
			return jwtguard(b, stubVerifier{new(claims.Keycloak)})
		}},
		{"jwtguard", func(b *testing.B) http.Handler { return jwtguard(b, jwtguardVerifier(b, f, false)) }},
		{"jwtguard-cached", func(b *testing.B) http.Handler { return jwtguard(b, jwtguardVerifier(b, f, true)) }},
		{"jwtguard-cached-revocation", func(b *testing.B) http.Handler {
			return jwtguard(b, jwtguardVerifierWith(b, f, true, revocationStore(b)))
		}},
		{"auth0", func(b *testing.B) http.Handler {
			m := jwtmiddleware.New(newAuth0Validator(b, f).ValidateToken)
			return m.CheckJWT(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if _, ok := r.Context().Value(jwtmiddleware.ContextKey{}).(*validator.ValidatedClaims); !ok {
					w.WriteHeader(http.StatusInternalServerError)
					return
				}
				w.WriteHeader(http.StatusNoContent)
			}))
		}},
		{"auth0-v3", func(b *testing.B) http.Handler { return auth0v3Handler(b, f) }},
	}
	for _, r := range rows {
		b.Run("RS256/"+r.name, func(b *testing.B) {
			h := r.handler(b)
			benchLoop(b, func() error { return serve(h, req) })
		})
	}
}

type ctxKey struct{}

// serve runs one request and fails unless the handler answered 204.
func serve(h http.Handler, req *http.Request) error {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNoContent {
		return &statusError{rec.Code, rec.Body.String()}
	}
	return nil
}

type statusError struct {
	code int
	body string
}

func (e *statusError) Error() string { return http.StatusText(e.code) + ": " + e.body }
