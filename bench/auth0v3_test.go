package bench

import (
	"context"
	"errors"
	"net/http"
	"testing"

	jwtmiddleware3 "github.com/auth0/go-jwt-middleware/v3"
	validator3 "github.com/auth0/go-jwt-middleware/v3/validator"
	jwk3 "github.com/lestrrat-go/jwx/v3/jwk"
)

// errNoExp is what the auth0 v3 row's registered-claims check returns for
// a token without exp, which auth0 does not require by itself.
var errNoExp = errors.New("exp required")

// auth0v3Claims are the custom claims of auth0 v3's validator.
type auth0v3Claims struct{ kcFields }

func (*auth0v3Claims) Validate(context.Context) error { return nil }

// newAuth0v3Validator builds github.com/auth0/go-jwt-middleware/v3's
// validator (jwx v3 underneath) as its users configure it for a JWKS: the
// key function returns the JWK Set (what its jwks providers return), so the
// kid selects the key; one algorithm, the issuer, the audience, 60 s of
// skew, the Keycloak claims as custom claims, and a registered-claims check
// that requires exp (auth0 checks exp only when present).
func newAuth0v3Validator(tb testing.TB, f *fixture) *validator3.Validator {
	set, err := jwk3.Parse(f.jwks)
	if err != nil {
		tb.Fatal(err)
	}
	v, err := validator3.New(
		validator3.WithKeyFunc(func(context.Context) (any, error) { return set, nil }),
		validator3.WithAlgorithm(validator3.SignatureAlgorithm(f.alg)),
		validator3.WithIssuer(issuer),
		validator3.WithAudience(audience),
		validator3.WithAllowedClockSkew(leeway),
		validator3.WithCustomClaims(func() *auth0v3Claims { return new(auth0v3Claims) }),
		validator3.WithRegisteredClaimsValidator(func(c validator3.RegisteredClaims) error {
			if c.Expiry == 0 {
				return errNoExp
			}
			return nil
		}),
	)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// newAuth0v3: auth0 v3's ValidateToken alone.
func newAuth0v3(tb testing.TB, f *fixture) func(string) error {
	v := newAuth0v3Validator(tb, f)
	ctx := context.Background()
	return func(token string) error {
		_, err := v.ValidateToken(ctx, token)
		return err
	}
}

// auth0v3Handler is auth0 v3's CheckJWT in front of a handler that reads
// the validated claims and answers 204.
func auth0v3Handler(tb testing.TB, f *fixture) http.Handler {
	m, err := jwtmiddleware3.New(jwtmiddleware3.WithValidator(newAuth0v3Validator(tb, f)))
	if err != nil {
		tb.Fatal(err)
	}
	return m.CheckJWT(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := jwtmiddleware3.GetClaims[*validator3.ValidatedClaims](r.Context()); err != nil {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
}
