// Package redistest starts real redis-server processes for tests, on free
// loopback ports in temporary directories, and a TCP proxy that can cut a
// client off from one. It is imported by _test.go files only.
//
// A test that calls Start skips, with a message naming the missing binary,
// when redis-server is not on PATH; under CI (the CI environment variable
// set, as .ci/run runs) it fails instead, since .ci/run installs the
// binary and a skipped Redis test there would hide a gap.
package redistest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Binary is the server program looked up on PATH.
const Binary = "redis-server"

// Server is one redis-server process. Its address stays the same across
// Kill/Stop and Start, so clients reconnect to the same place.
type Server struct {
	t    testing.TB
	dir  string
	port int
	bin  string

	mu     sync.Mutex
	proc   *os.Process // nil when not running
	exited chan error  // receives the process's exit once
}

// Start starts a redis-server on a free loopback port with no persistence
// (nothing is saved unless Stop(true) asks) and stops it at the end of the
// test.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath(Binary)
	if err != nil {
		msg := Binary + " not found on PATH; install it (Debian: apt-get install -y redis-server) to run this test"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	s := &Server{t: t, dir: t.TempDir(), bin: bin}
	var lastErr error
	for range 5 {
		s.port, lastErr = freePort()
		if lastErr != nil {
			continue
		}
		if lastErr = s.start(); lastErr == nil {
			t.Cleanup(func() { s.Kill() })
			return s
		}
	}
	t.Fatalf("redistest: could not start %s: %v", Binary, lastErr)
	return nil
}

// Addr is host:port of the server.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// URL is the server's redis:// URL, database 0.
func (s *Server) URL() string { return "redis://" + s.Addr() + "/0" }

// Restart starts the server again on the same port after Kill or Stop. It
// loads the data that Stop(true) saved, if any.
func (s *Server) Restart() {
	s.t.Helper()
	if err := s.start(); err != nil {
		s.t.Fatalf("redistest: restart: %v", err)
	}
}

// RestartEmpty starts the server again on the same port with no data, as
// a Redis that lost its disk (or never had persistence) comes back.
func (s *Server) RestartEmpty() {
	s.t.Helper()
	if err := os.Remove(filepath.Join(s.dir, "dump.rdb")); err != nil && !os.IsNotExist(err) {
		s.t.Fatalf("redistest: %v", err)
	}
	s.Restart()
}

// Kill ends the server at once (SIGKILL): nothing is saved. It does nothing
// when the server is not running.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return
	}
	_ = s.proc.Kill()
	<-s.exited
	s.proc = nil
}

// Stop shuts the server down cleanly; with save, its data is written to
// disk first, so that Restart brings it back.
func (s *Server) Stop(save bool) {
	s.t.Helper()
	cmd := "SHUTDOWN NOSAVE"
	if save {
		cmd = "SHUTDOWN SAVE"
	}
	_, _ = s.Do(strings.Fields(cmd)...) // the connection closes without a reply
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return
	}
	defer func() { s.proc = nil }()
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		_ = s.proc.Kill()
		<-s.exited
		s.t.Errorf("redistest: %s did not shut down within 10 s", Binary)
	}
}

// Do sends one command and returns the first line of the reply (for
// example "+OK" or ":1"). It is for test set-up, not a client.
func (s *Server) Do(args ...string) (string, error) { return Do(s.Addr(), args...) }

// Do sends one command to the server at addr and returns the first line of
// the reply.
func Do(addr string, args ...string) (string, error) {
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := conn.Write([]byte(b.String())); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	return strings.TrimRight(line, "\r\n"), err
}

func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		return fmt.Errorf("already running")
	}
	cmd := exec.Command(s.bin,
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--dir", s.dir,
		"--dbfilename", "dump.rdb",
		"--save", "",
		"--appendonly", "no",
		"--protected-mode", "yes",
		"--logfile", filepath.Join(s.dir, "redis.log"),
	)
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			log, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
			return fmt.Errorf("%s exited: %v; log: %s", Binary, err, tail(log))
		default:
		}
		if r, err := s.Do("PING"); err == nil && r == "+PONG" {
			// The goroutine above is the one cmd.Wait; Kill and Stop
			// wait on its channel.
			s.proc, s.exited = cmd.Process, exited
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	<-exited
	return fmt.Errorf("%s did not answer PING within 10 s", Binary)
}

func tail(b []byte) string {
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
