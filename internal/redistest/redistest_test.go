package redistest_test

import (
	"testing"

	"github.com/jwtguard/jwtguard/internal/redistest"
)

func TestServerLifecycle(t *testing.T) {
	s := redistest.Start(t)
	if r, err := s.Do("SET", "k", "v"); err != nil || r != "+OK" {
		t.Fatalf("SET: %q %v", r, err)
	}
	s.Stop(true)
	if _, err := s.Do("PING"); err == nil {
		t.Fatal("PING answered after Stop")
	}
	s.Restart()
	if r, err := s.Do("EXISTS", "k"); err != nil || r != ":1" {
		t.Fatalf("after Stop(true) and Restart, EXISTS k = %q %v; want :1", r, err)
	}
	s.Kill()
	s.Restart()
	if r, err := s.Do("EXISTS", "k"); err != nil || r != ":1" {
		t.Fatalf("Kill keeps the last saved data: EXISTS k = %q %v; want :1", r, err)
	}
	s.Kill()
	s.RestartEmpty()
	if r, err := s.Do("EXISTS", "k"); err != nil || r != ":0" {
		t.Fatalf("after RestartEmpty, EXISTS k = %q %v; want :0", r, err)
	}
}

func TestProxyCut(t *testing.T) {
	s := redistest.Start(t)
	p := redistest.NewProxy(t, s.Addr())
	if r, err := redistest.Do(p.Addr(), "PING"); err != nil || r != "+PONG" {
		t.Fatalf("through the proxy: %q %v", r, err)
	}
	p.Cut()
	if _, err := redistest.Do(p.Addr(), "PING"); err == nil {
		t.Fatal("PING answered through a cut proxy")
	}
	p.Heal()
	if r, err := redistest.Do(p.Addr(), "PING"); err != nil || r != "+PONG" {
		t.Fatalf("after Heal: %q %v", r, err)
	}
}
