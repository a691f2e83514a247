package verify

import (
	"maps"
	"strings"
	"sync"
	"sync/atomic"
)

// maxCachedHeaders bounds the header cache. An issuer's tokens share a
// handful of headers (one per key and type), so a few dozen serve any real
// deployment.
const maxCachedHeaders = 64

// headerCache maps the base64url header segment of tokens that passed the
// header policy and then verified, to the decoded header. Only verified
// tokens add entries, so a client cannot fill it with headers of its own
// making. Reads take no lock: the map is replaced, never changed.
type headerCache struct {
	m  atomic.Pointer[map[string]*cachedHeader]
	mu sync.Mutex // serializes writers
}

type cachedHeader struct {
	h   header
	raw []byte
}

func (c *headerCache) get(seg string) *cachedHeader {
	m := c.m.Load()
	if m == nil {
		return nil
	}
	return (*m)[seg]
}

func (c *headerCache) put(seg string, h header, raw []byte) {
	if c.get(seg) != nil {
		return // the common case: no lock
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.m.Load()
	if old != nil {
		if _, ok := (*old)[seg]; ok || len(*old) >= maxCachedHeaders {
			return
		}
	}
	next := make(map[string]*cachedHeader, 8)
	if old != nil {
		maps.Copy(next, *old)
	}
	// Clone the key: seg points into a token the cache must not retain.
	next[strings.Clone(seg)] = &cachedHeader{h: h, raw: raw}
	c.m.Store(&next)
}
