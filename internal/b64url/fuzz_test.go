package b64url

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

// FuzzAppendDecode checks AppendDecode against encoding/base64's strict
// unpadded URL decoder: the same accept/refuse decision and the same bytes
// on every input, except that AppendDecode refuses "\r" and "\n", which
// encoding/base64 skips. prefix is how many bytes dst already holds.
func FuzzAppendDecode(f *testing.F) {
	for _, s := range []string{
		"", "Q", "QQ", "QR", "QB", "QY", "QUI", "QUJ", "QUK", "QUJD",
		"QUJDREVG", "QUJDREVGQQ", "QUJDREVGQR", "QUJDREVGQUI", "QUJDREVGQUJ",
		"QUJDREVGR0hJ", "QUJDREVGR0hJSg", "QUJDREVGR0hJSh",
		"QQ==", "QUI=", "+/+/", "-_-_", "QU JD", "QUJD\nREVG", "QUJD\r\nREVG",
		"\nQQ", "QQ\n", "QUJD\n", "Q\nQ", "eyJhbGciOiJSUzI1NiJ9.e30",
		strings.Repeat("A", 342), strings.Repeat("_", 1024), strings.Repeat("A", 341) + "B",
	} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(5))
	}
	for c := 0; c < 256; c++ {
		f.Add("AAAAAAA"+string([]byte{byte(c)})+"AAAA", uint8(0))
		f.Add("AAAAAAAAAA"+string([]byte{byte(c)}), uint8(0))
		f.Add("AAAAAAAAAAA"+string([]byte{byte(c)}), uint8(1))
	}
	strict := base64.RawURLEncoding.Strict()
	f.Fuzz(func(t *testing.T, s string, prefix uint8) {
		dst := bytes.Repeat([]byte{0xa5}, int(prefix%16))
		got, err := AppendDecode(dst, s)
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Fatalf("error %v, want ErrInvalid", err)
		}
		if !bytes.Equal(got[:len(dst)], dst) {
			t.Fatalf("the bytes already in dst changed")
		}
		want, wantErr := strict.DecodeString(s)
		if strings.ContainsAny(s, "\r\n") {
			// The one documented difference: line breaks are refused.
			if err == nil {
				t.Fatalf("%q with a line break accepted", s)
			}
			return
		}
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("%q: error %v, encoding/base64 says %v", s, err, wantErr)
		}
		if err != nil {
			if len(got) != len(dst) {
				t.Fatalf("%q: refused but dst grew to %d bytes", s, len(got))
			}
			return
		}
		if !bytes.Equal(got[len(dst):], want) {
			t.Fatalf("%q: decoded %x, encoding/base64 %x", s, got[len(dst):], want)
		}
	})
}
