package main

import (
	"context"
	"errors"
	"flag"
	"math/rand/v2"
	"net"
	"net/http"
	"time"
)

// fakeEPR serves EPR's token check: most tokens are valid after 5 to 60
// ms, one in ten is refused, one in twenty-five gets a 503 (which the
// checker retries).
func fakeEPR(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("fake-epr", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:18090", "listen address (loopback)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /auth/checkToken", func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(time.Duration(5+rand.IntN(55)) * time.Millisecond)
		w.Header().Set("Content-Type", "application/json")
		switch n := rand.IntN(100); {
		case n < 4:
			w.WriteHeader(http.StatusServiceUnavailable)
		case n < 14:
			_, _ = w.Write([]byte(`{"valid":false}`))
		default:
			_, _ = w.Write([]byte(`{"valid":true}`))
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
