package verify

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/jose"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
)

func testSet(t *testing.T, keys ...*keysource.Key) *keysource.Set {
	t.Helper()
	s, err := keysource.NewSet(keys...)
	require.NoError(t, err)
	return s
}

func testKey(t *testing.T, kid, alg string, pub any) *keysource.Key {
	t.Helper()
	k, err := keysource.NewKey(kid, alg, pub)
	require.NoError(t, err)
	return k
}

// An entry's key is checked against each set the source hands out, once
// per set: a set that confirmed it is not asked again, any other is.
func TestKeyStands(t *testing.T) {
	rsa2048, rsa3072 := &testkeys.RSA2048(t).PublicKey, &testkeys.RSA3072(t).PublicKey
	k1 := testKey(t, "k1", "", rsa2048)
	a := testSet(t, k1)
	renamed := testSet(t, testKey(t, "new", "", rsa2048))        // the same material, another kid
	restricted := testSet(t, testKey(t, "k1", "PS256", rsa2048)) // no longer fits RS256
	rotated := testSet(t, testKey(t, "k2", "", rsa3072))         // k1 is gone
	v := &Verifier[int]{}
	it := &cacheItem[cacheEntry[int]]{val: cacheEntry[int]{key: k1, alg: jose.RS256, kid: "k1"}}

	for _, tc := range []struct {
		name                string
		set                 *keysource.Set
		want                bool
		wantEpoch, wantMark uint64
	}{
		{name: "first set", set: a, want: true, wantEpoch: 1, wantMark: 1},
		{name: "same set: no new epoch", set: a, want: true, wantEpoch: 1, wantMark: 1},
		{name: "same material under another kid", set: renamed, want: false, wantEpoch: 2, wantMark: 1},
		{name: "an alg restriction", set: restricted, want: false, wantEpoch: 3, wantMark: 1},
		{name: "the key rotated away", set: rotated, want: false, wantEpoch: 4, wantMark: 1},
		{name: "back to the first set: checked again", set: a, want: true, wantEpoch: 5, wantMark: 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, v.keyStands(it, tc.set))
			require.Equal(t, tc.wantMark, it.mark.Load())
			require.Same(t, tc.set, v.epoch.Load().set)
			require.Equal(t, tc.wantEpoch, v.epoch.Load().n)
		})
	}

	// An entry marked by an earlier epoch of the same set is checked
	// again: the mark is a number, never a set.
	stale := &cacheItem[cacheEntry[int]]{val: cacheEntry[int]{key: testKey(t, "k2", "", rsa3072), alg: jose.RS256, kid: "k2"}}
	stale.mark.Store(1) // the number a had when k2 was not in it
	require.False(t, v.keyStands(stale, a))
}

// Goroutines meet two sets in turn: each epoch number stands for one set
// only, and the answers never change. Run with -race.
func TestKeyStandsConcurrent(t *testing.T) {
	rsa2048, rsa3072 := &testkeys.RSA2048(t).PublicKey, &testkeys.RSA3072(t).PublicKey
	k1, k2 := testKey(t, "k1", "", rsa2048), testKey(t, "k2", "", rsa3072)
	sets := []*keysource.Set{testSet(t, k1), testSet(t, k1, k2)}
	v := &Verifier[int]{}
	in := &cacheItem[cacheEntry[int]]{val: cacheEntry[int]{key: k1, alg: jose.RS256, kid: "k1"}}
	half := &cacheItem[cacheEntry[int]]{val: cacheEntry[int]{key: k2, alg: jose.RS256, kid: "k2"}} // only in sets[1]
	var mu sync.Mutex
	seen := map[uint64]*keysource.Set{}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				s := sets[(g+i/7)%2]
				if !v.keyStands(in, s) {
					t.Error("k1 refused")
					return
				}
				if got, want := v.keyStands(half, s), s == sets[1]; got != want {
					t.Errorf("k2: %v, want %v", got, want)
					return
				}
				ep := v.epoch.Load()
				mu.Lock()
				if prev, ok := seen[ep.n]; ok && prev != ep.set {
					t.Errorf("epoch %d stands for two sets", ep.n)
				}
				seen[ep.n] = ep.set
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

// setSource hands out whichever set a test stored last.
type setSource struct{ cur atomic.Pointer[keysource.Set] }

func (s *setSource) Keys(context.Context) (*keysource.Set, error) { return s.cur.Load(), nil }
func (s *setSource) Refresh(context.Context, keysource.RefreshHint) (*keysource.Set, error) {
	return s.cur.Load(), nil
}

// A cache hit answers as a fresh verification would when the key set
// changes under it: the same key material under another kid, or a token
// without kid facing a set of several kid'd keys, is refused both ways
// (before, the hit matched the key by material alone and accepted both
// tokens that a fresh Verify refused with unknown_key).
func TestHitAnswersAsFreshAfterKeyChange(t *testing.T) {
	secret := testkeys.HMAC(t)
	other := append([]byte("x"), secret...)
	exp := map[string]any{"exp": time.Now().Add(time.Hour).Unix()}
	for _, tc := range []struct {
		name    string
		header  map[string]any
		before  []*keysource.Key
		after   []*keysource.Key
		wantErr error
	}{
		{name: "kid renamed, same material", header: map[string]any{"kid": "k1"},
			before: []*keysource.Key{testKey(t, "k1", "", secret)},
			after:  []*keysource.Key{testKey(t, "new", "", secret), testKey(t, "other", "", other)}, wantErr: ErrUnknownKey},
		{name: "kid kept", header: map[string]any{"kid": "k1"},
			before: []*keysource.Key{testKey(t, "k1", "", secret)},
			after:  []*keysource.Key{testKey(t, "k1", "", secret), testKey(t, "other", "", other)}},
		{name: "no kid, the only key gains one", header: map[string]any{},
			before: []*keysource.Key{testKey(t, "", "", secret)},
			after:  []*keysource.Key{testKey(t, "k1", "", secret)}},
		{name: "no kid, several kid'd keys", header: map[string]any{},
			before: []*keysource.Key{testKey(t, "", "", secret)},
			after:  []*keysource.Key{testKey(t, "k1", "", secret), testKey(t, "other", "", other)}, wantErr: ErrUnknownKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := &setSource{}
			src.cur.Store(testSet(t, tc.before...))
			cfg := Config[claims.Registered]{Keys: src, Algorithms: []string{"HS256"},
				InsecureSkipIssuerCheck: true, InsecureSkipAudienceCheck: true}
			v, err := New(cfg)
			require.NoError(t, err)
			ctx := context.Background()
			tok := testkeys.SignClaims(t, "HS256", secret, tc.header, exp)
			for range 3 { // noted, stored, hit
				_, err := v.Verify(ctx, tok)
				require.NoError(t, err)
			}
			src.cur.Store(testSet(t, tc.after...))
			cfg.CacheSize = -1
			fresh, err := New(cfg)
			require.NoError(t, err)
			_, freshErr := fresh.Verify(ctx, tok)
			_, hitErr := v.Verify(ctx, tok)
			if tc.wantErr == nil {
				require.NoError(t, freshErr)
				require.NoError(t, hitErr)
				return
			}
			require.ErrorIs(t, freshErr, tc.wantErr)
			require.ErrorIs(t, hitErr, tc.wantErr, "the hit answers as the fresh verification")
		})
	}
}
