package bench

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/lestrrat-go/httprc/v3"
	jwk3 "github.com/lestrrat-go/jwx/v3/jwk"
	jwt3 "github.com/lestrrat-go/jwx/v3/jwt"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/verify"
)

// stormParallelism multiplies GOMAXPROCS into the number of goroutines that
// send unknown kids at once.
const stormParallelism = 16

// stormRow builds a verifier over the JWKS at url. window is its on-demand
// refresh cooldown, 0 when it has none.
type stormRow struct {
	name string
	new  func(tb testing.TB, f *fixture, url string) (verify func(string) error, window time.Duration)
}

var stormRows = []stormRow{
	{"jwtguard", newJWTGuardRemote},
	{"keyfunc", func(tb testing.TB, f *fixture, url string) (func(string) error, time.Duration) {
		ctx, cancel := context.WithCancel(context.Background())
		tb.Cleanup(cancel)
		k, err := keyfunc.NewDefaultCtx(ctx, []string{url})
		if err != nil {
			tb.Fatal(err)
		}
		p := golangJWTParser(f.alg)
		return func(token string) error {
			_, err := p.ParseWithClaims(token, new(golangJWTClaims), k.Keyfunc)
			return err
		}, 5 * time.Minute // keyfunc's default unknown-kid rate limit
	}},
	{"go-oidc", func(tb testing.TB, f *fixture, url string) (func(string) error, time.Duration) {
		ctx, cancel := context.WithCancel(context.Background())
		tb.Cleanup(cancel)
		v := oidc.NewVerifier(issuer, oidc.NewRemoteKeySet(ctx, url),
			&oidc.Config{ClientID: audience, SupportedSigningAlgs: []string{f.alg}})
		return func(token string) error {
			idt, err := v.Verify(ctx, token)
			if err != nil {
				return err
			}
			return idt.Claims(new(kcFields))
		}, 0
	}},
	{"jwx-v3", func(tb testing.TB, f *fixture, url string) (func(string) error, time.Duration) {
		ctx, cancel := context.WithCancel(context.Background())
		tb.Cleanup(cancel)
		c, err := jwk3.NewCache(ctx, httprc.NewClient())
		if err != nil {
			tb.Fatal(err)
		}
		if err := c.Register(ctx, url); err != nil {
			tb.Fatal(err)
		}
		set, err := c.CachedSet(url)
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
		}, 0
	}},
}

// BenchmarkJWKSStorm sends RS256 tokens whose kids are random and unknown,
// from GOMAXPROCS×16 goroutines at once, to each library that fetches a
// JWKS, against an httptest JWKS server that counts its requests. A library
// that refetches for every unknown kid lets any client flood its issuer;
// one with a cooldown fetches at most once per window. Metrics: upstream
// (requests to the server in the run, after the first fetch), upstream/op
// (the same per token) and, for a
// library with a cooldown, upstream/window (requests per cooldown window
// the run spans). Both count from the first unknown kid on, which is sent
// once before the timed part.
func BenchmarkJWKSStorm(b *testing.B) {
	f := fixtureFor(b, "RS256")
	for _, r := range stormRows {
		b.Run(r.name, func(b *testing.B) {
			srv := newJWKSServer(b, f.jwks)
			verify, window := r.new(b, f, srv.URL)
			if verify == nil {
				b.Skip("not available")
			}
			if err := verify(f.token); err != nil {
				b.Fatalf("the token does not verify: %v", err)
			}
			// The storm starts here: this first unknown kid is counted.
			before := srv.hits.Load()
			start := time.Now()
			if err := verify(f.withKid("bench-unknown")); err == nil {
				b.Fatal("a token with an unknown kid verifies")
			}
			tail := "." + b64.EncodeToString(f.payload) + "." + b64.EncodeToString(f.sig)
			b.ReportAllocs()
			b.SetParallelism(stormParallelism)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var hdr []byte
				for pb.Next() {
					var token string
					token, hdr = unknownKidToken(hdr, tail)
					if err := verify(token); err == nil {
						b.Error("a token with an unknown kid verifies")
						return
					}
				}
			})
			b.StopTimer()
			elapsed := time.Since(start)
			upstream := srv.hits.Load() - before
			b.ReportMetric(float64(upstream), "upstream")
			b.ReportMetric(float64(upstream)/float64(b.N), "upstream/op")
			if window > 0 {
				windows := int64(elapsed/window) + 1
				b.ReportMetric(float64(upstream)/float64(windows), "upstream/window")
			}
		})
	}
}

// unknownKidToken returns an RS256 token whose kid is random (and so
// unknown), with tail (".payload.signature") after its header: one
// allocation, so that making the storm's tokens costs little next to
// refusing them. buf is reused between calls.
func unknownKidToken(buf []byte, tail string) (string, []byte) {
	const hexDigits = "0123456789abcdef"
	var kid [16]byte
	r := rand.Uint64()
	for i := range kid {
		kid[i] = hexDigits[r>>(60-4*i)&0xf]
	}
	header := `{"alg":"RS256","kid":"storm-` + string(kid[:]) + `","typ":"JWT"}`
	buf = b64.AppendEncode(buf[:0], []byte(header))
	var sb strings.Builder
	sb.Grow(len(buf) + len(tail))
	sb.Write(buf)
	sb.WriteString(tail)
	return sb.String(), buf
}

// stormCooldown is jwtguard's on-demand refresh cooldown in the storm: the
// shortest it allows, so that a run spans several windows.
const stormCooldown = time.Second

// newJWTGuardRemote is jwtguard's remote JWKS source under its verifier.
func newJWTGuardRemote(tb testing.TB, f *fixture, url string) (func(string) error, time.Duration) {
	src, err := keysource.NewJWKS(keysource.JWKSConfig{
		URL: url,
		FetchConfig: keysource.FetchConfig{
			RefreshCooldown: stormCooldown,
			Logger:          slog.New(slog.DiscardHandler),
		},
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { src.Close() })
	v, err := verify.New(verify.Config[claims.Keycloak]{
		Keys:       src,
		Algorithms: []string{f.alg},
		Issuers:    []string{issuer},
		Audiences:  []string{audience},
	})
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	return func(token string) error {
		_, err := v.Verify(ctx, token)
		if err != nil && !errors.Is(err, verify.ErrUnknownKey) && verify.Reason(err) != verify.ReasonSignature {
			tb.Errorf("unexpected refusal: %v", err)
		}
		return err
	}, stormCooldown
}
