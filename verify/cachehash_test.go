package verify

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLE64(t *testing.T) {
	b := []byte{1, 2, 3, 4, 5, 6, 7, 0xff, 9}
	require.Equal(t, binary.LittleEndian.Uint64(b), le64(string(b)))
}

func TestTailSeedHash(t *testing.T) {
	s1, s2 := newTailSeed(), newTailSeed()
	require.NotEqual(t, s1.k, s2.k, "each cache draws its own keys")
	tok := "h.p." + base64.RawURLEncoding.EncodeToString(make([]byte, 256))
	require.Equal(t, s1.hash(tok), s1.hash("other."+tok), "only the tail is hashed")
	require.NotEqual(t, s1.hash(tok), s1.hash(tok[:len(tok)-1]+"B"), "the last byte counts")
	require.NotEqual(t, s1.hash(tok), s1.hash("B"+tok[len(tok)-hashTail+1:]), "the first byte of the tail counts")
	require.NotEqual(t, s1.hash(tok), s2.hash(tok), "the seed counts")
	require.Equal(t, s1.hash("short"), s1.hash("short"), "shorter than the tail")
	require.NotEqual(t, s1.hash("short"), s1.hash("shorT"))
}

// Tokens that differ in one digit spread over the buckets: with 16,384
// tokens in 1,024 buckets (16 on average) no bucket holds 64 (a chance far
// below 1e-20 for a uniform hash).
func TestTailSeedSpread(t *testing.T) {
	s := newTailSeed()
	const buckets = 1024
	var load [buckets]int
	for i := range 16 * buckets {
		load[s.hash(fmt.Sprintf("header.payload.%040d", i))%buckets]++
	}
	require.Less(t, slices.Max(load[:]), 64)
}
