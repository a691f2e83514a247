package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/verify"
)

// Exit statuses.
const (
	exitValid    = 0 // the token is valid
	exitRejected = 1 // the token was rejected
	exitUsage    = 2 // usage or configuration error
	exitKeys     = 3 // the keys could not be had
)

// maxStdin caps the token read from stdin.
const maxStdin = 1 << 20

// run is the whole command, with its streams passed in so tests can drive
// it. It returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitValid
	}
	if err != nil {
		fmt.Fprintln(stderr, "jwtverify:", err)
		return exitUsage
	}
	token, tooLong, err := readToken(o.token, stdin)
	if err != nil {
		fmt.Fprintln(stderr, "jwtverify:", err)
		return exitUsage
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	keys, err := newKeys(o)
	if err != nil {
		fmt.Fprintln(stderr, "jwtverify:", err)
		return exitUsage
	}
	defer keys.close()
	v, warnings, err := newVerifier(o, keys.src)
	if err != nil {
		fmt.Fprintln(stderr, "jwtverify:", err)
		return exitUsage
	}
	res := &result{Warnings: append(keys.warnings, warnings...)}
	if tooLong {
		// As the verifier refuses a token over its limit: a rejected token,
		// not a usage error. Nothing of it is decoded.
		err = &verify.Error{Reason: verify.ReasonMalformed, Err: fmt.Errorf("%w (%w: stdin holds more than %d bytes)", verify.ErrMalformed, verify.ErrTooLarge, maxStdin)}
		res.Reason, res.Error = verify.ReasonMalformed, err.Error()
		res.Hint = fmt.Sprintf("a token is at most %d bytes; stdin holds more than %d: is it the right input?", verify.DefaultMaxTokenBytes, maxStdin)
	} else if err = check(ctx, v, o, token, res); err != nil {
		res.Reason = verify.Reason(err)
		res.Error = err.Error()
		res.Unverified = peek(token)
		res.Hint = hint(ctx, o, keys, res.Reason, res.Unverified, err)
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(stderr, "jwtverify: warning:", w)
	}
	if werr := res.write(stdout); werr != nil {
		fmt.Fprintln(stderr, "jwtverify:", werr)
		return exitUsage
	}
	switch {
	case err == nil:
		return exitValid
	case errors.Is(err, keysource.ErrUnavailable), res.Reason == verify.ReasonCanceled:
		return exitKeys
	}
	return exitRejected
}

// readToken takes the argument, or stdin for "" and "-", and drops
// surrounding space and a "Bearer " prefix. tooLong reports that stdin holds
// more than maxStdin bytes, which is a rejected token: the rest is not read.
func readToken(arg string, stdin io.Reader) (tok string, tooLong bool, err error) {
	tok = arg
	if arg == "" || arg == "-" {
		b, err := io.ReadAll(io.LimitReader(stdin, maxStdin+1))
		if err != nil {
			return "", false, fmt.Errorf("reading the token from stdin: %w", err)
		}
		if len(b) > maxStdin {
			return "", true, nil
		}
		tok = string(b)
	}
	tok = strings.TrimSpace(tok)
	if len(tok) > 7 && strings.EqualFold(tok[:7], "bearer ") {
		tok = strings.TrimSpace(tok[7:])
	}
	if tok == "" {
		return "", false, errors.New("no token: pass it as the argument or on stdin")
	}
	return tok, false, nil
}

// newVerifier builds the verifier the flags describe, and the warnings for
// every check they leave out.
func newVerifier(o *options, src keysource.Source) (*verify.Verifier[jsontext.Value], []string, error) {
	cfg := verify.Config[jsontext.Value]{
		Keys:       src,
		Algorithms: o.algs,
		Issuers:    o.issuers,
		Audiences:  o.audiences,
		Leeway:     o.leeway,
	}
	if o.leeway == 0 {
		cfg.Leeway = -1 // verify's zero means its default
	}
	cfg.TokenTypes = o.types.TokenTypes()
	if !o.now.IsZero() {
		now := o.now
		cfg.Now = func() time.Time { return now }
	}
	if len(cfg.Issuers) == 0 && o.oidc != "" {
		cfg.Issuers = []string{o.oidc} // exactly, as the discovery document must name it
	}
	var warnings []string
	switch {
	case o.signatureOnly:
		cfg.InsecureSkipIssuerCheck, cfg.InsecureSkipAudienceCheck = true, true
		warnings = append(warnings, "-signature-only: the claims (exp, nbf, iat, iss, aud, ...) were not read or checked")
	default:
		if len(cfg.Issuers) == 0 {
			cfg.InsecureSkipIssuerCheck = true
			warnings = append(warnings, "issuer not checked: no -iss given")
		}
		if len(cfg.Audiences) == 0 {
			cfg.InsecureSkipAudienceCheck = true
			warnings = append(warnings, "audience not checked: no -aud given")
		}
	}
	v, err := verify.New(cfg)
	return v, warnings, err
}

// check verifies the token and fills res for a valid one.
func check(ctx context.Context, v *verify.Verifier[jsontext.Value], o *options, token string, res *result) error {
	if !o.signatureOnly {
		claims, err := v.Verify(ctx, token)
		if err != nil {
			return err
		}
		res.Claims = json.RawMessage(*claims)
	}
	s, err := v.VerifySignature(ctx, token)
	if err != nil {
		return err
	}
	res.Valid = true
	res.Header = s.Header.Raw
	if o.signatureOnly {
		res.Payload = base64.RawURLEncoding.EncodeToString(s.Payload)
	}
	res.Key = describeKey(s.Key)
	return nil
}

func describeKey(k *keysource.Key) *keyInfo {
	if k == nil {
		return nil
	}
	return &keyInfo{KID: k.ID(), Type: keyType(k), Alg: k.Algorithm()}
}
