package claimsdec

import (
	"reflect"
	"testing"

	"github.com/jwtguard/jwtguard/claims"
)

// TestDate holds date, whose fast path reads plain integers itself, to
// claims.NumericDate.UnmarshalJSON around the edges of that path: the
// largest second NumericDate accepts, 12 and 13 digits, zero, and the
// forms that must go to the method.
func TestDate(t *testing.T) {
	for _, in := range []string{
		"0", "1", "1700000000", "253402300799", "253402300800", "999999999999", "100000000000",
		"1000000000000", "0001", "01", "1.0", "1.5", "1e3", "1E3", "-1", "-0", "null", `"1"`, "1,", "1}",
	} {
		t.Run(in, func(t *testing.T) {
			var want claims.NumericDate
			wantErr := want.UnmarshalJSON([]byte(in))
			d := dec{b: []byte(in)}
			var got claims.NumericDate
			err := d.date(&got)
			if err == nil && d.i != len(d.b) {
				// date reads one value; what follows is the caller's to
				// refuse ("01" is 0 then a stray 1).
				err = ErrSyntax
			}
			if (err != nil) != (wantErr != nil) {
				t.Fatalf("date(%q) error %v, UnmarshalJSON %v", in, err, wantErr)
			}
			if err == nil && wantErr == nil && !reflect.DeepEqual(got, want) {
				t.Fatalf("date(%q) = %#v, want %#v", in, got, want)
			}
		})
	}
}
