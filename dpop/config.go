package dpop

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jwtguard/jwtguard/internal/jose"
)

// Defaults applied by New to zero fields of Config.
const (
	// DefaultIATWindow is how far a proof's iat may lie from the current
	// time, in either direction.
	DefaultIATWindow = 60 * time.Second
	// DefaultMaxProofBytes is the longest DPoP header value accepted, 8 KiB:
	// room for a proof carrying an RSA 4096 key.
	DefaultMaxProofBytes = 8 << 10
	// MaxJTIBytes is the longest "jti" accepted. RFC 9449 asks for at least
	// 96 bits of randomness; 256 bytes is plenty and bounds what one proof
	// can make a replay store remember.
	MaxJTIBytes = 256
	// MaxRSABits is the largest RSA modulus a proof's jwk may have. The
	// client picks its key, and the cost of checking a signature grows with
	// the square of the modulus, so larger keys are refused.
	MaxRSABits = 4096
)

// DefaultAlgorithms are the proof algorithms accepted when Config.Algorithms
// is nil: the asymmetric algorithms DPoP clients use.
var DefaultAlgorithms = []string{"ES256", "ES384", "ES512", "RS256", "PS256", "EdDSA"}

// Config configures a Checker. The zero value is usable: default algorithms,
// a 60 s window, an in-memory replay store, no server nonces, and htu checked
// against the request's own scheme and host.
type Config struct {
	// Algorithms is the allow-list of proof "alg" values. If nil,
	// DefaultAlgorithms. New refuses "none", HMAC algorithms (a proof is
	// signed with the client's private key, never a shared secret) and names
	// it does not support.
	Algorithms []string

	// IATWindow is how far a proof's "iat" may lie from the current time,
	// before or after. If zero, DefaultIATWindow (60 s). It also bounds how
	// long a proof's jti is remembered: a proof older than the window is
	// refused on its iat, so its jti need not be kept. Negative is an error.
	IATWindow time.Duration

	// Replay remembers the proofs accepted within the window, so that each
	// is accepted once. If nil, an in-memory store (NewMemoryReplay with its
	// defaults and Now): enough for one process; a service with several
	// replicas sets a shared store (redisstore.NewReplay) so that a proof
	// replayed to another replica is refused too.
	Replay ReplayStore

	// DeferReplay makes Check leave the replay store alone: the caller
	// records an accepted proof with Checker.Use once it has checked what
	// the proof is for (a resource server: that the access token is valid
	// and bound to the proof's key, cnf.jkt). Then only proofs that come
	// with a valid token bound to their key take room in the store, and a
	// client that signs proofs with keys of its own cannot fill it and
	// deny DPoP to everyone else. The middleware sets it. If false, Check
	// records every proof that passed its other checks.
	DeferReplay bool

	// Now returns the current time. If nil, time.Now.
	Now func() time.Time

	// MaxProofBytes is the longest DPoP header value accepted. If zero,
	// DefaultMaxProofBytes (8 KiB). Negative is an error.
	MaxProofBytes int

	// Nonces turns on server-provided nonces (RFC 9449 section 8). If nil,
	// nonces are off and a proof's "nonce" claim is ignored.
	Nonces *NonceConfig

	// ExternalBaseURL is the scheme and authority clients use to reach the
	// service, e.g. "https://api.example.com" (the address of the load
	// balancer in front of all replicas). When set, a proof's htu must have
	// exactly this scheme and authority (after normalization), whatever the
	// request's Host header and TLS state say; only the path comes from the
	// request. When empty, the scheme and host come from Request.URL, which
	// RequestFromHTTP fills from r.TLS and the Host header: see the package
	// documentation for the risk of trusting Host. It may not carry a path,
	// query, fragment or user information.
	ExternalBaseURL string
}

// Checker checks DPoP proofs. It is immutable after New and safe for
// concurrent use.
type Checker struct {
	algs        [32]bool // indexed by jose.Alg
	algNames    []string
	window      time.Duration
	replay      ReplayStore
	deferReplay bool // Config.DeferReplay
	now         func() time.Time
	maxBytes    int
	nonces      *nonces
	base        *origin // nil when ExternalBaseURL is empty
	headers     *headerCache
	// verify is jose.VerifySignature; a benchmark replaces it to measure
	// the checker's cost apart from the signature's.
	verify func(alg jose.Alg, key any, signingInput string, sig []byte) error
}

// New validates cfg, applies its defaults and returns a Checker.
func New(cfg Config) (*Checker, error) {
	c := &Checker{
		window:      cfg.IATWindow,
		replay:      cfg.Replay,
		deferReplay: cfg.DeferReplay,
		now:         cfg.Now,
		maxBytes:    cfg.MaxProofBytes,
		headers:     newHeaderCache(),
		verify:      jose.VerifySignature,
	}
	if c.now == nil {
		c.now = time.Now
	}
	switch {
	case c.window == 0:
		c.window = DefaultIATWindow
	case c.window < 0:
		return nil, errors.New("dpop: negative IATWindow")
	}
	switch {
	case c.maxBytes == 0:
		c.maxBytes = DefaultMaxProofBytes
	case c.maxBytes < 0:
		return nil, errors.New("dpop: negative MaxProofBytes")
	}
	names := cfg.Algorithms
	if names == nil {
		names = DefaultAlgorithms
	}
	if len(names) == 0 {
		return nil, errors.New("dpop: empty Algorithms")
	}
	for _, n := range names {
		a, ok := jose.ParseAlg(n)
		switch {
		case !ok:
			return nil, fmt.Errorf("dpop: algorithm %q is not a supported asymmetric JWS algorithm", n)
		case a.Symmetric():
			return nil, fmt.Errorf("dpop: algorithm %q is symmetric; a proof is signed with the client's private key", n)
		}
		if !c.algs[a] {
			c.algs[a] = true
			c.algNames = append(c.algNames, n)
		}
	}
	if cfg.ExternalBaseURL != "" {
		o, err := parseBaseURL(cfg.ExternalBaseURL)
		if err != nil {
			return nil, err
		}
		c.base = o
	}
	if cfg.Nonces != nil {
		n, err := newNonces(*cfg.Nonces, c.now)
		if err != nil {
			return nil, err
		}
		c.nonces = n
	}
	if c.replay == nil {
		m, err := NewMemoryReplay(MemoryReplayConfig{Now: c.now})
		if err != nil {
			return nil, err
		}
		c.replay = m
	}
	return c, nil
}

// Algorithms returns the accepted proof algorithms, for the algs parameter
// of a WWW-Authenticate: DPoP challenge.
func (c *Checker) Algorithms() []string { return slices.Clone(c.algNames) }

// Nonce returns the server nonce clients should use now, to send in a
// DPoP-Nonce response header, or "" when nonces are off.
func (c *Checker) Nonce() string {
	if c.nonces == nil {
		return ""
	}
	return c.nonces.current()
}
