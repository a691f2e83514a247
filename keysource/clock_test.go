package keysource

import (
	"sync"
	"testing"
	"time"
)

// fakeClock is a Clock whose time moves only by Advance.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) NewTimer(d time.Duration) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{clock: c, ch: make(chan time.Time, 1), when: c.now.Add(d), active: true}
	c.timers = append(c.timers, t)
	c.fireLocked()
	return t
}

// Advance moves the clock by d and fires the timers that are due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.fireLocked()
}

// Armed returns the deadlines of the active timers.
func (c *fakeClock) Armed() []time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []time.Time
	for _, t := range c.timers {
		if t.active {
			out = append(out, t.when)
		}
	}
	return out
}

func (c *fakeClock) fireLocked() {
	for _, t := range c.timers {
		if t.active && !t.when.After(c.now) {
			t.active = false
			select {
			case t.ch <- c.now:
			default:
			}
		}
	}
}

type fakeTimer struct {
	clock  *fakeClock
	ch     chan time.Time
	when   time.Time
	active bool
}

func (t *fakeTimer) C() <-chan time.Time { return t.ch }

func (t *fakeTimer) Reset(d time.Duration) bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	was := t.active
	t.drain()
	t.when, t.active = t.clock.now.Add(d), true
	t.clock.fireLocked()
	return was
}

func (t *fakeTimer) Stop() bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	was := t.active
	t.drain()
	t.active = false
	return was
}

func (t *fakeTimer) drain() {
	select {
	case <-t.ch:
	default:
	}
}

func TestFakeClock(t *testing.T) {
	c := newFakeClock()
	tm := c.NewTimer(time.Minute)
	c.Advance(59 * time.Second)
	select {
	case <-tm.C():
		t.Fatal("fired early")
	default:
	}
	c.Advance(time.Second)
	select {
	case <-tm.C():
	default:
		t.Fatal("did not fire")
	}
	tm.Reset(time.Second)
	c.Advance(time.Hour)
	if !tm.Reset(time.Second) {
		// fired and not received: Reset discards it and reports it inactive
		select {
		case <-tm.C():
			t.Fatal("Reset kept a stale value")
		default:
		}
	}
	if !tm.Stop() {
		t.Fatal("Stop of an armed timer reported false")
	}
}

func TestSystemClock(t *testing.T) {
	var c Clock = systemClock{}
	if d := time.Since(c.Now()); d < 0 || d > time.Second {
		t.Fatalf("Now is %s off", d)
	}
	tm := c.NewTimer(time.Millisecond)
	<-tm.C()
	if tm.Stop() {
		t.Fatal("Stop after firing reported true")
	}
	tm.Reset(time.Hour)
	if !tm.Stop() {
		t.Fatal("Stop of an armed timer reported false")
	}
}

// NewTestClock gives the external tests (package keysource_test) a fake
// clock: Now, NewTimer, and Advance to move it.
func NewTestClock() *fakeClock { return newFakeClock() }
