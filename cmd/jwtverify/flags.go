package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/jwtguard/jwtguard/internal/cliflag"
)

// options is the parsed command line.
type options struct {
	token         string // the argument, or "" / "-" for stdin
	jwks          string // FILE or URL
	pem           string // FILE or URL
	oidc          string // issuer URL
	secretFile    string
	issuers       []string
	audiences     []string
	algs          []string
	types         cliflag.Types
	leeway        time.Duration
	now           time.Time // zero: the system clock
	signatureOnly bool
	insecureHTTP  bool
	timeout       time.Duration
}

// asymmetricAlgs is the default of -alg without -secret-file.
var asymmetricAlgs = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"}

// timeFlag parses -now: RFC 3339 or Unix seconds.
type timeFlag struct{ t *time.Time }

func (f timeFlag) String() string {
	if f.t == nil || f.t.IsZero() {
		return ""
	}
	return f.t.Format(time.RFC3339)
}

func (f timeFlag) Set(v string) error {
	if sec, err := strconv.ParseInt(v, 10, 64); err == nil {
		*f.t = time.Unix(sec, 0).UTC()
		return nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return errors.New("want RFC 3339 (2025-06-01T12:00:00Z) or Unix seconds")
	}
	*f.t = t
	return nil
}

const usageText = `Usage: jwtverify [flags] [TOKEN | -]

Verifies one JWT (compact JWS) and prints one JSON object on stdout:
  {"valid":true,"header":{...},"claims":{...}}
  {"valid":false,"reason":"expired","error":"...","hint":"..."}
The token is the argument, or is read from stdin when the argument is
absent or "-". A leading "Bearer " is ignored.

Exactly one key flag: -jwks, -pem, -oidc or -secret-file.
Without -iss (and -oidc) the issuer is not checked, without -aud the
audience is not checked; the output lists such gaps under "warnings" and
they are repeated on stderr.

Exit status: 0 valid, 1 token rejected, 2 usage or configuration error,
3 keys unavailable.

Flags:
`

// parseFlags parses args; errors are usage errors (exit 2).
func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("jwtverify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageText)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.jwks, "jwks", "", "verify with the JWK Set in this `FILE or URL`")
	fs.StringVar(&o.pem, "pem", "", "verify with the PEM public key(s) or certificate(s) in this `FILE or URL`")
	fs.StringVar(&o.oidc, "oidc", "", "verify with the keys of this `issuer` URL, found by OpenID Connect discovery; also the default -iss")
	fs.StringVar(&o.secretFile, "secret-file", "", "verify HS256/384/512 with the secret in this `FILE` (bytes as stored)")
	fs.Var(cliflag.List{Values: &o.issuers}, "iss", "accepted `issuer` (repeatable); absent: not checked, with a warning")
	fs.Var(cliflag.List{Values: &o.audiences}, "aud", "accepted `audience` (repeatable); absent: not checked, with a warning")
	fs.Var(cliflag.List{Values: &o.algs}, "alg", "accepted `algorithms`, comma-separated (default: every asymmetric one; HS256,HS384,HS512 with -secret-file)")
	o.types.Define(fs)
	fs.DurationVar(&o.leeway, "leeway", 60*time.Second, "clock skew tolerated on exp, nbf and iat; 0 for none")
	fs.Var(timeFlag{&o.now}, "now", "check the times as of this `time`: RFC 3339 or Unix seconds (default: now)")
	fs.BoolVar(&o.signatureOnly, "signature-only", false, "check structure, header policy, key and signature only; print the payload (base64url) instead of claims")
	fs.BoolVar(&o.insecureHTTP, "insecure-allow-http", false, "allow http:// key URLs to non-loopback hosts")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Second, "bound on fetching remote keys")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch fs.NArg() {
	case 0:
	case 1:
		o.token = fs.Arg(0)
	default:
		return nil, fmt.Errorf("one token at most, got %d arguments (flags go before the token)", fs.NArg())
	}
	return o, o.check()
}

func (o *options) check() error {
	n := 0
	for _, v := range []string{o.jwks, o.pem, o.oidc, o.secretFile} {
		if v != "" {
			n++
		}
	}
	switch {
	case n == 0:
		return errors.New("no keys: give one of -jwks, -pem, -oidc, -secret-file")
	case n > 1:
		return errors.New("give only one of -jwks, -pem, -oidc, -secret-file")
	case o.leeway < 0:
		return errors.New("-leeway is negative")
	case o.timeout <= 0:
		return errors.New("-timeout must be positive")
	}
	if len(o.algs) == 0 {
		o.algs = asymmetricAlgs
		if o.secretFile != "" {
			o.algs = cliflag.HMACAlgorithms
		}
		return nil
	}
	return cliflag.CheckAlgorithms(o.algs, o.secretFile != "")
}
