package middleware

import (
	"strings"
	"testing"
)

// isB64TokenSlow is RFC 6750's b64token, one character at a time.
func isB64TokenSlow(s string) bool {
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/"
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for i := 0; i < len(body); i++ {
		if strings.IndexByte(chars, body[i]) < 0 {
			return false
		}
	}
	return true
}

// TestIsB64TokenEveryByteEveryPlace puts every byte value at every place of
// tokens of several lengths (within and after the eight-character steps,
// in the padding) and compares isB64Token with the one-by-one reading.
func TestIsB64TokenEveryByteEveryPlace(t *testing.T) {
	for _, n := range []int{1, 7, 8, 9, 16, 23} {
		for _, pad := range []int{0, 1, 2} {
			base := strings.Repeat("a", n) + strings.Repeat("=", pad)
			for pos := range len(base) {
				for c := range 256 {
					b := []byte(base)
					b[pos] = byte(c)
					s := string(b)
					if got, want := isB64Token(s), isB64TokenSlow(s); got != want {
						t.Fatalf("isB64Token(%q) = %v, want %v", s, got, want)
					}
				}
			}
		}
	}
	for _, s := range []string{"", "=", "==", "a", "abc.def.ghi", "a=b", strings.Repeat("x", 1000) + "=="} {
		if got, want := isB64Token(s), isB64TokenSlow(s); got != want {
			t.Fatalf("isB64Token(%q) = %v, want %v", s, got, want)
		}
	}
}
