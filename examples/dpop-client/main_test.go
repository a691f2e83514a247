package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestRunErrors: the client says what went wrong, and where to look. Its
// successful run against the example server is TestDPoPClientFlow in
// examples/chi-server, through the same internal/dpopclient.Demo.
func TestRunErrors(t *testing.T) {
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":"invalid_dpop_proof"}`, http.StatusBadRequest)
	}))
	defer down.Close()
	cases := []struct {
		name string
		args []string
		want string
	}{
		{name: "token endpoint refuses", args: []string{"-issuer", down.URL, "-api", down.URL + "/api/me"}, want: "token endpoint answered 400"},
		{name: "unknown flag", args: []string{"-nope"}, want: "flag provided but not defined"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := run(context.Background(), c.args, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("run: %v, want an error containing %q", err, c.want)
			}
		})
	}
	if err := run(context.Background(), []string{"-h"}, io.Discard, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
}
