package bench

import (
	"context"
	"crypto"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/auth0/go-jwt-middleware/v2/validator"
	"github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"
	"github.com/golang-jwt/jwt/v5"
	jwk2 "github.com/lestrrat-go/jwx/v2/jwk"
	jwt2 "github.com/lestrrat-go/jwx/v2/jwt"
	jwk3 "github.com/lestrrat-go/jwx/v3/jwk"
	jwt3 "github.com/lestrrat-go/jwx/v3/jwt"
)

// A constructor builds one library's verifier for a fixture and returns a
// function that verifies a token with it: nil error for a token that passes
// signature, exp, iss and aud. It returns nil when the library cannot verify
// the fixture's algorithm.
type constructor func(tb testing.TB, f *fixture) func(token string) error

// golangJWTClaims are the Keycloak claims for golang-jwt.
type golangJWTClaims struct {
	jwt.RegisteredClaims
	kcFields
}

// golangJWTParser is golang-jwt v5 with the validation the other rows do.
func golangJWTParser(alg string) *jwt.Parser {
	return jwt.NewParser(
		jwt.WithValidMethods([]string{alg}),
		jwt.WithIssuer(issuer),
		jwt.WithAudience(audience),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(leeway),
	)
}

// newGolangJWT: github.com/golang-jwt/jwt/v5, ParseWithClaims with a key
// function that checks the kid and returns the key.
func newGolangJWT(_ testing.TB, f *fixture) func(string) error {
	p := golangJWTParser(f.alg)
	kid, key := f.kid, f.pub
	keyFunc := func(t *jwt.Token) (any, error) {
		if k, _ := t.Header["kid"].(string); k != kid {
			return nil, errKid
		}
		return key, nil
	}
	return func(token string) error {
		_, err := p.ParseWithClaims(token, new(golangJWTClaims), keyFunc)
		return err
	}
}

// jwksServer serves a JWK Set document and counts the requests.
type jwksServer struct {
	*httptest.Server
	hits atomic.Int64
}

func newJWKSServer(tb testing.TB, doc []byte) *jwksServer {
	s := &jwksServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		s.hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write(doc)
	}))
	tb.Cleanup(s.Close)
	return s
}

// newKeyfunc: github.com/MicahParks/keyfunc/v3 (a JWKS fetched from an
// httptest server, with its default settings) feeding golang-jwt v5.
func newKeyfunc(tb testing.TB, f *fixture) func(string) error {
	srv := newJWKSServer(tb, f.jwks)
	ctx, cancel := context.WithCancel(context.Background())
	tb.Cleanup(cancel)
	k, err := keyfunc.NewDefaultCtx(ctx, []string{srv.URL})
	if err != nil {
		tb.Fatal(err)
	}
	p := golangJWTParser(f.alg)
	return func(token string) error {
		_, err := p.ParseWithClaims(token, new(golangJWTClaims), k.Keyfunc)
		return err
	}
}

// joseClaims are the Keycloak claims for go-jose.
type joseClaims struct {
	josejwt.Claims
	kcFields
}

// newGoJose: github.com/go-jose/go-jose/v4, jwt.ParseSigned with the one
// algorithm allowed, Claims against the JWK Set (which matches the kid),
// then ValidateWithLeeway; go-jose does not require exp, so that check is
// added.
func newGoJose(tb testing.TB, f *fixture) func(string) error {
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(f.jwks, &set); err != nil {
		tb.Fatal(err)
	}
	algs := []jose.SignatureAlgorithm{jose.SignatureAlgorithm(f.alg)}
	aud := josejwt.Audience{audience}
	return func(token string) error {
		tok, err := josejwt.ParseSigned(token, algs)
		if err != nil {
			return err
		}
		c := new(joseClaims)
		if err := tok.Claims(&set, c); err != nil {
			return err
		}
		if c.Expiry == nil {
			return errExpired
		}
		return c.ValidateWithLeeway(josejwt.Expected{Issuer: issuer, AnyAudience: aud, Time: time.Now()}, leeway)
	}
}

// newGoOIDC: github.com/coreos/go-oidc/v3, an IDTokenVerifier over a
// StaticKeySet (iss, aud = ClientID, exp, alg), then Claims into the struct.
// go-oidc has no HMAC support.
func newGoOIDC(_ testing.TB, f *fixture) func(string) error {
	if f.alg == "HS256" {
		return nil
	}
	ks := &oidc.StaticKeySet{PublicKeys: []crypto.PublicKey{f.pub}}
	v := oidc.NewVerifier(issuer, ks, &oidc.Config{ClientID: audience, SupportedSigningAlgs: []string{f.alg}})
	ctx := context.Background()
	return func(token string) error {
		idt, err := v.Verify(ctx, token)
		if err != nil {
			return err
		}
		return idt.Claims(new(kcFields))
	}
}

// auth0Claims are the custom claims of auth0's validator.
type auth0Claims struct{ kcFields }

func (*auth0Claims) Validate(context.Context) error { return nil }

// newAuth0Validator builds github.com/auth0/go-jwt-middleware/v2's
// validator (go-jose v2 underneath) with the Keycloak claims as custom
// claims.
func newAuth0Validator(tb testing.TB, f *fixture) *validator.Validator {
	key := f.pub
	v, err := validator.New(
		func(context.Context) (any, error) { return key, nil },
		validator.SignatureAlgorithm(f.alg), issuer, []string{audience},
		validator.WithAllowedClockSkew(leeway),
		validator.WithCustomClaims(func() validator.CustomClaims { return new(auth0Claims) }),
	)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// newAuth0: auth0's ValidateToken alone (its middleware is measured in
// BenchmarkMiddleware).
func newAuth0(tb testing.TB, f *fixture) func(string) error {
	v := newAuth0Validator(tb, f)
	ctx := context.Background()
	return func(token string) error {
		_, err := v.ValidateToken(ctx, token)
		return err
	}
}

// newJWXv2: github.com/lestrrat-go/jwx/v2 jwt.ParseString with the JWK Set
// (kid and alg from the set), validation on, iss, aud and skew.
func newJWXv2(tb testing.TB, f *fixture) func(string) error {
	set, err := jwk2.Parse(f.jwks)
	if err != nil {
		tb.Fatal(err)
	}
	opts := []jwt2.ParseOption{
		jwt2.WithKeySet(set), jwt2.WithValidate(true),
		jwt2.WithIssuer(issuer), jwt2.WithAudience(audience), jwt2.WithAcceptableSkew(leeway),
		jwt2.WithRequiredClaim("exp"),
	}
	return func(token string) error {
		_, err := jwt2.ParseString(token, opts...)
		return err
	}
}

// newJWXv3: github.com/lestrrat-go/jwx/v3, the same as newJWXv2.
func newJWXv3(tb testing.TB, f *fixture) func(string) error {
	set, err := jwk3.Parse(f.jwks)
	if err != nil {
		tb.Fatal(err)
	}
	opts := []jwt3.ParseOption{
		jwt3.WithKeySet(set), jwt3.WithValidate(true),
		jwt3.WithIssuer(issuer), jwt3.WithAudience(audience), jwt3.WithAcceptableSkew(leeway),
		jwt3.WithRequiredClaim("exp"),
	}
	return func(token string) error {
		_, err := jwt3.ParseString(token, opts...)
		return err
	}
}
