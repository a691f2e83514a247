package revocation_test

import (
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jwtguard/jwtguard/revocation"
)

func normalized(t testing.TB, e revocation.Entry, now time.Time) revocation.Entry {
	t.Helper()
	e, err := e.Normalize(now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestIndexAcrossRebuilds adds entries one by one, past the size at which
// the delta is merged into the base, and checks every one of them and a
// token that matches none after each step of the way.
func TestIndexAcrossRebuilds(t *testing.T) {
	c := newClock()
	x := revocation.NewIndex(c.Now)
	exp := c.Now().Add(time.Hour)
	const n = 3000
	for i := range n {
		kind := []revocation.Kind{revocation.KindToken, revocation.KindSession, revocation.KindSubject, revocation.KindClient}[i%4]
		x.Add(normalized(t, revocation.Entry{Kind: kind, Issuer: iss, Value: "v" + strconv.Itoa(i), Expires: exp}, c.Now()))
	}
	if got := x.Len(); got != n {
		t.Fatalf("Len = %d; want %d", got, n)
	}
	for i := range n {
		v := "v" + strconv.Itoa(i)
		tok := []revocation.Token{{Issuer: iss, ID: v}, {Issuer: iss, SessionID: v}, {Issuer: iss, Subject: v}, {Issuer: iss, ClientID: v}}[i%4]
		if err := x.Check(&tok); !errors.Is(err, revocation.ErrRevoked) {
			t.Fatalf("entry %d: Check = %v; want ErrRevoked", i, err)
		}
		// The same value under another kind is not revoked.
		other := []revocation.Token{{Issuer: iss, SessionID: v}, {Issuer: iss, Subject: v}, {Issuer: iss, ClientID: v}, {Issuer: iss, ID: v}}[i%4]
		if err := x.Check(&other); err != nil {
			t.Fatalf("entry %d under another kind: Check = %v; want nil", i, err)
		}
	}
	c.Advance(time.Hour)
	if err := x.Check(&revocation.Token{Issuer: iss, ID: "v0"}); err != nil {
		t.Fatalf("after expiry: Check = %v; want nil", err)
	}
	if got := x.Prune(); got != n {
		t.Fatalf("Prune dropped %d; want %d", got, n)
	}
}

// TestIndexCutoffsOfOneSubject adds two cut-offs for one subject, in
// either order: they merge into one entry with the later cut-off and the
// later expiry, which revokes every token either revoked.
func TestIndexCutoffsOfOneSubject(t *testing.T) {
	for _, reversed := range []bool{false, true} {
		t.Run(map[bool]string{false: "in order", true: "reversed"}[reversed], func(t *testing.T) {
			c := newClock()
			x := revocation.NewIndex(c.Now)
			t0 := c.Now()
			entries := []revocation.Entry{
				normalized(t, revocation.Entry{Kind: revocation.KindSubject, Issuer: iss, Value: "alice", Before: t0, Expires: t0.Add(2 * time.Hour)}, t0),
				normalized(t, revocation.Entry{Kind: revocation.KindSubject, Issuer: iss, Value: "alice", Before: t0.Add(time.Minute), Expires: t0.Add(time.Hour)}, t0),
			}
			if reversed {
				entries[0], entries[1] = entries[1], entries[0]
			}
			if n := x.Add(entries[0]) + x.Add(entries[1]); n != 1 || x.Len() != 1 {
				t.Fatalf("Add: %d new, Len %d; want one entry", n, x.Len())
			}
			if got := x.Entries(); len(got) != 1 || !got[0].Before.Equal(t0.Add(time.Minute)) || !got[0].Expires.Equal(t0.Add(2*time.Hour)) {
				t.Fatalf("Entries = %+v; want one with the later Before and Expires", got)
			}
			tests := []struct {
				name    string
				advance time.Duration
				iat     time.Time
				want    error
			}{
				{"before both", 0, t0.Add(-time.Second), revocation.ErrRevoked},
				{"between", 0, t0.Add(30 * time.Second), revocation.ErrRevoked},
				{"after both", 0, t0.Add(2 * time.Minute), nil},
				{"between, an hour on", time.Hour, t0.Add(30 * time.Second), revocation.ErrRevoked},
				{"before both, an hour on", 0, t0.Add(-time.Second), revocation.ErrRevoked},
				{"between, both expired", time.Hour, t0.Add(30 * time.Second), nil},
			}
			for _, tt := range tests {
				c.Advance(tt.advance)
				err := x.Check(&revocation.Token{Issuer: iss, Subject: "alice", IssuedAt: tt.iat})
				if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
					t.Fatalf("%s: Check = %v; want %v", tt.name, err, tt.want)
				}
			}
		})
	}
}

// TestIndexConcurrent runs checks while entries are added (go test -race).
func TestIndexConcurrent(t *testing.T) {
	c := newClock()
	x := revocation.NewIndex(c.Now)
	exp := c.Now().Add(time.Hour)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok := revocation.Token{Issuer: iss, ID: "never", Subject: "s", SessionID: "x"}
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := x.Check(&tok); err != nil {
					t.Errorf("Check = %v", err)
					return
				}
			}
		}()
	}
	for i := range 2 * 1024 {
		x.Add(normalized(t, revocation.TokenEntry(iss, strconv.Itoa(i), exp), c.Now()))
	}
	close(stop)
	wg.Wait()
}

func TestNormalize(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 123456789, time.UTC)
	e, err := revocation.SubjectEntry(iss, "s", time.Time{}).Normalize(now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if want := now.Truncate(time.Millisecond); !e.Before.Equal(want) {
		t.Errorf("Before = %v; want %v", e.Before, want)
	}
	if want := now.Add(time.Hour).Truncate(time.Millisecond).Add(time.Millisecond); !e.Expires.Equal(want) {
		t.Errorf("Expires = %v; want %v (rounded up)", e.Expires, want)
	}
	s, err := revocation.Entry{Kind: revocation.KindSession, Issuer: iss, Value: "x", Before: now}.Normalize(now, time.Hour)
	if err != nil || !s.Before.IsZero() {
		t.Errorf("session: Before = %v, %v; want zero", s.Before, err)
	}
	for k := revocation.KindToken; k <= revocation.KindIssuer; k++ {
		if got, err := revocation.ParseKind(k.String()); err != nil || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", k.String(), got, err)
		}
	}
	if _, err := revocation.ParseKind("jti"); !errors.Is(err, revocation.ErrInvalidEntry) {
		t.Errorf("ParseKind(jti) = %v; want ErrInvalidEntry", err)
	}
}
