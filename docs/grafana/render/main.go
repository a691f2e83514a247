// Command render draws the panels of the jwtguard Grafana dashboard
// (docs/grafana/jwtguard.json) from a real run, where Grafana itself cannot
// be installed. render.sh beside the dashboard runs the whole thing: the
// example server under load, a Prometheus scraping it, and this command.
//
//	render fake-epr -addr ADDR
//	    answers EPR's POST /auth/checkToken, slowly and sometimes not at all,
//	    so that the example server's EPR profile has remote checks to meter.
//	render load -api URL -issuer URL [-epr-api URL] [-redis URL -jwtrevoke BIN] -duration D
//	    sends a mix of tokens to the example server: valid ones (fresh and
//	    repeated), expired, tampered, malformed, missing, a burst of unknown
//	    kids, and tokens without the admin role; DPoP-bound tokens with
//	    fresh proofs, replayed proofs, proofs of the wrong key, and bound
//	    tokens sent as Bearer; and the tokens of sessions before and after
//	    they end (back-channel logout through the demo issuer, or
//	    cmd/jwtrevoke through Redis).
//	render draw -prometheus URL -dashboard FILE -range D -step D -out FILE.svg
//	    asks Prometheus for every panel's queries (PromQL as written in the
//	    dashboard, $__rate_interval replaced by -rate-interval) over the last
//	    -range and draws the panels as one SVG, laid out like the dashboard.
//
// It is a documentation tool: nothing in the library uses it.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: render fake-epr|load|draw [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "fake-epr":
		err = fakeEPR(ctx, os.Args[2:])
	case "load":
		err = load(ctx, os.Args[2:])
	case "draw":
		err = draw(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "render:", err)
		os.Exit(1)
	}
}
