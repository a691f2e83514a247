package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func quietLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

// startDeadURL returns a loopback URL on which nothing listens.
func startDeadURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return "http://" + addr + "/jwks.json"
}

// TestRunAsANewUser runs the command as the README does, reads the banner,
// pastes its curl commands (as HTTP requests), and stops it as Ctrl-C would.
func TestRunAsANewUser(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdoutR, stdoutW := io.Pipe()
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-demo-addr", "127.0.0.1:0"}, stdoutW, logs)
		stdoutW.Close()
	}()

	var banner []string
	sc := bufio.NewScanner(stdoutR)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for sc.Scan() {
		banner = append(banner, sc.Text())
		if strings.HasPrefix(sc.Text(), "One log line per request") {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, stdoutR) }()
	text := strings.Join(banner, "\n")
	require.Contains(t, text, "DEMO ONLY")

	apiURL := regexp.MustCompile(`(?m)^  API\s+(http://\S+)$`).FindStringSubmatch(text)
	require.Len(t, apiURL, 2, text)
	issuerURL := regexp.MustCompile(`(?m)^  demo issuer\s+(http://\S+)`).FindStringSubmatch(text)
	require.Len(t, issuerURL, 2, text)
	token := regexp.MustCompile(`(?m)^TOKEN='([A-Za-z0-9_.-]+)'$`).FindStringSubmatch(text)
	require.Len(t, token, 2, text)

	// Every curl line of the banner, with the status its comment promises.
	// A "-d form" line is a POST (the demo issuer's logout), the others GETs.
	curl := regexp.MustCompile(`(?m)^curl -i (?:-d (\S+) )?(?:-H "Authorization: Bearer \$(\w+)" )?(\S+)\s+# (\d{3})`)
	lines := curl.FindAllStringSubmatch(text, -1)
	require.Len(t, lines, 10, text)
	vars := map[string]string{"TOKEN": token[1]}
	vars["ADMIN"] = mintText(t, issuerURL[1], "roles=admin,user")
	vars["OLD"] = mintText(t, issuerURL[1], "ttl=-5m")
	for _, l := range lines {
		req, err := http.NewRequest(http.MethodGet, l[3], nil)
		require.NoError(t, err)
		if l[1] != "" {
			req, err = http.NewRequest(http.MethodPost, l[3], strings.NewReader(l[1]))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if l[2] != "" {
			req.Header.Set("Authorization", "Bearer "+vars[l[2]])
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, l[4], resp.Status[:3], l[0])
		if strings.Contains(l[0], "revoked") {
			assert.Contains(t, resp.Header.Get("WWW-Authenticate"), `error_description="revoked"`, l[0])
		}
	}
	assert.Contains(t, logs.String(), "path=/api/me status=401 reason=missing_token")

	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	assert.Contains(t, logs.String(), "shutting down")
	_, err := http.Get(apiURL[1] + "/healthz")
	assert.Error(t, err, "the API still answers after shutdown")
}

// mintText asks the demo issuer for a bare token, as the banner's
// curl -H 'Accept: text/plain' -d ... does.
func mintText(t *testing.T, issuerURL, form string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, issuerURL+tokenPath, strings.NewReader(form))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/plain")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(b))
	return strings.TrimSpace(string(b))
}
