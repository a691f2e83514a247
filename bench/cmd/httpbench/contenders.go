package main

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	jwtmiddleware3 "github.com/auth0/go-jwt-middleware/v3"
	validator3 "github.com/auth0/go-jwt-middleware/v3/validator"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/jwtauth/v5"
	"github.com/golang-jwt/jwt/v5"
	jwt2 "github.com/lestrrat-go/jwx/v2/jwt"
	jwk3 "github.com/lestrrat-go/jwx/v3/jwk"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/middleware"
	"github.com/jwtguard/jwtguard/verify"
)

// contenders are the servers compared, in table order. jwtguard (cache
// off) is the reference of the ratios.
var contenders = []string{"jwtguard", "jwtguard-cached", "auth0-v3", "jwtauth", "keyfunc", "none"}

// keyMaterial is what every contender verifies with: the RSA public key
// and the one-key JWK Set (kid, alg RS256, use sig) that holds it.
type keyMaterial struct {
	pub  *rsa.PublicKey
	jwks []byte
}

// kcClaims are the Keycloak claims beyond the registered ones, decoded by
// the peers that take a struct (jwtguard has claims.Keycloak).
type kcClaims struct {
	Type              string   `json:"typ"`
	AuthorizedParty   string   `json:"azp"`
	SessionID         string   `json:"sid"`
	Scope             string   `json:"scope"`
	AllowedOrigins    []string `json:"allowed-origins"`
	PreferredUsername string   `json:"preferred_username"`
	Email             string   `json:"email"`
	RealmAccess       struct {
		Roles []string `json:"roles"`
	} `json:"realm_access"`
	ResourceAccess map[string]struct {
		Roles []string `json:"roles"`
	} `json:"resource_access"`
	AccountIDs string `json:"account_ids"`
}

// ok answers 204: every contender's handler behind its authentication.
func ok(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }

// apiPath is the one route every server answers behind its authentication.
const apiPath = "/api/reports"

// newContender returns the named contender's handler: a chi router whose
// one route, apiPath, sits behind the library's authentication and reads
// the claims it put in the context (500 if they are missing). stop
// releases what the contender started (keyfunc's refresh goroutine and its
// JWKS server).
func newContender(name string, km keyMaterial) (h http.Handler, stop func(), err error) {
	r := chi.NewRouter()
	stop = func() {}
	switch name {
	case "jwtguard", "jwtguard-cached":
		src, err := keysource.StaticFromJWKS(km.jwks)
		if err != nil {
			return nil, nil, err
		}
		size := -1
		if name == "jwtguard-cached" {
			size = verify.DefaultCacheSize
		}
		v, err := verify.New(verify.Config[claims.Keycloak]{
			Keys: src, Algorithms: []string{alg}, Issuers: []string{issuer}, Audiences: []string{audience},
			CacheSize: size,
		})
		if err != nil {
			return nil, nil, err
		}
		m, err := middleware.New(middleware.Config[claims.Keycloak]{Verifier: v})
		if err != nil {
			return nil, nil, err
		}
		r.Use(m.Handler)
		r.Get(apiPath, func(w http.ResponseWriter, r *http.Request) {
			if _, found := middleware.ClaimsFrom[claims.Keycloak](r.Context()); !found {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			ok(w)
		})
	case "auth0-v3":
		set, err := jwk3.Parse(km.jwks)
		if err != nil {
			return nil, nil, err
		}
		// As its users configure it for a JWKS (the key function returns
		// the set, so the kid picks the key), with exp required.
		v, err := validator3.New(
			validator3.WithKeyFunc(func(context.Context) (any, error) { return set, nil }),
			validator3.WithAlgorithm(validator3.RS256),
			validator3.WithIssuer(issuer),
			validator3.WithAudience(audience),
			validator3.WithAllowedClockSkew(leeway),
			validator3.WithCustomClaims(func() *auth0Claims { return new(auth0Claims) }),
			validator3.WithRegisteredClaimsValidator(func(c validator3.RegisteredClaims) error {
				if c.Expiry == 0 {
					return errNoExp
				}
				return nil
			}),
		)
		if err != nil {
			return nil, nil, err
		}
		m, err := jwtmiddleware3.New(jwtmiddleware3.WithValidator(v))
		if err != nil {
			return nil, nil, err
		}
		r.Use(m.CheckJWT)
		r.Get(apiPath, func(w http.ResponseWriter, r *http.Request) {
			if _, err := jwtmiddleware3.GetClaims[*validator3.ValidatedClaims](r.Context()); err != nil {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			ok(w)
		})
	case "jwtauth":
		// go-chi/jwtauth takes one key (it does not read a JWK Set, so it
		// cannot check the kid); validation of iss, aud, exp (required)
		// and skew through jwx v2's options.
		ja := jwtauth.New(alg, nil, km.pub,
			jwt2.WithIssuer(issuer), jwt2.WithAudience(audience),
			jwt2.WithRequiredClaim("exp"), jwt2.WithAcceptableSkew(leeway))
		r.Use(jwtauth.Verifier(ja), jwtauth.Authenticator(ja))
		r.Get(apiPath, func(w http.ResponseWriter, r *http.Request) {
			if t, _, err := jwtauth.FromContext(r.Context()); t == nil || err != nil {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			ok(w)
		})
	case "keyfunc":
		// keyfunc fetches the JWK Set from a loopback server of its own,
		// then golang-jwt checks each token, behind the middleware its
		// users write by hand.
		jwksSrv, url, err := serveJWKS(km.jwks)
		if err != nil {
			return nil, nil, err
		}
		ctx, cancel := context.WithCancel(context.Background())
		k, err := keyfunc.NewDefaultCtx(ctx, []string{url})
		if err != nil {
			cancel()
			jwksSrv.Close()
			return nil, nil, err
		}
		stop = func() { cancel(); jwksSrv.Close() }
		p := jwt.NewParser(jwt.WithValidMethods([]string{alg}), jwt.WithIssuer(issuer), jwt.WithAudience(audience),
			jwt.WithExpirationRequired(), jwt.WithLeeway(leeway))
		r.Use(func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tok, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
				if !found {
					http.Error(w, "missing token", http.StatusUnauthorized)
					return
				}
				c := new(golangJWTClaims)
				if _, err := p.ParseWithClaims(tok, c, k.Keyfunc); err != nil {
					http.Error(w, "invalid token", http.StatusUnauthorized)
					return
				}
				next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), claimsKey{}, c)))
			})
		})
		r.Get(apiPath, func(w http.ResponseWriter, r *http.Request) {
			if _, found := r.Context().Value(claimsKey{}).(*golangJWTClaims); !found {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			ok(w)
		})
	case "none":
		r.Get(apiPath, func(w http.ResponseWriter, _ *http.Request) { ok(w) })
	default:
		return nil, nil, fmt.Errorf("unknown contender %q (want one of %s)", name, strings.Join(contenders, ", "))
	}
	return r, stop, nil
}

var errNoExp = errors.New("exp required")

// auth0Claims are auth0 v3's custom claims.
type auth0Claims struct{ kcClaims }

func (*auth0Claims) Validate(context.Context) error { return nil }

// golangJWTClaims are the claims of the keyfunc + golang-jwt contender.
type golangJWTClaims struct {
	jwt.RegisteredClaims
	kcClaims
}

type claimsKey struct{}

// serveJWKS serves doc on a loopback port, for keyfunc.
func serveJWKS(doc []byte) (*http.Server, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write(doc)
		}),
		ReadHeaderTimeout: 5 * time.Second,
	}
	go srv.Serve(ln)
	return srv, "http://" + ln.Addr().String() + "/certs", nil
}
