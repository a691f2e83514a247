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

// FuzzAppendDecodeNearValid encodes raw, replaces the character at pos
// (modulo the length) with c, and checks AppendDecode against
// encoding/base64 on the result, as FuzzAppendDecode does: inputs one
// character away from valid reach every group and the tail more often than
// random strings do. With c a character of the alphabet the input often
// stays valid.
func FuzzAppendDecodeNearValid(f *testing.F) {
	f.Add([]byte{}, uint16(0), byte('A'))
	f.Add([]byte("A"), uint16(1), byte('R'))
	f.Add([]byte("AB"), uint16(2), byte('J'))
	f.Add([]byte("ABCDEFGHIJKL"), uint16(7), byte('='))
	f.Add(bytes.Repeat([]byte{0xff}, 256), uint16(300), byte('\n'))
	f.Add(bytes.Repeat([]byte{0x00}, 700), uint16(5), byte('+'))
	strict := base64.RawURLEncoding.Strict()
	f.Fuzz(func(t *testing.T, raw []byte, pos uint16, c byte) {
		enc := []byte(base64.RawURLEncoding.EncodeToString(raw))
		got, err := AppendDecode(nil, string(enc))
		if err != nil || !bytes.Equal(got, raw) {
			t.Fatalf("%q does not decode back to %x: %v", enc, raw, err)
		}
		if len(enc) == 0 {
			return
		}
		enc[int(pos)%len(enc)] = c
		s := string(enc)
		got, err = AppendDecode(nil, s)
		want, wantErr := strict.DecodeString(s)
		switch {
		case c == '\r' || c == '\n':
			if err == nil {
				t.Fatalf("%q with a line break accepted", s)
			}
		case (err == nil) != (wantErr == nil):
			t.Fatalf("%q: error %v, encoding/base64 says %v", s, err, wantErr)
		case err == nil && !bytes.Equal(got, want):
			t.Fatalf("%q: decoded %x, encoding/base64 %x", s, got, want)
		}
	})
}
