package claims

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// ErrInvalidNumericDate is wrapped by every error NumericDate.UnmarshalJSON
// and NumericDate.MarshalJSON return.
var ErrInvalidNumericDate = errors.New("claims: invalid NumericDate")

var errNumericDateRange = errors.New("out of range (want after 0001-01-01T00:00:00Z and before 10000-01-01T00:00:00Z)")

const (
	// minUnix is 0001-01-01T00:00:00Z, Go's zero time. That exact instant
	// is refused because it would read as an absent claim.
	minUnix = -62135596800
	// maxUnix is 9999-12-31T23:59:59Z; any fraction of that second is
	// still accepted.
	maxUnix = 253402300799
	// maxUnixDigits is the number of integer digits of maxUnix.
	maxUnixDigits = 12
)

// NumericDate is a JSON Web Token NumericDate (RFC 7519, section 2): a JSON
// number of seconds since 1970-01-01T00:00:00Z UTC, ignoring leap seconds,
// as used by exp, nbf, iat and Keycloak's auth_time.
//
// The zero value means the claim is absent: test it with IsZero. Struct
// fields of this type should carry the omitzero tag option so an absent
// claim is left out when marshalling.
//
// NumericDate decodes only from a JSON number: an integer (1700000000), a
// fraction (1700000000.5), a negative number or one with an exponent
// (1.7e9). JSON null leaves it zero (absent). Strings, booleans, objects and
// arrays are rejected. The fraction is decoded exactly, without going
// through float64, down to the nanosecond; further digits are truncated
// toward zero. The value must lie after 0001-01-01T00:00:00Z and before
// 10000-01-01T00:00:00Z; anything else is rejected as out of range rather
// than wrapped around. Decoded times are in UTC. Every error wraps
// ErrInvalidNumericDate.
//
// Only the JSON methods are NumericDate's own: the text, binary and gob
// methods promoted from the embedded time.Time keep their time.Time meaning.
type NumericDate struct {
	time.Time
}

// NewNumericDate returns t as a NumericDate, in UTC and without a monotonic
// clock reading. A zero t gives the zero (absent) NumericDate.
func NewNumericDate(t time.Time) NumericDate {
	return NumericDate{Time: t.UTC()}
}

// UnmarshalJSON implements json.Unmarshaler. It accepts a JSON number or
// null, as documented on NumericDate, and leaves d unchanged on error.
func (d *NumericDate) UnmarshalJSON(b []byte) error {
	b = trimSpace(b)
	if isNull(b) {
		*d = NumericDate{}
		return nil
	}
	if kindOf(b) != "number" {
		return kindError(ErrInvalidNumericDate, b, "number")
	}
	sec, nsec, err := parseNumericDate(b)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidNumericDate, err)
	}
	*d = NumericDate{Time: time.Unix(sec, nsec).UTC()}
	return nil
}

// MarshalJSON implements json.Marshaler. It writes whole seconds as a JSON
// integer and anything finer as an exact decimal fraction without trailing
// zeros (1700000000.5). The zero NumericDate is written as null; a time
// outside the range UnmarshalJSON accepts is an error, so whatever
// MarshalJSON writes decodes back to the same instant.
func (d NumericDate) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	sec, nsec := d.Unix(), int64(d.Nanosecond())
	if sec < minUnix || sec > maxUnix {
		return nil, fmt.Errorf("%w: %w", ErrInvalidNumericDate, errNumericDateRange)
	}
	return appendNumericDate(make([]byte, 0, 24), sec, nsec), nil
}

// appendNumericDate appends sec seconds plus nsec nanoseconds (0 <= nsec <
// 1e9) to dst as a JSON number.
func appendNumericDate(dst []byte, sec, nsec int64) []byte {
	if nsec == 0 {
		return strconv.AppendInt(dst, sec, 10)
	}
	if sec < 0 {
		// sec + nsec/1e9 == -((-sec-1) + (1e9-nsec)/1e9)
		dst = append(dst, '-')
		sec, nsec = -sec-1, 1e9-nsec
	}
	dst = strconv.AppendInt(dst, sec, 10)
	var frac [9]byte
	for i := len(frac) - 1; i >= 0; i-- {
		frac[i] = byte('0' + nsec%10)
		nsec /= 10
	}
	end := len(frac)
	for frac[end-1] == '0' {
		end--
	}
	dst = append(dst, '.')
	return append(dst, frac[:end]...)
}

// parseNumericDate parses b, which must be exactly one JSON number, into
// seconds and nanoseconds since the Unix epoch (0 <= nsec < 1e9), checking
// the range. It works on the decimal digits, so no float rounding happens
// and nothing is allocated.
func parseNumericDate(b []byte) (sec, nsec int64, err error) {
	i := 0
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
	intStart := i
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	default:
		return 0, 0, errSyntax
	}
	intPart := b[intStart:i]
	var frac []byte
	if i < len(b) && b[i] == '.' {
		i++
		start := i
		for i < len(b) && isDigit(b[i]) {
			i++
		}
		if i == start {
			return 0, 0, errSyntax
		}
		frac = b[start:i]
	}
	var exp int64
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		expNeg := false
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			expNeg = b[i] == '-'
			i++
		}
		start := i
		for ; i < len(b) && isDigit(b[i]); i++ {
			// Saturate far beyond any input length: the exponent only
			// moves the decimal point over the digits present.
			if exp < 1<<50 {
				exp = exp*10 + int64(b[i]-'0')
			}
		}
		if i == start {
			return 0, 0, errSyntax
		}
		if expNeg {
			exp = -exp
		}
	}
	if i != len(b) {
		return 0, 0, errSyntax
	}

	if frac == nil && exp == 0 && len(intPart) <= maxUnixDigits {
		// Fast path: a plain integer of at most 12 digits.
		for _, c := range intPart {
			sec = sec*10 + int64(c-'0')
		}
	} else {
		// The value is 0.DDDD... * 10^point, where D are the digits of
		// intPart followed by those of frac.
		ds := digits{intPart, frac}
		point := int64(len(intPart)) + exp
		first := ds.firstNonZero()
		if first < 0 {
			return 0, 0, nil // zero, however written
		}
		if point-first > maxUnixDigits {
			return 0, 0, errNumericDateRange
		}
		for k := first; k < point; k++ {
			sec = sec*10 + ds.at(k)
		}
		for k := point; k < point+9; k++ {
			nsec = nsec*10 + ds.at(k)
		}
	}
	if neg {
		if nsec > 0 {
			sec, nsec = -sec-1, 1e9-nsec
		} else {
			sec = -sec
		}
	}
	if sec > maxUnix || sec < minUnix || (sec == minUnix && nsec == 0) {
		return 0, 0, errNumericDateRange
	}
	return sec, nsec, nil
}

// digits is the digit string of a JSON number's integer part followed by its
// fraction, indexed as one sequence padded with zeros on both sides.
type digits struct {
	intPart, frac []byte
}

// at returns digit k, or 0 outside the digits present.
func (d digits) at(k int64) int64 {
	switch n := int64(len(d.intPart)); {
	case k < 0:
		return 0
	case k < n:
		return int64(d.intPart[k] - '0')
	case k-n < int64(len(d.frac)):
		return int64(d.frac[k-n] - '0')
	}
	return 0
}

// firstNonZero returns the index of the first non-zero digit, or -1.
func (d digits) firstNonZero() int64 {
	for k, c := range d.intPart {
		if c != '0' {
			return int64(k)
		}
	}
	for k, c := range d.frac {
		if c != '0' {
			return int64(len(d.intPart) + k)
		}
	}
	return -1
}

// isDigit reports whether c is an ASCII decimal digit.
func isDigit(c byte) bool {
	return '0' <= c && c <= '9'
}
