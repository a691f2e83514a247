// Command dpop-client shows DPoP (RFC 9449) against the example server: it
// makes an ES256 key, gets a token bound to it from the demo issuer, calls
// the API with a fresh proof per request, and shows that a replayed proof
// and the token sent as a plain bearer token are refused.
//
//	go run ./examples/chi-server &
//	go run ./examples/dpop-client
//
// Flags: -issuer (the demo issuer, default http://127.0.0.1:8081), -api
// (the API URL to call, default http://127.0.0.1:8080/api/me),
// -public-url (the API's -public-url, when it has one: the proofs name it
// in htu instead of -api's host) and -replay-to (a second replica's API
// URL: the proof the first accepted is replayed there, and refused when
// both share a Redis).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/jwtguard/jwtguard/internal/dpopclient"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "dpop-client:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dpop-client", flag.ContinueOnError)
	fs.SetOutput(stderr)
	issuer := fs.String("issuer", "http://127.0.0.1:8081", "the demo issuer's `URL`")
	api := fs.String("api", "http://127.0.0.1:8080/api/me", "the API `URL` to call")
	public := fs.String("public-url", "", "the API's external base `URL` (its -public-url), named in the proofs' htu")
	replayTo := fs.String("replay-to", "", "another replica's API `URL` (sharing -redis and -public-url): replay the accepted proof there, then send a fresh one")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := dpopclient.New()
	if err != nil {
		return err
	}
	c.HTTP = &http.Client{Timeout: 10 * time.Second}
	c.PublicURL = *public
	res, err := dpopclient.Demo(ctx, stdout, c, strings.TrimSuffix(*issuer, "/")+"/token", *api)
	if err != nil {
		return fmt.Errorf("%w (is the example server running? go run ./examples/chi-server)", err)
	}
	if res.First.Status == http.StatusServiceUnavailable && res.First.Reason() == "dpop_replay_store_unavailable" {
		fmt.Fprintln(stdout, "\nThe API cannot vouch for proofs yet: its Redis is new to the replay memory (or lost it) and refuses proofs for about two minutes. Try again then.")
	}
	if res.First.Status != http.StatusOK || res.Replayed.Status == http.StatusOK || res.AsBearer.Status == http.StatusOK {
		return errors.New("unexpected answers: see above")
	}
	if *replayTo != "" {
		replayed, fresh, err := dpopclient.ReplayTo(ctx, stdout, c, res, *replayTo)
		if err != nil {
			return err
		}
		if replayed.Status == http.StatusOK || fresh.Status != http.StatusOK {
			return errors.New("unexpected answers from the other replica: see above (do both share -redis and -public-url?)")
		}
	}
	fmt.Fprintln(stdout, "\nAll as expected: the bound token works only with a fresh proof signed by its key.")
	return nil
}
