package verify_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
	"github.com/jwtguard/jwtguard/verify"
)

// TestTokenWithoutKID: a token without kid is tried against the keys
// without kid, or the set's only key, never against a whole set: against
// several keys that all have a kid it fails unknown_key at once, with no
// signature check and no refresh, even when one of the keys would verify it.
func TestTokenWithoutKID(t *testing.T) {
	rsa2048 := &testkeys.RSA2048(t).PublicKey
	rsa3072 := &testkeys.RSA3072(t).PublicKey
	ec := &testkeys.P256(t).PublicKey
	ctx := context.Background()
	tok := signRS(t, "", validClaims()) // signed with the RSA 2048 key

	for _, tc := range []struct {
		name          string
		src           *fakeSource
		want          error
		wantRefreshes int32
	}{
		{
			name: "several keys with kids, the signer among them",
			src:  &fakeSource{cur: set(t, key(t, "a", rsa3072), key(t, "b", ec), key(t, "c", rsa2048))},
			want: verify.ErrUnknownKey,
		},
		{
			name: "several keys with kids: no refresh either",
			src:  &fakeSource{cur: set(t, key(t, "a", rsa3072), key(t, "b", ec)), next: set(t, key(t, "c", rsa2048))},
			want: verify.ErrUnknownKey,
		},
		{
			name: "the set's only key, with a kid",
			src:  &fakeSource{cur: set(t, key(t, "c", rsa2048))},
		},
		{
			name: "keys without kid are tried, not those with one",
			src:  &fakeSource{cur: set(t, key(t, "c", rsa2048), key(t, "", rsa3072))},
			want: verify.ErrSignature, wantRefreshes: 1, // a PEM key may have rotated
		},
		{
			name: "the key without kid among keys with kids",
			src:  &fakeSource{cur: set(t, key(t, "a", rsa3072), key(t, "", rsa2048))},
		},
		{
			name:          "the only key fails: one refresh, as for a rotated PEM key",
			src:           &fakeSource{cur: set(t, key(t, "a", rsa3072)), next: set(t, key(t, "c", rsa2048))},
			wantRefreshes: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := rsaVerifier[claims.Registered](t, tc.src, func(c *verify.Config[claims.Registered]) { c.CacheSize = -1 })
			_, err := v.Verify(ctx, tok)
			if tc.want == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.want)
			}
			require.Equal(t, tc.wantRefreshes, tc.src.refreshes.Load())
			if tc.wantRefreshes > 0 {
				require.Equal(t, keysource.RefreshSignature, tc.src.hints[0].Reason)
			}
		})
	}
}
