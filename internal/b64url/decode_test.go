package b64url

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func TestAppendDecode(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // the decoded bytes; ignored when wantErr is set
		err  error
	}{
		{name: "empty", in: "", want: ""},
		{name: "two chars one byte", in: "QQ", want: "A"},
		{name: "three chars two bytes", in: "QUI", want: "AB"},
		{name: "four chars three bytes", in: "QUJD", want: "ABC"},
		{name: "eight chars", in: "QUJDREVG", want: "ABCDEF"},
		{name: "eleven chars", in: "QUJDREVGR0g", want: "ABCDEFGH"},
		{name: "url alphabet", in: "-_-_", want: "\xfb\xff\xbf"},
		{name: "all zero bits", in: "AAAAAAAAAAAA", want: "\x00\x00\x00\x00\x00\x00\x00\x00\x00"},
		{name: "all one bits", in: "________", want: "\xff\xff\xff\xff\xff\xff"},
		{name: "json header", in: "eyJhbGciOiJSUzI1NiJ9", want: `{"alg":"RS256"}`},
		{name: "one char", in: "Q", err: ErrInvalid},
		{name: "five chars", in: "QUJDR", err: ErrInvalid},
		{name: "nine chars", in: "QUJDREVGR", err: ErrInvalid},
		{name: "non-zero trailing bits of two", in: "QB", err: ErrInvalid},
		{name: "lowest trailing bit of two", in: "QR", err: ErrInvalid},
		{name: "lowest trailing bit of three", in: "QUJ", err: ErrInvalid},
		{name: "highest trailing bit of two", in: "QY", err: ErrInvalid},
		{name: "highest trailing bit of three", in: "QUK", err: ErrInvalid},
		{name: "trailing bits after a wide group", in: "QUJDREVGQR", err: ErrInvalid},
		{name: "padding", in: "QQ==", err: ErrInvalid},
		{name: "padding after three", in: "QUI=", err: ErrInvalid},
		{name: "standard alphabet plus", in: "+/+/", err: ErrInvalid},
		{name: "standard alphabet slash", in: "QUJ/", err: ErrInvalid},
		{name: "space", in: "QU JD", err: ErrInvalid},
		{name: "space in group", in: "QU D", err: ErrInvalid},
		{name: "newline", in: "QUJD\nREVG", err: ErrInvalid},
		{name: "carriage return", in: "QUJD\rREVG", err: ErrInvalid},
		{name: "newline in place of a char", in: "QUJ\n", err: ErrInvalid},
		{name: "nul", in: "QUJ\x00", err: ErrInvalid},
		{name: "high byte", in: "QUJ\xc3", err: ErrInvalid},
		{name: "dot", in: "QUJD.REVG", err: ErrInvalid},
		{name: "bad char in wide group last", in: "QUJDREV=AAAA", err: ErrInvalid},
		{name: "bad char in wide group first", in: "*UJDREVGAAAA", err: ErrInvalid},
		{name: "bad char in tail", in: "QUJDREVGQ*", err: ErrInvalid},
		{name: "bad char in narrow group", in: "QUJDREVGQUJ*", err: ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := []byte("prefix")
			got, err := AppendDecode(prefix, tt.in)
			if !errors.Is(err, tt.err) {
				t.Fatalf("AppendDecode(%q) error %v, want %v", tt.in, err, tt.err)
			}
			if tt.err != nil {
				if string(got) != "prefix" {
					t.Fatalf("on error got %q, want the original dst", got)
				}
				return
			}
			if string(got) != "prefix"+tt.want {
				t.Fatalf("AppendDecode(%q) = %q, want %q", tt.in, got, "prefix"+tt.want)
			}
		})
	}
}

// TestAppendDecodeEveryByte feeds every byte value alone in every position
// of a group: exactly the 64 alphabet characters decode.
func TestAppendDecodeEveryByte(t *testing.T) {
	for c := 0; c < 256; c++ {
		valid := strings.IndexByte(alphabet, byte(c)) >= 0
		for pos := 0; pos < 12; pos++ {
			in := []byte("AAAAAAAAAAAA")
			in[pos] = byte(c)
			_, err := AppendDecode(nil, string(in))
			if valid != (err == nil) {
				t.Fatalf("byte 0x%02x at %d: error %v, valid %v", c, pos, err, valid)
			}
		}
	}
}

// TestAppendDecodeCapacity checks the buffer handling: a dst with room is
// used in place without an allocation, a short one grows once, and an
// exact fit (no slack for the 8-byte stores) decodes correctly.
func TestAppendDecodeCapacity(t *testing.T) {
	raw := bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef, 0x01}, 80)
	s := base64.RawURLEncoding.EncodeToString(raw)
	t.Run("in place", func(t *testing.T) {
		buf := make([]byte, 0, 512)
		allocs := testing.AllocsPerRun(10, func() {
			if _, err := AppendDecode(buf[:0], s); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Fatalf("%v allocations with room in dst, want 0", allocs)
		}
		got, _ := AppendDecode(buf[:0], s)
		if &got[0] != &buf[:1][0] || !bytes.Equal(got, raw) {
			t.Fatalf("not decoded in place")
		}
	})
	t.Run("grows", func(t *testing.T) {
		got, err := AppendDecode([]byte("xy"), s)
		if err != nil || string(got) != "xy"+string(raw) {
			t.Fatalf("got %v", err)
		}
	})
	for n := 0; n <= 40; n++ {
		enc := base64.RawURLEncoding.EncodeToString(raw[:n])
		exact := make([]byte, 3, 3+n)
		got, err := AppendDecode(exact, enc)
		if err != nil || !bytes.Equal(got[3:], raw[:n]) || cap(got) != 3+n {
			t.Fatalf("exact fit, %d bytes: %v", n, err)
		}
	}
}

func TestDecodedLen(t *testing.T) {
	strict := base64.RawURLEncoding.Strict()
	for n := 0; n < 64; n++ {
		if n%4 == 1 {
			continue
		}
		if got, want := DecodedLen(n), strict.DecodedLen(n); got != want {
			t.Fatalf("DecodedLen(%d) = %d, want %d", n, got, want)
		}
	}
}
