package keysource

import "time"

// Clock tells time and makes timers for a remote source: its refresh
// schedule, cooldown, backoff and staleness all follow it. Tests inject a fake
// one; the zero FetchConfig uses the system clock. HTTP timeouts always use
// the system clock, because they guard real network calls.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// NewTimer returns a timer that fires once after d.
	NewTimer(d time.Duration) Timer
}

// Timer is the part of *time.Timer a remote source uses. Reset and Stop must
// discard a value that fired but was not yet received, as *time.Timer does
// since Go 1.23.
type Timer interface {
	// C returns the channel the timer fires on.
	C() <-chan time.Time
	// Reset makes the timer fire after d, whether or not it had fired.
	Reset(d time.Duration) bool
	// Stop prevents the timer from firing.
	Stop() bool
}

// systemClock is the Clock of the time package.
type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) NewTimer(d time.Duration) Timer { return systemTimer{time.NewTimer(d)} }

type systemTimer struct{ t *time.Timer }

func (t systemTimer) C() <-chan time.Time        { return t.t.C }
func (t systemTimer) Reset(d time.Duration) bool { return t.t.Reset(d) }
func (t systemTimer) Stop() bool                 { return t.t.Stop() }
