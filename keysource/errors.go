package keysource

import "errors"

// Errors returned by key sources. They are wrapped with %w: test with errors.Is.
var (
	// ErrUnavailable means no usable keys can be had: the first fetch has not
	// succeeded, or the last good keys are older than the maximum staleness.
	// HTTP middleware answers it with 503.
	ErrUnavailable = errors.New("keysource: keys unavailable")
	// ErrInvalidKey means a key breaks one of the rules of NewKey. The error
	// is a *KeyError naming the key and the rule.
	ErrInvalidKey = errors.New("keysource: invalid key")
	// ErrNoKeys means a key set holds no usable key.
	ErrNoKeys = errors.New("keysource: no usable keys")
	// ErrMixedKeys means a set mixes HMAC secrets with asymmetric keys.
	ErrMixedKeys = errors.New("keysource: symmetric and asymmetric keys mixed in one set")
	// ErrDuplicateKID means two keys in one set share a "kid".
	ErrDuplicateKID = errors.New("keysource: duplicate kid")
	// ErrMalformed means key data (a JWK set, a PEM file) cannot be parsed.
	ErrMalformed = errors.New("keysource: malformed key data")
)
