package verify_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/verify"
)

// mutableClock is a clock tests move by hand.
type mutableClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *mutableClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *mutableClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestCacheHitRechecksTime(t *testing.T) {
	clock := &mutableClock{now: testNow}
	src := staticRSA(t, "rsa1")
	v := rsaVerifier(t, src, func(c *verify.Config[claims.Keycloak]) { c.Now = clock.Now })
	tok := signRS(t, "rsa1", with("exp", testNow.Add(2*time.Minute).Unix(), "nbf", testNow.Add(-time.Second).Unix()))
	warm(t, v, tok)

	clock.Add(time.Minute) // still within exp
	_, err := v.Verify(context.Background(), tok)
	require.NoError(t, err)

	clock.Add(2 * time.Minute) // exp + 1 min: exactly at the leeway
	_, err = v.Verify(context.Background(), tok)
	require.ErrorIs(t, err, verify.ErrExpired)
}

func TestCacheHitRechecksNotBefore(t *testing.T) {
	clock := &mutableClock{now: testNow}
	v := rsaVerifier(t, staticRSA(t, "rsa1"), func(c *verify.Config[claims.Registered]) { c.Now = clock.Now })
	tok := signRS(t, "rsa1", with("nbf", testNow.Add(30*time.Second).Unix()))
	warm(t, v, tok)         // within leeway
	clock.Add(-time.Minute) // the clock is corrected backwards
	_, err := v.Verify(context.Background(), tok)
	require.ErrorIs(t, err, verify.ErrNotYetValid)
}

func TestCacheEntryDiesWithItsKey(t *testing.T) {
	rsa2048 := &testkeys.RSA2048(t).PublicKey
	rsa3072 := &testkeys.RSA3072(t).PublicKey
	src := &fakeSource{cur: set(t, key(t, "rsa1", rsa2048))}
	v := rsaVerifier[claims.Registered](t, src, nil)
	tok := signRS(t, "rsa1", validClaims())
	warm(t, v, tok)
	_, err := v.Verify(context.Background(), tok) // a hit
	require.NoError(t, err)

	// The issuer rotates rsa1 away.
	src.cur = set(t, key(t, "rsa2", rsa3072))
	_, err = v.Verify(context.Background(), tok)
	require.ErrorIs(t, err, verify.ErrUnknownKey)

	// The same material under a new kid still verifies (afresh).
	src.cur = set(t, key(t, "rsa1", rsa2048))
	_, err = v.Verify(context.Background(), tok)
	require.NoError(t, err)
}

func TestCacheHitNeedsKeys(t *testing.T) {
	src := &fakeSource{cur: set(t, key(t, "rsa1", &testkeys.RSA2048(t).PublicKey))}
	v := rsaVerifier[claims.Registered](t, src, nil)
	tok := signRS(t, "rsa1", validClaims())
	warm(t, v, tok)
	src.keysErr = verify.ErrKeysUnavailable
	_, err := v.Verify(context.Background(), tok)
	require.ErrorIs(t, err, verify.ErrKeysUnavailable)
}

func TestCacheMutationSafety(t *testing.T) {
	v := rsaVerifier[claims.Keycloak](t, staticRSA(t, "rsa1"), nil)
	tok := signRS(t, "rsa1", with("preferred_username", "alice", "realm_access", map[string]any{"roles": []string{"user"}}))
	warm(t, v, tok)
	first, err := v.Verify(context.Background(), tok)
	require.NoError(t, err)
	// The caller scribbles over what it got back.
	first.Subject = "root"
	first.PreferredUsername = "mallory"
	first.Issuer = "https://evil.example"
	first.ExpiresAt = claims.NewNumericDate(testNow.Add(100 * 24 * time.Hour))

	second, err := v.Verify(context.Background(), tok)
	require.NoError(t, err)
	require.NotSame(t, first, second)
	require.Equal(t, "user-1", second.Subject)
	require.Equal(t, "alice", second.PreferredUsername)
	require.Equal(t, testIssuer, second.Issuer)
	require.Equal(t, testNow.Add(time.Hour).Unix(), second.ExpiresAt.Unix())
}

func TestCacheHitRunsValidators(t *testing.T) {
	allow := true
	v := rsaVerifier(t, staticRSA(t, "rsa1"), func(c *verify.Config[claims.Registered]) {
		c.Validators = []func(context.Context, *claims.Registered) error{func(context.Context, *claims.Registered) error {
			if !allow {
				return errWrongTenant
			}
			return nil
		}}
	})
	tok := signRS(t, "rsa1", validClaims())
	warm(t, v, tok)
	allow = false
	_, err := v.Verify(context.Background(), tok)
	require.ErrorIs(t, err, errWrongTenant)
}

func TestCacheOffAndBounded(t *testing.T) {
	src := &fakeSource{cur: set(t, key(t, "rsa1", &testkeys.RSA2048(t).PublicKey))}
	for _, size := range []int{-1, 1, 16} {
		v := rsaVerifier(t, src, func(c *verify.Config[claims.Registered]) { c.CacheSize = size })
		for i := range 40 {
			_, err := v.Verify(context.Background(), signRS(t, "rsa1", with("jti", fmt.Sprint(i))))
			require.NoError(t, err)
		}
	}
}

func TestCacheNeverAnswersAnotherToken(t *testing.T) {
	v := rsaVerifier[claims.Registered](t, staticRSA(t, "rsa1"), nil)
	tok := signRS(t, "rsa1", validClaims())
	warm(t, v, tok)
	// Same length, one signature byte changed: must be verified, and fail.
	b := []byte(tok)
	last := len(b) - 2
	if b[last] == 'A' {
		b[last] = 'B'
	} else {
		b[last] = 'A'
	}
	_, err := v.Verify(context.Background(), string(b))
	require.ErrorIs(t, err, verify.ErrSignature)
}

func TestCacheMapClaimsAreCopied(t *testing.T) {
	v := rsaVerifier[claims.Map](t, staticRSA(t, "rsa1"), nil)
	tok := signRS(t, "rsa1", with("role", "user"))
	warm(t, v, tok)
	first, err := v.Verify(context.Background(), tok)
	require.NoError(t, err)
	(*first)["role"] = "admin"
	second, err := v.Verify(context.Background(), tok)
	require.NoError(t, err)
	require.Equal(t, "user", (*second)["role"])
}

func TestCacheEntryDiesWhenItsKeyNoLongerFits(t *testing.T) {
	pub := &testkeys.RSA2048(t).PublicKey
	src := &fakeSource{cur: set(t, key(t, "rsa1", pub))}
	v := rsaVerifier(t, src, func(c *verify.Config[claims.Registered]) { c.Algorithms = []string{"RS256", "PS256"} })
	tok := testkeys.SignClaims(t, "PS256", testkeys.RSA2048(t), map[string]any{"kid": "rsa1"}, validClaims())
	warm(t, v, tok)

	// The same key is republished restricted to RS256.
	restricted, err := keysource.NewKey("rsa1", "RS256", pub)
	require.NoError(t, err)
	src.cur = set(t, restricted)
	_, err = v.Verify(context.Background(), tok)
	require.ErrorIs(t, err, verify.ErrAlgorithm)
}

// warm verifies tok twice, so that it is in v's cache (a token is stored
// the second time it is verified).
func warm[C any](t *testing.T, v *verify.Verifier[C], tok string) {
	t.Helper()
	for range 2 {
		_, err := v.Verify(context.Background(), tok)
		require.NoError(t, err)
	}
}
