package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/jwtguard/jwtguard/internal/redistest"
	"github.com/jwtguard/jwtguard/redisstore"
	"github.com/jwtguard/jwtguard/revocation"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const iss = "https://sso.example/realms/main"

// unsigned makes a JWT with the given claims and a dummy signature: the
// command never checks it.
func unsigned(t *testing.T, claims map[string]any) string {
	t.Helper()
	b, err := json.Marshal(claims)
	require.NoError(t, err)
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc(b) + "." + enc([]byte("sig"))
}

// jwtrevoke runs the command and returns its exit status, stdout and
// stderr.
func jwtrevoke(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errs bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errs)
	return code, out.String(), errs.String()
}

// follower is a service replica on srv, as the services run it.
func follower(t *testing.T, srv *redistest.Server) *redisstore.Revocation {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	s, err := redisstore.NewRevocation(redisstore.RevocationConfig{Client: c, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close(); _ = c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, s.WaitSynced(ctx))
	return s
}

// refusedSoon waits until the replica refuses tok (the feed is followed
// asynchronously).
func refusedSoon(t *testing.T, s revocation.Checker, tok revocation.Token) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := s.Check(&tok)
		if errors.Is(err, revocation.ErrRevoked) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replica does not refuse %+v: %v", tok, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestRevokeEachKind(t *testing.T) {
	srv := redistest.Start(t)
	replica := follower(t, srv)
	now := time.Now()
	exp := now.Add(time.Hour).Unix()
	tests := []struct {
		name    string
		stdin   string
		args    []string
		out     string
		revoked revocation.Token
		stands  revocation.Token
	}{
		{name: "token as argument", args: []string{"token", unsigned(t, map[string]any{"iss": iss, "jti": "j1", "exp": exp})},
			out:     `revoked token jti="j1" of issuer "` + iss + `", until `,
			revoked: revocation.Token{Issuer: iss, ID: "j1"}, stands: revocation.Token{Issuer: iss, ID: "j2"}},
		{name: "token on stdin", stdin: unsigned(t, map[string]any{"iss": iss, "jti": "j3", "exp": exp}) + "\n", args: []string{"token"},
			out:     `revoked token jti="j3"`,
			revoked: revocation.Token{Issuer: iss, ID: "j3"}, stands: revocation.Token{Issuer: "https://other.example", ID: "j3"}},
		{name: "session", args: []string{"session", "-iss", iss, "-sid", "s1"}, out: `revoked session sid="s1"`,
			revoked: revocation.Token{Issuer: iss, SessionID: "s1"}, stands: revocation.Token{Issuer: iss, SessionID: "s2"}},
		{name: "subject now", args: []string{"subject", "-iss", iss, "-sub", "alice"}, out: `revoked subject sub="alice" of issuer "` + iss + `" issued at or before `,
			revoked: revocation.Token{Issuer: iss, Subject: "alice", IssuedAt: now.Add(-time.Minute)},
			stands:  revocation.Token{Issuer: iss, Subject: "alice", IssuedAt: now.Add(time.Minute)}},
		{name: "subject before", args: []string{"subject", "-iss", iss, "-sub", "bob", "-before", strconv.FormatInt(now.Add(-time.Hour).Unix(), 10)},
			out:     `revoked subject sub="bob"`,
			revoked: revocation.Token{Issuer: iss, Subject: "bob", IssuedAt: now.Add(-2 * time.Hour)},
			stands:  revocation.Token{Issuer: iss, Subject: "bob", IssuedAt: now.Add(-30 * time.Minute)}},
		{name: "client", args: []string{"client", "-iss", iss, "-client", "app", "-before", now.Add(-time.Hour).UTC().Format(time.RFC3339)},
			out:     `revoked client "app"`,
			revoked: revocation.Token{Issuer: iss, ClientID: "app", IssuedAt: now.Add(-2 * time.Hour)},
			stands:  revocation.Token{Issuer: iss, ClientID: "app", IssuedAt: now}},
		{name: "issuer cut-off", args: []string{"issuer", "-iss", "https://compromised.example", "-before", "now"}, out: `revoked every token of issuer "https://compromised.example"`,
			revoked: revocation.Token{Issuer: "https://compromised.example", IssuedAt: now.Add(-time.Minute)},
			stands:  revocation.Token{Issuer: iss, IssuedAt: now.Add(-time.Minute)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := jwtrevoke(t, tt.stdin, append([]string{tt.args[0], "-redis", srv.URL()}, tt.args[1:]...)...)
			require.Equal(t, exitOK, code, errs)
			assert.Contains(t, out, tt.out)
			refusedSoon(t, replica, tt.revoked)
			assert.NoError(t, replica.Check(&tt.stands))
		})
	}

	t.Run("count and list", func(t *testing.T) {
		code, out, errs := jwtrevoke(t, "", "count", "-redis", srv.URL())
		require.Equal(t, exitOK, code, errs)
		assert.Equal(t, "7\n", out)
		code, out, _ = jwtrevoke(t, "", "count", "-redis", srv.URL(), "-iss", iss)
		require.Equal(t, exitOK, code)
		assert.Equal(t, "6\n", out)

		code, out, errs = jwtrevoke(t, "", "list", "-redis", srv.URL())
		require.Equal(t, exitOK, code, errs)
		assert.Contains(t, out, "KIND")
		assert.Contains(t, out, `session  `+iss+`  "s1"`)
		assert.Contains(t, errs, "7 entries in force")

		code, out, _ = jwtrevoke(t, "", "list", "-redis", srv.URL(), "-json", "-iss", "https://compromised.example")
		require.Equal(t, exitOK, code)
		var e entryJSON
		require.NoError(t, json.Unmarshal([]byte(out), &e), out)
		assert.Equal(t, "issuer", e.Kind)
		assert.NotEmpty(t, e.Before)
		assert.Empty(t, e.Value)
	})
}

func TestRedisDidNotTakeIt(t *testing.T) {
	srv := redistest.Start(t)
	srv.Kill()
	for _, args := range [][]string{
		{"session", "-iss", iss, "-sid", "s1"},
		{"token", unsigned(t, map[string]any{"iss": iss, "jti": "j", "exp": time.Now().Add(time.Hour).Unix()})},
		{"list"},
		{"count"},
	} {
		t.Run(args[0], func(t *testing.T) {
			t.Parallel()
			code, out, errs := jwtrevoke(t, "", append([]string{args[0], "-redis", srv.URL(), "-timeout", "3s"}, args[1:]...)...)
			assert.Equal(t, exitRedis, code, errs)
			assert.Empty(t, out)
			assert.Contains(t, errs, "jwtrevoke: ")
			if args[0] == "session" || args[0] == "token" {
				assert.Contains(t, errs, "Redis did not take the revocation, nothing was revoked")
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	t.Setenv(redisEnv, "")
	url := "redis://127.0.0.1:1/0" // never reached: usage errors come first
	exp := time.Now().Add(time.Hour).Unix()
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{name: "no command", want: "a command is required"},
		{name: "unknown command", args: []string{"revoke"}, want: `unknown command "revoke"`},
		{name: "no redis", args: []string{"session", "-iss", iss, "-sid", "s"}, want: "-redis URL is required"},
		{name: "bad redis URL", args: []string{"session", "-redis", "http://x", "-iss", iss, "-sid", "s"}, want: `-redis "http://x": redis: invalid URL scheme`},
		{name: "session without iss", args: []string{"session", "-redis", url, "-sid", "s"}, want: "session needs -iss"},
		{name: "session without sid", args: []string{"session", "-redis", url, "-iss", iss}, want: "session needs -sid"},
		{name: "subject without sub", args: []string{"subject", "-redis", url, "-iss", iss}, want: "subject needs -sub"},
		{name: "client without client", args: []string{"client", "-redis", url, "-iss", iss}, want: "client needs -client"},
		{name: "issuer without before", args: []string{"issuer", "-redis", url, "-iss", iss}, want: "issuer needs -before"},
		{name: "bad before", args: []string{"subject", "-redis", url, "-iss", iss, "-sub", "a", "-before", "yesterday"}, want: `-before "yesterday" is not RFC 3339`},
		{name: "flag of another command", args: []string{"session", "-redis", url, "-iss", iss, "-sid", "s", "-before", "now"}, want: "flag provided but not defined: -before"},
		{name: "stray argument", args: []string{"session", "-redis", url, "-iss", iss, "-sid", "s", "extra"}, want: `unexpected argument "extra"`},
		{name: "two tokens", args: []string{"token", "-redis", url, "a.b.c", "d.e.f"}, want: "token takes one token"},
		{name: "no token", args: []string{"token", "-redis", url}, want: "no token"},
		{name: "not a JWT", args: []string{"token", "-redis", url, "hello"}, want: "not a JWT"},
		{name: "JWE", args: []string{"token", "-redis", url, "a.b.c.d.e"}, want: "encrypted (JWE)"},
		{name: "token without iss", args: []string{"token", "-redis", url, unsigned(t, map[string]any{"jti": "j", "exp": exp})}, want: "the token has no iss"},
		{name: "token without jti", args: []string{"token", "-redis", url, unsigned(t, map[string]any{"iss": iss, "sid": "s9", "sub": "al", "exp": exp})},
			want: `the token has no jti, so it cannot be revoked alone; revoke its session (session -sid "s9"), or its subject's tokens (subject -sub "al")`},
		{name: "token without exp", args: []string{"token", "-redis", url, unsigned(t, map[string]any{"iss": iss, "jti": "j"})}, want: "the token has no exp"},
		{name: "exp not a number", args: []string{"token", "-redis", url, unsigned(t, map[string]any{"iss": iss, "jti": "j", "exp": "soon"})}, want: "not a JSON object of claims"},
		{name: "negative leeway", args: []string{"token", "-redis", url, "-leeway", "-1s", "a.b.c"}, want: "-leeway is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := jwtrevoke(t, tt.stdin, tt.args...)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, out)
			assert.Contains(t, errs, tt.want)
		})
	}
}

func TestExpiredTokenNothingToRevoke(t *testing.T) {
	tok := unsigned(t, map[string]any{"iss": iss, "jti": "old", "exp": time.Now().Add(-2 * time.Minute).Unix()})
	code, out, errs := jwtrevoke(t, "", "token", "-redis", "redis://127.0.0.1:1/0", tok)
	assert.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "nothing to revoke")
}

func TestRedisFromEnvironment(t *testing.T) {
	srv := redistest.Start(t)
	t.Setenv(redisEnv, srv.URL())
	code, out, errs := jwtrevoke(t, "", "session", "-iss", iss, "-sid", "env")
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "revoked session")
}

func TestHelp(t *testing.T) {
	code, _, errs := jwtrevoke(t, "", "-h")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, errs, "Exit status: 0 done, 1 Redis did not take it or could not be read, 2 usage error.")
	code, _, errs = jwtrevoke(t, "", "subject", "-h")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, errs, "-before")
}

// TestRedisURLErrorHidesPassword: a -redis URL that does not parse is named
// in the error with its password redacted: stderr ends up in logs.
func TestRedisURLErrorHidesPassword(t *testing.T) {
	t.Setenv(redisEnv, "")
	for _, url := range []string{
		"redis://user:s3cret@127.0.0.1:6379/x",
		"redis://:s3cret@127.0.0.1:63x9/0",
		"http://user:s3cret@127.0.0.1:6379",
	} {
		t.Run(url, func(t *testing.T) {
			code, out, errs := jwtrevoke(t, "", "session", "-redis", url, "-iss", iss, "-sid", "s")
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, out)
			assert.Contains(t, errs, "-redis ")
			assert.NotContains(t, errs, "s3cret")
		})
	}
}
