package redisstore

import (
	"errors"
	"testing"
	"time"

	"github.com/jwtguard/jwtguard/revocation"
)

func TestEncodeField(t *testing.T) {
	at := time.UnixMilli(1_790_000_000_123)
	tests := []struct {
		name string
		e    revocation.Entry
	}{
		{"token", revocation.TokenEntry("https://a", "jti|with|bars", at)},
		{"issuer ending like a value", revocation.SessionEntry("https://a|1|", "x")},
		{"subject cut-off", revocation.Entry{Kind: revocation.KindSubject, Issuer: "i", Value: "s", Before: at, Expires: at}},
		{"issuer cut-off", revocation.Entry{Kind: revocation.KindIssuer, Issuer: "i", Before: at, Expires: at}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.e.Expires = at
			got, err := decodeEntry(encodeField(tt.e), encodeValue(tt.e))
			if err != nil {
				t.Fatal(err)
			}
			if got.Kind != tt.e.Kind || got.Issuer != tt.e.Issuer || got.Value != tt.e.Value ||
				!got.Before.Equal(tt.e.Before) || !got.Expires.Equal(at) {
				t.Fatalf("round trip: %+v; want %+v", got, tt.e)
			}
		})
	}
	for _, bad := range []struct{ field, value string }{
		{"", "1|0"}, {"1|3", "1|0"}, {"x|1|ab", "1|0"}, {"1|9|ab", "1|0"}, {"1|-1|ab", "1|0"}, {"9|1|ab", "1|0"},
		{"1|2|ab", "1|0"} /* no value */, {"5|1|ab", "1|0"} /* issuer with value */, {"#epoch", "x"},
		{"1|1|ab", "1"}, {"1|1|ab", "1|x"}, {"1|1|ab", "1|0|0"}, {"1|1|ab", ""},
	} {
		if _, err := decodeEntry(bad.field, bad.value); !errors.Is(err, errBadField) {
			t.Errorf("decodeEntry(%q, %q) = %v; want errBadField", bad.field, bad.value, err)
		}
	}
}

func FuzzDecodeEntry(f *testing.F) {
	f.Add("1|9|https://ajti", "1790000000123|0")
	f.Add("3|1|is", "1790000000123|1790000000000")
	f.Add("5|1|i", "1|1790000000000")
	f.Fuzz(func(t *testing.T, field, value string) {
		e, err := decodeEntry(field, value)
		if err != nil {
			return
		}
		again, err := decodeEntry(encodeField(e), encodeValue(e))
		if err != nil || again != e {
			t.Fatalf("decode(encode(%+v)) = %+v, %v", e, again, err)
		}
	})
}
