package revocation

import (
	"fmt"
	"strconv"
	"sync"
	"time"
)

// usedSet remembers one-time identifiers until their time is up, at most max
// at once.
type usedSet struct {
	mu  sync.Mutex
	max int
	ids map[string]int64 // key → until, unix ns
}

func newUsedSet(max int) *usedSet { return &usedSet{max: max, ids: map[string]int64{}} }

// UsedKey is how a one-time identifier is keyed: the issuer's length, the
// issuer and the identifier, so that no two (issuer, id) pairs share a key.
func UsedKey(issuer, id string) string {
	return strconv.Itoa(len(issuer)) + ":" + issuer + id
}

func (u *usedSet) use(key string, now, until int64) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if t, ok := u.ids[key]; ok && t > now {
		return ErrReplayed
	}
	if len(u.ids) >= u.max {
		u.pruneLocked(now)
		if len(u.ids) >= u.max {
			return fmt.Errorf("%w: %d one-time identifiers remembered", ErrFull, u.max)
		}
	}
	u.ids[key] = until
	return nil
}

func (u *usedSet) release(key string) {
	u.mu.Lock()
	delete(u.ids, key)
	u.mu.Unlock()
}

func (u *usedSet) prune(now int64) {
	u.mu.Lock()
	u.pruneLocked(now)
	u.mu.Unlock()
}

func (u *usedSet) pruneLocked(now int64) {
	for k, t := range u.ids {
		if t <= now {
			delete(u.ids, k)
		}
	}
}

// UseUntil checks a Use call's arguments and clamps until to at most
// maxLifetime from now. It returns an error wrapping ErrInvalidEntry when
// issuer or id is empty or until is not after now.
func UseUntil(issuer, id string, until, now time.Time, maxLifetime time.Duration) (time.Time, error) {
	switch {
	case issuer == "":
		return time.Time{}, fmt.Errorf("%w: issuer required", ErrInvalidEntry)
	case id == "":
		return time.Time{}, fmt.Errorf("%w: identifier required", ErrInvalidEntry)
	case !until.After(now):
		return time.Time{}, fmt.Errorf("%w: a one-time identifier must be kept until a time after now", ErrInvalidEntry)
	}
	if limit := now.Add(maxLifetime); until.After(limit) {
		until = limit
	}
	return until, nil
}
