package readiness

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/revocation"
)

// statuser is a key source that reports its state without blocking: the
// remote sources (JWKS, OIDC, PEM URL).
type statuser interface {
	Status() keysource.Status
}

// KeySource checks a key source. A remote source (one with Status) is
// ready while it serves keys that are not stale: not before its first
// successful fetch, and not after MaxStale without one. It never fetches:
// start the source with Eager, or let the first request fetch. Any other
// source is ready when Keys answers within the timeout.
func KeySource(name string, src keysource.Source) Check {
	return Check{Name: name, Ready: func(ctx context.Context) error {
		if s, ok := src.(statuser); ok {
			st := s.Status()
			switch {
			case st.Serving:
				return nil
			case st.LastSuccess.IsZero():
				return &NotReady{Reason: "no keys fetched yet", Err: st.LastError}
			default:
				return &NotReady{Reason: "keys stale", Err: fmt.Errorf("last fetched %s, stale since %s: %w",
					st.LastSuccess.UTC().Format(time.RFC3339), st.StaleAt.UTC().Format(time.RFC3339), orNone(st.LastError))}
			}
		}
		if _, err := src.Keys(ctx); err != nil {
			return &NotReady{Reason: "keys unavailable", Err: err}
		}
		return nil
	}}
}

// Revocation checks a revocation store: ready while it is in sync with the
// shared state (the in-memory store always is).
func Revocation(name string, store interface{ Status() revocation.Status }) Check {
	return Check{Name: name, Ready: func(context.Context) error {
		st := store.Status()
		if st.InSync {
			return nil
		}
		return &NotReady{Reason: "revocation store out of sync", Err: fmt.Errorf("lag %s: %w", st.Lag.Round(time.Second), orNone(st.LastError))}
	}}
}

var errNone = errors.New("no error recorded")

func orNone(err error) error {
	if err == nil {
		return errNone
	}
	return err
}
