package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// How sessions live and end (see sessions).
const (
	sessionLife  = 12 * time.Second // in use before it is ended
	sessionAfter = 25 * time.Second // still used, and refused, after it ended
)

// sessions starts a session (a token with its own sid and sub) at every
// tick, and ends the oldest one that has lived sessionLife: three times in
// four through the demo issuer's POST /logout, which sends a back-channel
// logout token to the API (by sid, or every fourth time by sub), and the
// fourth time with cmd/jwtrevoke, which revokes the token by its jti in
// Redis. The token of an ended session is still sent for sessionAfter, as
// a client that has not noticed would: the API refuses it (revoked).
type sessions struct {
	l                *loader
	jwtrevoke, redis string // cmd/jwtrevoke's binary and its -redis; "" for none

	mu     sync.Mutex
	n      int
	live   []*session
	ended  map[string]int // how sessions ended, by means
	failed int            // logouts and revocations that did not succeed
}

type session struct {
	tok, sid, sub string
	born, ended   time.Time // ended is zero while in use
}

func newSessions(l *loader, jwtrevoke, redis string) *sessions {
	return &sessions{l: l, jwtrevoke: jwtrevoke, redis: redis, ended: map[string]int{}}
}

// tick starts a session and ends one, then forgets those ended long ago.
func (s *sessions) tick(ctx context.Context) {
	s.mu.Lock()
	s.n++
	k := s.n
	s.mu.Unlock()
	tok, err := s.l.mint(url.Values{
		"sub": {fmt.Sprintf("session-user-%d", k)}, "sid": {fmt.Sprintf("session-%d", k)},
		"scope": {"openid reports:read"}, "roles": {"user"}, "ttl": {"1h"},
	})
	if err == nil {
		s.mu.Lock()
		s.live = append(s.live, &session{tok: tok, sid: fmt.Sprintf("session-%d", k), sub: fmt.Sprintf("session-user-%d", k), born: time.Now()})
		s.mu.Unlock()
	}

	now := time.Now()
	var end *session
	s.mu.Lock()
	kept := s.live[:0]
	for _, x := range s.live {
		if !x.ended.IsZero() && now.Sub(x.ended) > sessionAfter {
			continue
		}
		if end == nil && x.ended.IsZero() && now.Sub(x.born) >= sessionLife {
			end = x
			x.ended = now
		}
		kept = append(kept, x)
	}
	s.live = kept
	s.mu.Unlock()
	if end == nil {
		return
	}
	means, err := s.end(ctx, end, k)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		fmt.Printf("load: %s: %v\n", means, err)
		s.failed++
		return
	}
	s.ended[means]++
}

// end ends x by the k-th means of the cycle, and says which.
func (s *sessions) end(ctx context.Context, x *session, k int) (string, error) {
	switch {
	case k%4 == 3 && s.jwtrevoke != "":
		cmd := exec.CommandContext(ctx, s.jwtrevoke, "token", "-redis", s.redis, "-")
		cmd.Stdin = strings.NewReader(x.tok)
		if out, err := cmd.CombinedOutput(); err != nil {
			return "jwtrevoke token", fmt.Errorf("%w: %s", err, strings.TrimSpace(string(out)))
		}
		return "jwtrevoke token", nil
	case k%4 == 2:
		return "logout sub", s.logout(ctx, url.Values{"sub": {x.sub}})
	default:
		return "logout sid", s.logout(ctx, url.Values{"sid": {x.sid}})
	}
}

// logout asks the demo issuer to end a session.
func (s *sessions) logout(ctx context.Context, form url.Values) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.l.issuer+"/logout", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.l.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	return nil
}

// pick returns the token of a session, in use or ended; "" if none yet.
func (s *sessions) pick() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.live) == 0 {
		return ""
	}
	return s.live[rand.IntN(len(s.live))].tok
}

// summary says how many sessions ended, and how.
func (s *sessions) summary() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("%d sessions, ended by logout sid %d, logout sub %d, jwtrevoke token %d, failed %d",
		s.n, s.ended["logout sid"], s.ended["logout sub"], s.ended["jwtrevoke token"], s.failed)
}
