// Command httpbench measures jwtguard and its peers end to end over HTTP:
// each contender runs as an HTTP server (net/http, chi router) in a child
// process on loopback, and this process sends it requests over keep-alive
// connections, closed loop, then prints requests/s, latency and the
// server's CPU time per request, with ratios against jwtguard (cache off)
// taken within each round, their median over the rounds.
//
// Contenders: jwtguard (cache off), jwtguard-cached (verify.DefaultCacheSize),
// auth0-v3 (github.com/auth0/go-jwt-middleware/v3), jwtauth
// (github.com/go-chi/jwtauth/v5), keyfunc (github.com/MicahParks/keyfunc/v3
// with github.com/golang-jwt/jwt/v5) and none (no authentication: the
// ceiling of this server and load generator). Workloads: hot (one valid
// token), cold (20,000 distinct valid tokens, cycled) and forged (1,000
// tokens with a flipped signature bit, which must get 401). Tokens are
// Keycloak-shaped RS256 access tokens of about 700 bytes of claims.
//
// Where taskset(1) exists and there are at least two cores, the server is
// pinned to -server-cpu and the load generator (this process) to
// -load-cpu, so each has one core and the server's CPU time is its own.
// Before measuring, every server is checked: it must answer 204 to a valid
// token and 401 to a forged, expired, exp-less, wrong-issuer,
// wrong-audience, alg-none and unknown-kid token (a known gap is reported,
// not hidden).
//
// Usage, from bench/:
//
//	go run ./cmd/httpbench            # 3 rounds × 3 workloads × 6 contenders, 2 s each: ~2.5 min
//	go run ./cmd/httpbench -quick     # 1 round, 1 s each: ~30 s
//	go run ./cmd/httpbench -help
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuPath is where a server reports its process's CPU time, outside the
// authenticated routes.
const cpuPath = "/_cpu"

// pinnedEnv marks the process that taskset started, so it does not start
// itself again.
const pinnedEnv = "HTTPBENCH_PINNED"

type options struct {
	keys        string
	serve       string
	contenders  string
	workloads   string
	rounds      int
	duration    time.Duration
	warmup      time.Duration
	conns       int
	maxRequests int64
	coldTokens  int
	pin         bool
	serverCPU   int
	loadCPU     int
}

func main() {
	var o options
	quick := flag.Bool("quick", false, "1 round of 1 s per measurement (0.25 s warm-up)")
	flag.StringVar(&o.keys, "keys", "../testdata/keys", "jwtguard's testdata/keys directory (rsa2048.pem)")
	flag.StringVar(&o.serve, "serve", "", "internal: serve this contender and print its address")
	flag.StringVar(&o.contenders, "contenders", strings.Join(contenders, ","), "contenders, comma-separated")
	flag.StringVar(&o.workloads, "workloads", "hot,cold,forged", "workloads, comma-separated")
	flag.IntVar(&o.rounds, "rounds", 3, "rounds: each measures every contender on every workload, in a rotated order")
	flag.DurationVar(&o.duration, "duration", 2*time.Second, "measured time per contender and workload")
	flag.DurationVar(&o.warmup, "warmup", 500*time.Millisecond, "unmeasured load before each measurement")
	flag.IntVar(&o.conns, "conns", 4, "keep-alive connections (each a closed loop)")
	flag.Int64Var(&o.maxRequests, "max-requests", 2_000_000, "at most this many requests per measurement")
	flag.IntVar(&o.coldTokens, "cold-tokens", 20_000, "distinct tokens of the cold workload")
	flag.BoolVar(&o.pin, "pin", true, "pin server and load generator to their own cores with taskset, where it exists")
	flag.IntVar(&o.serverCPU, "server-cpu", 0, "the server's core when pinned")
	flag.IntVar(&o.loadCPU, "load-cpu", 1, "the load generator's core when pinned")
	flag.Parse()
	if *quick {
		// Flags given explicitly win over -quick's values.
		set := map[string]bool{}
		flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["rounds"] {
			o.rounds = 1
		}
		if !set["duration"] {
			o.duration = time.Second
		}
		if !set["warmup"] {
			o.warmup = 250 * time.Millisecond
		}
	}
	var err error
	if o.serve != "" {
		err = serve(o)
	} else {
		err = orchestrate(o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "httpbench:", err)
		os.Exit(1)
	}
}

// serve runs one contender's server on a loopback port, prints
// "listening ADDR", and serves until its standard input closes (the
// parent ended) or it gets SIGTERM.
func serve(o options) error {
	_, km, err := loadKey(o.keys)
	if err != nil {
		return err
	}
	h, stop, err := newContender(o.serve, km)
	if err != nil {
		return err
	}
	defer stop()
	mux := http.NewServeMux()
	mux.HandleFunc(cpuPath, func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, int64(cpuTime()))
	})
	mux.Handle("/", h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute}
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
		stdin := make(chan struct{})
		go func() { _, _ = io.Copy(io.Discard, os.Stdin); close(stdin) }()
		select {
		case <-sig:
		case <-stdin:
		}
		srv.Close()
	}()
	fmt.Printf("listening %s\n", ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// canPin reports whether the server and the load generator can each get a
// core of their own. The process taskset started sees only its own core,
// so it trusts the mark its parent left.
func canPin(o options) (string, bool) {
	if !o.pin || runtime.GOOS != "linux" {
		return "", false
	}
	if os.Getenv(pinnedEnv) == "" && runtime.NumCPU() < 2 {
		return "", false
	}
	path, err := exec.LookPath("taskset")
	return path, err == nil
}

// orchestrate makes the tokens, starts itself again pinned to the load
// core where it can, then measures.
func orchestrate(o options) error {
	priv, km, err := loadKey(o.keys)
	if err != nil {
		return err
	}
	// Signing uses every core, so it runs before pinning; the pinned
	// process reads the tokens kept on disk.
	cold, err := coldTokens(priv, o.coldTokens)
	if err != nil {
		return err
	}
	taskset, pin := canPin(o)
	if pin && os.Getenv(pinnedEnv) == "" {
		self, err := os.Executable()
		if err != nil {
			return err
		}
		cmd := exec.Command(taskset, append([]string{"-c", strconv.Itoa(o.loadCPU), self}, os.Args[1:]...)...)
		cmd.Env = append(os.Environ(), pinnedEnv+"="+strconv.Itoa(runtime.NumCPU()))
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				os.Exit(exit.ExitCode())
			}
			return err
		}
		return nil
	}
	bad, err := badTokens(priv, cold[0])
	if err != nil {
		return err
	}
	forged := make([]string, min(1000, len(cold)))
	for i := range forged {
		forged[i] = forge(cold[i])
	}
	b := &bench{o: o, km: km, taskset: taskset, pinned: pin, bad: bad,
		workloads: map[string][]string{"hot": cold[:1], "cold": cold, "forged": forged}}
	return b.run(context.Background())
}

// startServer starts the contender's server process and returns its base
// URL and a function that stops it.
func (b *bench) startServer(name string) (string, func(), error) {
	self, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	args := []string{"-serve", name, "-keys", b.o.keys}
	var cmd *exec.Cmd
	if b.pinned {
		cmd = exec.Command(b.taskset, append([]string{"-c", strconv.Itoa(b.o.serverCPU), self}, args...)...)
	} else {
		cmd = exec.Command(self, args...)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	addr, found := strings.CutPrefix(strings.TrimSpace(line), "listening ")
	if err != nil || !found {
		stop()
		return "", nil, fmt.Errorf("%s: no address from the server (%q, %v)", name, line, err)
	}
	return "http://" + addr, stop, nil
}
