package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/jwtguard/jwtguard/revocation"
)

// entryJSON is one entry of list -json.
type entryJSON struct {
	Kind    string `json:"kind"`
	Issuer  string `json:"iss"`
	Value   string `json:"value,omitempty"`
	Before  string `json:"before,omitempty"`
	Expires string `json:"expires"`
}

// list prints the entries in force (list) or their number (count),
// filtered by -iss when given.
func list(ctx context.Context, store revocation.Store, o *options, stdout, stderr io.Writer) int {
	all, err := store.Entries(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "jwtrevoke: reading the entries from Redis: %v\n", err)
		return exitRedis
	}
	entries := all[:0]
	for _, e := range all {
		if o.iss == "" || e.Issuer == o.iss {
			entries = append(entries, e)
		}
	}
	if o.cmd == "count" {
		fmt.Fprintln(stdout, len(entries))
		return exitOK
	}
	slices.SortFunc(entries, func(a, b revocation.Entry) int {
		return cmp.Or(cmp.Compare(a.Issuer, b.Issuer), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Value, b.Value), a.Expires.Compare(b.Expires))
	})
	if o.asJSON {
		enc := json.NewEncoder(stdout)
		for _, e := range entries {
			j := entryJSON{Kind: e.Kind.String(), Issuer: e.Issuer, Value: e.Value, Expires: e.Expires.UTC().Format(time.RFC3339)}
			if !e.Before.IsZero() {
				j.Before = e.Before.UTC().Format(time.RFC3339)
			}
			if err := enc.Encode(j); err != nil {
				fmt.Fprintln(stderr, "jwtrevoke:", err)
				return exitRedis
			}
		}
		return exitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tISSUER\tVALUE\tISSUED AT OR BEFORE\tUNTIL")
	for _, e := range entries {
		before := "-"
		if !e.Before.IsZero() {
			before = e.Before.UTC().Format(time.RFC3339)
		}
		value := "-"
		if e.Value != "" {
			value = fmt.Sprintf("%q", e.Value)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Kind, e.Issuer, value, before, e.Expires.UTC().Format(time.RFC3339))
	}
	if err := tw.Flush(); err != nil {
		return exitRedis
	}
	fmt.Fprintf(stderr, "%d entries in force\n", len(entries))
	return exitOK
}
