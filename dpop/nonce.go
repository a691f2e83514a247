package dpop

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"time"
)

// DefaultNonceStep is the lifetime of one server nonce when NonceConfig.Step
// is zero. A nonce is accepted during its own step and the next one.
const DefaultNonceStep = 5 * time.Minute

// MinNonceSecretBytes is the shortest NonceConfig.Secret accepted.
const MinNonceSecretBytes = 32

// NonceConfig turns on stateless server nonces. A nonce is an HMAC-SHA-256,
// under Secret, of the number of the current time step (Unix time divided by
// Step), cut to 128 bits and base64url-encoded. Replicas that share the
// secret (and keep their clocks in step) issue and accept the same nonces
// with no shared state. A proof's nonce is accepted when it is the nonce of
// the current step or of the previous one, so a nonce lives between one and
// two steps.
type NonceConfig struct {
	// Secret is the HMAC key shared by every replica, at least
	// MinNonceSecretBytes long. Required. Changing it invalidates the nonces
	// in use: clients get use_dpop_nonce once and retry.
	Secret []byte
	// Step is how long one nonce is issued. If zero, DefaultNonceStep
	// (5 minutes). It must be at least one second.
	Step time.Duration
}

type nonces struct {
	secret []byte
	step   int64 // seconds
	now    func() time.Time
}

func newNonces(cfg NonceConfig, now func() time.Time) (*nonces, error) {
	if len(cfg.Secret) < MinNonceSecretBytes {
		return nil, errors.New("dpop: NonceConfig.Secret is shorter than 32 bytes")
	}
	step := cfg.Step
	if step == 0 {
		step = DefaultNonceStep
	}
	if step < time.Second {
		return nil, errors.New("dpop: NonceConfig.Step is shorter than one second")
	}
	return &nonces{
		secret: append([]byte(nil), cfg.Secret...),
		step:   int64(step / time.Second),
		now:    now,
	}, nil
}

// nonceLen is the length of an encoded nonce.
var nonceLen = base64.RawURLEncoding.EncodedLen(16)

// mac returns the raw nonce of step n.
func (ns *nonces) mac(n int64) [16]byte {
	m := hmac.New(sha256.New, ns.secret)
	var b [len("jwtguard dpop nonce\x00") + 8]byte
	copy(b[:], "jwtguard dpop nonce\x00")
	binary.BigEndian.PutUint64(b[len(b)-8:], uint64(n))
	m.Write(b[:])
	var sum [sha256.Size]byte
	var out [16]byte
	copy(out[:], m.Sum(sum[:0]))
	return out
}

func (ns *nonces) stepAt(t time.Time) int64 {
	s := t.Unix()
	n := s / ns.step
	if s < 0 && s%ns.step != 0 {
		n--
	}
	return n
}

// current returns the nonce of the current step.
func (ns *nonces) current() string {
	m := ns.mac(ns.stepAt(ns.now()))
	return base64.RawURLEncoding.EncodeToString(m[:])
}

// valid reports whether got is the nonce of the current or previous step.
func (ns *nonces) valid(got string) bool {
	if len(got) != nonceLen {
		return false
	}
	var raw [16]byte
	if n, err := base64.RawURLEncoding.Strict().Decode(raw[:], []byte(got)); err != nil || n != len(raw) {
		return false
	}
	cur := ns.stepAt(ns.now())
	a, b := ns.mac(cur), ns.mac(cur-1)
	// Both are compared, so the time taken does not say which step matched.
	okA := subtle.ConstantTimeCompare(a[:], raw[:])
	okB := subtle.ConstantTimeCompare(b[:], raw[:])
	return okA|okB == 1
}
