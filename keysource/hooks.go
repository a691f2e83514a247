package keysource

import "time"

// Hooks lets a metrics adapter (or a test) observe a remote source. Every
// field may be nil. The functions are called synchronously, from the source's
// refresh goroutine or from the verifier's goroutine that asked for keys, so
// they must be quick and must not call back into the source. source is the
// source's name: its URL, or the issuer for an OIDC source.
type Hooks struct {
	// RefreshStart is called when a fetch begins.
	RefreshStart func(source string, trigger Trigger)
	// RefreshEnd is called when a fetch ends, with its outcome and duration.
	RefreshEnd func(RefreshEvent)
	// KeysChanged is called after a fetch that changed the key set, with the
	// keys that appeared and the keys that left (by kid, or by material for
	// keys without kid). The first successful fetch reports every key as
	// added.
	KeysChanged func(source string, added, removed []*Key)
	// UnknownKID is called when a verifier asks for a refresh because a
	// token's kid is not in the set. The kid comes from an untrusted token:
	// it is cut to at most 64 bytes on a rune boundary ("..." marks a cut).
	// Never use it as a metric label (a label value per kid lets anyone
	// who sends tokens grow the metric's series without bound); count the
	// calls per source, and log the kid if it is wanted.
	UnknownKID func(source, kid string)
	// CooldownRejected is called when a refresh asked for by a verifier is
	// refused because an on-demand refresh ran less than RefreshCooldown ago
	// (or the server asked to wait with Retry-After, which holds such
	// refreshes back for RefreshCooldown at most): the verifier gets the
	// current set back at once.
	CooldownRejected func(source string, reason RefreshReason)
}

// RefreshEvent describes one finished fetch.
type RefreshEvent struct {
	// Source is the source's name: its URL, or the issuer of an OIDC source.
	Source string
	// Trigger says why the fetch ran.
	Trigger Trigger
	// Outcome says how it ended.
	Outcome Outcome
	// Duration is the fetch's wall time.
	Duration time.Duration
	// Err is the failure, for OutcomeFailed; nil otherwise.
	Err error
	// Keys is the number of keys served after the fetch (the old set's after
	// a failure; 0 when there is none).
	Keys int
}

// Trigger says why a remote source fetched its keys.
type Trigger uint8

const (
	// TriggerFirst is the first fetch (eager, or the first Keys or Ready
	// call of a lazy source).
	TriggerFirst Trigger = iota + 1
	// TriggerScheduled is a background refresh whose interval elapsed.
	TriggerScheduled
	// TriggerRetry is a background retry after a failed fetch.
	TriggerRetry
	// TriggerUnknownKID is an on-demand refresh for a kid not in the set.
	TriggerUnknownKID
	// TriggerSignature is an on-demand refresh after a signature failed
	// against the keys without kid (a PEM source's rotation).
	TriggerSignature
)

// String returns "first", "scheduled", "retry", "unknown_kid" or "signature".
func (t Trigger) String() string {
	switch t {
	case TriggerFirst:
		return "first"
	case TriggerScheduled:
		return "scheduled"
	case TriggerRetry:
		return "retry"
	case TriggerUnknownKID:
		return "unknown_kid"
	case TriggerSignature:
		return "signature"
	}
	return "unknown"
}

// Outcome says how a fetch ended.
type Outcome uint8

const (
	// OutcomeUpdated: a new key set is served.
	OutcomeUpdated Outcome = iota + 1
	// OutcomeUnchanged: the server sent the same document or the same keys;
	// the served set (the same *Set) stays.
	OutcomeUnchanged
	// OutcomeNotModified: the server answered 304 Not Modified; nothing was
	// parsed and the served set stays.
	OutcomeNotModified
	// OutcomeFailed: the fetch failed; the last good keys, if any, stay until
	// they are older than MaxStale.
	OutcomeFailed
)

// String returns "updated", "unchanged", "not_modified" or "failed".
func (o Outcome) String() string {
	switch o {
	case OutcomeUpdated:
		return "updated"
	case OutcomeUnchanged:
		return "unchanged"
	case OutcomeNotModified:
		return "not_modified"
	case OutcomeFailed:
		return "failed"
	}
	return "unknown"
}
