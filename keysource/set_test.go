package keysource_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/jose"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
)

// newKey is NewKey for keys a test knows to be good.
func newKey(t testing.TB, kid, alg string, pub any) *keysource.Key {
	t.Helper()
	k, err := keysource.NewKey(kid, alg, pub)
	require.NoError(t, err)
	return k
}

func TestNewSetRefuses(t *testing.T) {
	rsaKey := newKey(t, "a", "", &testkeys.RSA2048(t).PublicKey)
	secret := newKey(t, "h", "", testkeys.HMAC(t))
	tests := []struct {
		name    string
		keys    []*keysource.Key
		wantErr error
	}{
		{"none", nil, keysource.ErrNoKeys},
		{"nil key first", []*keysource.Key{nil, rsaKey}, keysource.ErrNoKeys},
		{"nil key later", []*keysource.Key{rsaKey, nil}, keysource.ErrNoKeys},
		{"mixed", []*keysource.Key{rsaKey, secret}, keysource.ErrMixedKeys},
		{"mixed, secret first", []*keysource.Key{secret, newKey(t, "", "", &testkeys.P256(t).PublicKey)}, keysource.ErrMixedKeys},
		{"duplicate kid", []*keysource.Key{rsaKey, newKey(t, "a", "", &testkeys.P256(t).PublicKey)}, keysource.ErrDuplicateKID},
		{"same key twice", []*keysource.Key{rsaKey, rsaKey}, keysource.ErrDuplicateKID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := keysource.NewSet(tt.keys...)
			require.ErrorIs(t, err, tt.wantErr)
			assert.Nil(t, s)
		})
	}
}

func TestSetAccessors(t *testing.T) {
	r := newKey(t, "r", "RS256", &testkeys.RSA2048(t).PublicKey)
	e := newKey(t, "", "", &testkeys.P256(t).PublicKey)
	o := newKey(t, "o", "", testkeys.Ed25519(t).Public())
	s, err := keysource.NewSet(r, e, o)
	require.NoError(t, err)

	assert.Equal(t, 3, s.Len())
	assert.Equal(t, []*keysource.Key{r, e, o}, s.Keys())
	keys := s.Keys()
	keys[0] = nil
	assert.Same(t, r, s.Keys()[0], "Keys returns a copy")
	assert.Equal(t, []string{"r", "o"}, s.KeyIDs())
	assert.False(t, s.Symmetric())
	assert.Same(t, r, s.ByID("r"))
	assert.Nil(t, s.ByID("x"))
	assert.Nil(t, s.ByID(""))
	assert.Equal(t, []*keysource.Key{e}, s.WithoutID())

	hs, err := keysource.NewSet(newKey(t, "", "", testkeys.HMAC(t)))
	require.NoError(t, err)
	assert.True(t, hs.Symmetric())
	assert.Empty(t, hs.KeyIDs())
}

func TestSetCandidates(t *testing.T) {
	rs := newKey(t, "rs", "RS256", &testkeys.RSA2048(t).PublicKey)
	any3072 := newKey(t, "r3", "", &testkeys.RSA3072(t).PublicKey)
	ec := newKey(t, "ec", "", &testkeys.P256(t).PublicKey)
	noKID := newKey(t, "", "", &testkeys.P384(t).PublicKey)
	noKIDRSA := newKey(t, "", "PS256", &testkeys.RSA3072(t).PublicKey)
	s, err := keysource.NewSet(rs, any3072, ec, noKID, noKIDRSA)
	require.NoError(t, err)

	tests := []struct {
		name         string
		kid          string
		alg          jose.Alg
		want         []*keysource.Key
		wantMismatch bool
	}{
		{name: "kid and alg fit", kid: "rs", alg: jose.RS256, want: []*keysource.Key{rs}},
		{name: "kid fits, key restricted to another alg", kid: "rs", alg: jose.RS384, want: []*keysource.Key{}, wantMismatch: true},
		{name: "kid of a key of another type", kid: "ec", alg: jose.RS256, want: []*keysource.Key{}, wantMismatch: true},
		{name: "kid of an unrestricted key", kid: "r3", alg: jose.PS512, want: []*keysource.Key{any3072}},
		{name: "unknown kid falls back to keys without kid", kid: "zz", alg: jose.ES384, want: []*keysource.Key{noKID}},
		{name: "unknown kid, keys without kid filtered by alg", kid: "zz", alg: jose.PS256, want: []*keysource.Key{noKIDRSA}},
		{name: "unknown kid, nothing fits", kid: "zz", alg: jose.ES256, want: []*keysource.Key{}},
		// A token without kid is tried against the keys without kid only.
		{name: "no kid: keys with a kid are not tried", alg: jose.RS256, want: []*keysource.Key{}},
		{name: "no kid, PS256", alg: jose.PS256, want: []*keysource.Key{noKIDRSA}},
		{name: "no kid, ES384", alg: jose.ES384, want: []*keysource.Key{noKID}},
		{name: "no kid, ES256", alg: jose.ES256, want: []*keysource.Key{}},
		{name: "no kid, HS256 fits no public key", alg: jose.HS256, want: []*keysource.Key{}},
		{name: "unknown alg", kid: "rs", alg: jose.AlgUnknown, want: []*keysource.Key{}, wantMismatch: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, mismatch := s.Candidates(tt.kid, tt.alg, nil)
			assert.Equal(t, tt.want, append([]*keysource.Key{}, got...))
			assert.Equal(t, tt.wantMismatch, mismatch)
		})
	}

	t.Run("buffer reused without allocation", func(t *testing.T) {
		buf := make([]*keysource.Key, 0, 8)
		allocs := testing.AllocsPerRun(100, func() {
			got, _ := s.Candidates("zz", jose.PS256, buf)
			if len(got) != 1 {
				t.Fatal("want 1 candidate")
			}
		})
		assert.Zero(t, allocs)
	})

	// Without keys without kid, a token without kid is tried against the
	// set's only key, and against no key of a larger set.
	t.Run("no kid, the only key", func(t *testing.T) {
		one, err := keysource.NewSet(rs)
		require.NoError(t, err)
		got, mismatch := one.Candidates("", jose.RS256, nil)
		assert.Equal(t, []*keysource.Key{rs}, got)
		assert.False(t, mismatch)
		got, _ = one.Candidates("", jose.RS384, nil)
		assert.Empty(t, got)
		assert.True(t, one.ServesTokensWithoutKID())
	})
	t.Run("no kid, several keys with kids", func(t *testing.T) {
		several, err := keysource.NewSet(rs, any3072, ec)
		require.NoError(t, err)
		for _, alg := range []jose.Alg{jose.RS256, jose.PS256, jose.ES256} {
			got, mismatch := several.Candidates("", alg, nil)
			assert.Empty(t, got, alg)
			assert.False(t, mismatch)
		}
		assert.False(t, several.ServesTokensWithoutKID())
		assert.True(t, s.ServesTokensWithoutKID())
	})

	t.Run("HMAC set", func(t *testing.T) {
		h := newKey(t, "h", "", testkeys.HMAC(t))
		hs, err := keysource.NewSet(h)
		require.NoError(t, err)
		got, mismatch := hs.Candidates("h", jose.HS512, nil)
		assert.Equal(t, []*keysource.Key{h}, got)
		assert.False(t, mismatch)
		got, mismatch = hs.Candidates("h", jose.RS256, nil)
		assert.Empty(t, got)
		assert.True(t, mismatch)
	})
}

func TestSetContains(t *testing.T) {
	r := newKey(t, "r", "", &testkeys.RSA2048(t).PublicKey)
	e := newKey(t, "e", "", &testkeys.P256(t).PublicKey)
	s, err := keysource.NewSet(r, e)
	require.NoError(t, err)

	tests := []struct {
		name string
		key  *keysource.Key
		want bool
	}{
		{"member", r, true},
		{"same material under another kid", newKey(t, "rotated-kid", "RS256", &testkeys.RSA2048(t).PublicKey), true},
		{"other key", newKey(t, "r", "", &testkeys.RSA3072(t).PublicKey), false},
		{"other curve", newKey(t, "e", "", &testkeys.P384(t).PublicKey), false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, s.Contains(tt.key))
		})
	}
}
