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
// Reading it writes nothing shared (one atomic load), except once per
// reanchorEvery: hits on several cores do not contend on it.
type wallClock struct {
	_ [64]byte // keeps the fields below off the cache lines of neighbours
	// cur is the newest anchor: the offset and the monotonic reading it
	// was taken at, published together, so a reader never pairs one
	// anchor's offset with another's time.
	cur atomic.Pointer[clockAnchor]
	// mono returns monotonic nanoseconds (monoNow when nil: a direct
	// call); anchor returns the wall time (Unix nanoseconds) and the
	// monotonic time of one time.Now reading. Tests replace them.
	mono   func() int64
	anchor func() (wall, mono int64)
	_      [64]byte
}

// clockAnchor is one time.Now reading as wallClock keeps it. It is never
// changed once published.
type clockAnchor struct {
	// offset is wall minus monotonic nanoseconds.
	offset int64
	// at is the monotonic reading; it decides when to take a new anchor,
	// and which of two anchors is newer.
	at int64
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
	if a := c.cur.Load(); m-a.at < int64(reanchorEvery) {
		return m + a.offset
	}
	return c.reanchor()
}

// reanchor takes a new anchor and returns its wall time. The anchor is
// published only if no newer one was meanwhile: a reader descheduled
// between its time.Now and its store must not put back an offset from
// before a wall-clock step that a later anchor has already seen. It
// allocates, at most once per reanchorEvery.
func (c *wallClock) reanchor() int64 {
	wall, mono := c.anchor()
	next := &clockAnchor{offset: wall - mono, at: mono}
	for {
		old := c.cur.Load()
		if old != nil && old.at >= mono {
			return wall
		}
		if c.cur.CompareAndSwap(old, next) {
			return wall
		}
	}
}

// now returns the wall time as a time.Time (without monotonic reading).
func (c *wallClock) now() time.Time { return time.Unix(0, c.nowNs()) }
