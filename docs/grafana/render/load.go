package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// load sends a mix of requests to the example server for -duration, then
// stops by itself. Its phases, by elapsed share of the run:
//
//	always      repeated valid tokens (cache hits), fresh ones, no token,
//	            expired, tampered, malformed, /api/admin without the role
//	40%..55%    a burst of tokens with unknown kids (refresh, then cooldown)
//	70%..80%    a wave of expired tokens
//
// Beside that mix, it calls the API as DPoP clients (dpopLoad: fresh
// proofs, and now and then a replayed proof, a bound token sent as Bearer,
// a proof signed by the wrong key), and it starts and ends sessions
// (sessions: back-channel logouts through the demo issuer, and with
// -jwtrevoke revocations through Redis), whose tokens the mix keeps
// sending before and after they end.
//
// With -epr-api it also sends fresh tokens to an example server in EPR
// profile mode, which asks fake-epr about each.
func load(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	api := fs.String("api", "http://127.0.0.1:18080", "the example server's API (demo mode)")
	issuer := fs.String("issuer", "http://127.0.0.1:18081", "its demo issuer")
	eprAPI := fs.String("epr-api", "", "an example server in -profile epr mode (optional)")
	duration := fs.Duration("duration", 5*time.Minute, "how long to send")
	rps := fs.Int("rps", 40, "requests per second to -api")
	dpopRPS := fs.Int("dpop-rps", 5, "DPoP requests per second to -api (0: none)")
	jwtrevoke := fs.String("jwtrevoke", "", "cmd/jwtrevoke's binary: revoke some sessions' tokens with it (needs -redis)")
	redisURL := fs.String("redis", "", "the Redis the API shares revocations through (-redis of the API)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *duration <= 0 || *duration > time.Hour || *rps <= 0 || *rps > 1000 || *dpopRPS < 0 || *dpopRPS > 1000 {
		return fmt.Errorf("-duration must be in (0, 1h], -rps in (0, 1000] and -dpop-rps in [0, 1000]")
	}
	if (*jwtrevoke == "") != (*redisURL == "") {
		return fmt.Errorf("-jwtrevoke and -redis go together")
	}
	for _, u := range []string{*api, *issuer, *eprAPI, *redisURL} {
		if err := loopbackOnly(u); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, *duration)
	defer cancel()
	client := &http.Client{Timeout: 10 * time.Second}
	l := &loader{client: client, api: *api, issuer: *issuer}
	pool := make([]string, 20)
	for i := range pool {
		var err error
		if pool[i], err = l.mint(url.Values{"sub": {fmt.Sprintf("user-%d", i)}, "scope": {"openid reports:read"}, "roles": {"user"}, "ttl": {"2h"}}); err != nil {
			return err
		}
	}
	expired, err := l.mint(url.Values{"ttl": {"-5m"}})
	if err != nil {
		return err
	}
	var dp *dpopLoad
	if *dpopRPS > 0 {
		if dp, err = newDPoPLoad(ctx, l, 4); err != nil {
			return err
		}
	}
	sess := newSessions(l, *jwtrevoke, *redisURL)

	start := time.Now()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	tick := time.NewTicker(time.Second / time.Duration(*rps))
	defer tick.Stop()
	eprTick := time.NewTicker(100 * time.Millisecond)
	defer eprTick.Stop()
	sessTick := time.NewTicker(2 * time.Second)
	defer sessTick.Stop()
	var dpopC <-chan time.Time
	if dp != nil {
		dpopTick := time.NewTicker(time.Second / time.Duration(*dpopRPS))
		defer dpopTick.Stop()
		dpopC = dpopTick.C
	}
	send := func(f func()) {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			f()
		}()
	}
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			fmt.Printf("load: %d requests in %s; %s\n", l.sent(), time.Since(start).Round(time.Second), sess.summary())
			return nil
		case <-sessTick.C:
			send(func() { sess.tick(ctx) })
		case <-dpopC:
			send(func() { dp.one(ctx) })
		case <-eprTick.C:
			if *eprAPI != "" {
				send(func() { l.epr(*eprAPI) })
			}
		case <-tick.C:
			share := float64(time.Since(start)) / float64(*duration)
			tok := pool[rand.IntN(len(pool))]
			session := sess.pick()
			send(func() { l.one(share, tok, expired, session) })
		}
	}
}

// loopbackOnly refuses a URL that is not on this machine's loopback.
func loopbackOnly(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if h := u.Hostname(); h != "127.0.0.1" && h != "localhost" && h != "::1" {
		return fmt.Errorf("%s: load is sent to loopback addresses only", raw)
	}
	return nil
}

type loader struct {
	client      *http.Client
	api, issuer string
	mu          sync.Mutex
	n           int
}

func (l *loader) sent() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// one sends one request of the mix; session is a session's token, in use
// or ended ("" if none yet).
func (l *loader) one(share float64, pooled, expired, session string) {
	n := rand.IntN(100)
	switch {
	case share > 0.40 && share < 0.55 && n < 30:
		l.get("/api/me", withKID(pooled, fmt.Sprintf("rotated-%d", rand.IntN(1<<30))))
	case share > 0.70 && share < 0.80 && n < 25:
		l.get("/api/me", expired)
	case n < 10 && session != "":
		l.get("/api/me", session)
	case n < 60:
		l.get("/api/me", pooled)
	case n < 68:
		if tok, err := l.mint(url.Values{"sub": {fmt.Sprintf("fresh-%d", rand.IntN(1000))}}); err == nil {
			l.get("/api/reports", tok)
		}
	case n < 76:
		l.get("/api/me", "")
	case n < 82:
		l.get("/api/me", expired)
	case n < 88:
		l.get("/api/admin", pooled)
	case n < 94:
		l.get("/api/me", pooled[:len(pooled)-4]+"AAAA")
	default:
		l.get("/api/me", "not-a-jwt")
	}
}

func (l *loader) get(path, token string) {
	req, err := http.NewRequest(http.MethodGet, l.api+path, nil)
	if err != nil {
		return
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	l.do(req)
}

func (l *loader) do(req *http.Request) {
	resp, err := l.client.Do(req)
	if err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	l.count(1)
}

// count adds k to the requests sent.
func (l *loader) count(k int) {
	l.mu.Lock()
	l.n += k
	l.mu.Unlock()
}

// mint asks the demo issuer for a token.
func (l *loader) mint(form url.Values) (string, error) {
	req, err := http.NewRequest(http.MethodPost, l.issuer+"/token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/plain")
	resp, err := l.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("mint: %s: %s", resp.Status, b)
	}
	return strings.TrimSpace(string(b)), nil
}

// withKID returns tok with its header's kid replaced (its signature no
// longer matters: the kid is not in the key set).
func withKID(tok, kid string) string {
	h, rest, _ := strings.Cut(tok, ".")
	raw, err := base64.RawURLEncoding.DecodeString(h)
	if err != nil {
		return tok
	}
	var hdr map[string]any
	if json.Unmarshal(raw, &hdr) != nil {
		return tok
	}
	hdr["kid"] = kid
	raw, _ = json.Marshal(hdr)
	return base64.RawURLEncoding.EncodeToString(raw) + "." + rest
}

// epr sends a JWT-shaped token to the EPR-mode server, which asks
// fake-epr about it: fresh mostly, so that each is a remote check.
func (l *loader) epr(api string) {
	enc := base64.RawURLEncoding
	payload := fmt.Sprintf(`{"sub":"partner-user-%d","exp":%d}`, rand.IntN(50_000), time.Now().Add(time.Hour).Unix())
	tok := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc.EncodeToString([]byte(payload)) + ".c2lnbmF0dXJl"
	req, err := http.NewRequest(http.MethodGet, api+"/api/me", nil)
	if err != nil {
		return
	}
	req.Header.Set("x-access-token", tok)
	l.do(req)
}
