package verify

import (
	"sync/atomic"
	"time"
)

// reanchorEvery bounds how long wallClock follows the monotonic clock
// alone: a step of the system's wall clock (settimeofday, an NTP step, a
// resume from suspend, during which the monotonic clock stands still) is
// seen at most this long (of monotonic time) after it happened. A new
// anchor costs one time.Now, so at most a thousand a second: nothing next
// to the hits in between, and no more than a reading per request costs
// when requests are rarer.
const reanchorEvery = time.Millisecond

// wallClock is the clock of a Verifier whose Config.Now is nil: the wall
// time (Unix nanoseconds), derived from the monotonic clock.
//
// time.Now reads two clocks (wall and monotonic); time.Since on a time that
// carries a monotonic reading reads only one, at about half the cost. So
// wallClock keeps the offset between the two clocks, taken from one
// time.Now reading (its anchor), and answers the monotonic reading plus
// that offset. The monotonic clock is slewed like the wall clock, so the
// two only drift apart when the wall clock is stepped; the first reading
// reanchorEvery after the anchor takes a new one with time.Now, so a step
// is seen within that bound. No goroutine and no timer: the reading that
// finds the anchor too old renews it.
//
// Reading it writes nothing shared (two atomic loads), except once per
// reanchorEvery: hits on several cores do not contend on it.
type wallClock struct {
	_ [64]byte // keeps the fields below off the cache lines of neighbours
	// offset is wall minus monotonic nanoseconds, as of the anchor: one
	// word, so a reader never sees half of an anchor.
	offset atomic.Int64
	// anchoredAt is the monotonic reading of the anchor. It only decides
	// when to take a new one.
	anchoredAt atomic.Int64
	// mono returns monotonic nanoseconds (monoNow when nil: a direct
	// call); anchor returns the wall time (Unix nanoseconds) and the
	// monotonic time of one time.Now reading. Tests replace them.
	mono   func() int64
	anchor func() (wall, mono int64)
	_      [64]byte
}

// monoStart is the origin of the monotonic readings.
var monoStart = time.Now()

func monoNow() int64 { return int64(time.Since(monoStart)) }

func anchorNow() (wall, mono int64) {
	t := time.Now()
	return t.UnixNano(), int64(t.Sub(monoStart))
}

// systemClock is the clock of every Verifier without Config.Now.
var systemClock = newWallClock(nil, anchorNow)

func newWallClock(mono func() int64, anchor func() (wall, mono int64)) *wallClock {
	c := &wallClock{mono: mono, anchor: anchor}
	c.reanchor()
	return c
}

// nowNs returns the wall time in Unix nanoseconds.
func (c *wallClock) nowNs() int64 {
	var m int64
	if c.mono == nil {
		m = monoNow()
	} else {
		m = c.mono()
	}
	// A negative difference means another reader anchored after m was
	// read: the offset it stored holds for m too.
	if m-c.anchoredAt.Load() < int64(reanchorEvery) {
		return m + c.offset.Load()
	}
	return c.reanchor()
}

// reanchor takes a new anchor and returns its wall time.
func (c *wallClock) reanchor() int64 {
	wall, mono := c.anchor()
	c.offset.Store(wall - mono)
	c.anchoredAt.Store(mono)
	return wall
}

// now returns the wall time as a time.Time (without monotonic reading).
func (c *wallClock) now() time.Time { return time.Unix(0, c.nowNs()) }
