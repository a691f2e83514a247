package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/dpop"
	"github.com/jwtguard/jwtguard/internal/dpopclient"
	"github.com/jwtguard/jwtguard/internal/redistest"
	"github.com/jwtguard/jwtguard/redisstore"
)

// TestDPoPClientFlow runs the dpop-client's demo against the example
// server: the demo issuer binds the token to the client's key, fresh
// proofs pass, a replayed proof and the token as Bearer are refused.
func TestDPoPClientFlow(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		asBearer string // reason for the token sent as Bearer
	}{
		{name: "allowed (default)", asBearer: "binding"},
		{name: "required", args: []string{"-dpop", "required"}, asBearer: "dpop_required"},
		{name: "server nonces", args: []string{"-dpop-nonce"}, asBearer: "binding"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, _ := startApp(t, c.args...)
			client, err := dpopclient.New()
			require.NoError(t, err)
			var out strings.Builder
			res, err := dpopclient.Demo(context.Background(), &out, client, a.issuerURL+tokenPath, a.apiURL+"/api/me")
			require.NoError(t, err, out.String())
			assert.Equal(t, "DPoP", res.Token.TokenType)
			assert.Equal(t, client.Thumbprint(), res.BoundTo)
			assert.Equal(t, http.StatusOK, res.First.Status, res.First.Body)
			assert.Contains(t, res.First.Body, `"typ":"DPoP"`)
			assert.Equal(t, http.StatusOK, res.Second.Status, res.Second.Body)
			assert.Equal(t, http.StatusUnauthorized, res.Replayed.Status)
			assert.Equal(t, "dpop_replayed", res.Replayed.Reason())
			assert.Equal(t, http.StatusUnauthorized, res.AsBearer.Status)
			assert.Equal(t, c.asBearer, res.AsBearer.Reason())
		})
	}
}

// TestDPoPTokenEndpointRefusesBadProofs: the demo issuer checks the proof
// sent to POST /token as an authorization server does.
func TestDPoPTokenEndpointRefusesBadProofs(t *testing.T) {
	a, _ := startApp(t)
	client, err := dpopclient.New()
	require.NoError(t, err)
	cases := []struct {
		name   string
		proof  func() string
		reason string
	}{
		{name: "proof for another URL", proof: func() string {
			p, err := dpop.NewProof(client.Key, http.MethodPost, a.apiURL+"/token", "", "")
			require.NoError(t, err)
			return p
		}, reason: dpop.ReasonHTU},
		{name: "proof for GET", proof: func() string {
			p, err := dpop.NewProof(client.Key, http.MethodGet, a.issuerURL+tokenPath, "", "")
			require.NoError(t, err)
			return p
		}, reason: dpop.ReasonHTM},
		{name: "not a JWS", proof: func() string { return "x.y" }, reason: dpop.ReasonMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, a.issuerURL+tokenPath, strings.NewReader(url.Values{"sub": {"x"}}.Encode()))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("DPoP", c.proof())
			resp, err := client.Send(req)
			require.NoError(t, err)
			assert.Equal(t, http.StatusBadRequest, resp.Status)
			assert.Contains(t, resp.Body, `"error":"invalid_dpop_proof"`)
			assert.Contains(t, resp.Body, `"error_description":"`+c.reason+`"`)
		})
	}
}

// TestDPoPReplicasShareRedis: two example servers behind one public URL
// share a redis-server; a proof accepted by the first is refused by the
// second. The second protects its API with the first's issuer through
// -oidc, so a DPoP-bound token verifies in that mode too.
func TestDPoPReplicasShareRedis(t *testing.T) {
	srv := redistest.Start(t)
	// A new Redis cannot be told from one that lost its data, so the replay
	// store refuses proofs for a while after it first sees it (see
	// redisstore.Replay): seed the epoch as if Redis had held it for long.
	if r, err := srv.Do("HSET", redisstore.DefaultReplayPrefix+"replay", "#epoch", "seeded:0"); err != nil || strings.HasPrefix(r, "-") {
		t.Fatalf("seeding the epoch: %q, %v", r, err)
	}
	const public = "https://api.example.test"
	a, _ := startApp(t, "-redis", srv.URL(), "-public-url", public)

	c, err := parseFlags([]string{"-addr", "127.0.0.1:0", "-oidc", a.issuerURL, "-aud", demoAudience,
		"-redis", srv.URL(), "-public-url", public}, io.Discard)
	require.NoError(t, err)
	b, err := start(context.Background(), c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, b.shutdown(context.Background())) })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, b.auth.ready(ctx))
	// -redis also shares revocations: each replica answers 503
	// revocation_unavailable until its store has synced, as /readyz says.
	waitReady(t, a)
	waitReady(t, b)

	client, err := dpopclient.New()
	require.NoError(t, err)
	client.PublicURL = public
	var out strings.Builder
	res, err := dpopclient.Demo(ctx, &out, client, a.issuerURL+tokenPath, a.apiURL+"/api/me")
	require.NoError(t, err, out.String())
	require.Equal(t, "DPoP", res.Token.TokenType)
	require.Equal(t, http.StatusOK, res.Second.Status, res.Second.Body)

	// The proof the first replica accepted, replayed to the second (what
	// dpop-client -replay-to does), then a fresh one: the token is good there.
	replayed, fresh, err := dpopclient.ReplayTo(ctx, &out, client, res, b.apiURL+"/api/me")
	require.NoError(t, err, out.String())
	require.Equal(t, http.StatusUnauthorized, replayed.Status, replayed.Body)
	require.Equal(t, "dpop_replayed", replayed.Reason())
	require.Equal(t, http.StatusOK, fresh.Status, fresh.Body)
}

// TestDPoPFlags: the DPoP flags' defaults and mistakes.
func TestDPoPFlags(t *testing.T) {
	c, err := parseFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "allowed", c.dpopMode.String())
	assert.False(t, c.dpopNonce)

	cases := []struct {
		name string
		args []string
		want string
	}{
		{name: "unknown mode", args: []string{"-dpop", "maybe"}, want: "must be off, allowed or required"},
		{name: "public URL with a path only", args: []string{"-public-url", "/api"}, want: "-public-url"},
		{name: "public URL of another scheme", args: []string{"-public-url", "ftp://x"}, want: "-public-url"},
		{name: "nonce secret without nonces", args: []string{"-dpop-nonce-secret-file", "x"}, want: "needs -dpop-nonce"},
		{name: "nonces with DPoP off", args: []string{"-dpop", "off", "-dpop-nonce"}, want: "-dpop off"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseFlags(c.args, io.Discard)
			require.ErrorContains(t, err, c.want)
		})
	}
}
