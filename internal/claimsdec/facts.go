package claimsdec

// Facts holds the members the verifier reads after the claims type: the
// session and client claims a revocation check matches on, and the raw
// "cnf" value (RFC 7800). It decodes as go-json-experiment decodes
//
//	struct {
//		SID          string         `json:"sid"`
//		SessionState string         `json:"session_state"`
//		AZP          string         `json:"azp"`
//		ClientID     string         `json:"client_id"`
//		CNF          jsontext.Value `json:"cnf"`
//	}
//
// (or, for DecodeFacts without all, only its CNF member): strings or
// null, CNF the value's bytes as they stand in the input (nil when
// absent), other members checked and skipped. Its fuzz target holds it to
// that.
type Facts struct {
	SID, SessionState, AZP, ClientID string
	CNF                              []byte
}

// DecodeFacts decodes b into f, a zero Facts: every member of Facts when
// all is set, else only CNF (the others are then unknown members, checked
// and skipped like any other). Its errors are ErrSyntax and ErrType, as
// Keycloak's; strings and CNF may point into b.
func DecodeFacts(b []byte, f *Facts, all bool) error {
	d := dec{b: b}
	more, err := d.top()
	if !more || err != nil {
		return err
	}
	var seen uint8
	var others manyNames
	for {
		name, err := d.name()
		if err != nil {
			return err
		}
		i, dst := f.member(name, all)
		switch {
		case i < 0:
			if !others.add(name) {
				return ErrSyntax
			}
			err = d.skip()
		case seen&(1<<i) != 0:
			return ErrSyntax
		case dst != nil:
			seen |= 1 << i
			err = d.stringInto(dst)
		default:
			seen |= 1 << i
			f.CNF, err = d.raw()
		}
		if err != nil {
			return err
		}
		done, err := d.next('}')
		if err != nil {
			return err
		}
		if done {
			return d.end()
		}
	}
}

// member returns the index of the member name among Facts' members and
// the string it goes to (nil for cnf), or -1.
func (f *Facts) member(name string, all bool) (int, *string) {
	if name == "cnf" {
		return 0, nil
	}
	if !all {
		return -1, nil
	}
	switch name {
	case "sid":
		return 1, &f.SID
	case "session_state":
		return 2, &f.SessionState
	case "azp":
		return 3, &f.AZP
	case "client_id":
		return 4, &f.ClientID
	}
	return -1, nil
}
