package verify

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/jwtguard/jwtguard/claims"
	"github.com/jwtguard/jwtguard/internal/claimsdec"
	"github.com/jwtguard/jwtguard/revocation"
)

// facts are the claims that the checks after the claims type read: the
// sender constraint ("cnf", RFC 7800) and what a revocation check matches
// on. They are read once, after the signature, and kept with a cache
// entry, so that a hit checks them again without decoding anything.
type facts struct {
	cnf confirmation
	// rev is nil when the Verifier has no revocation checker.
	rev *revocation.Token
}

// confirmation is a token's "cnf" claim, reduced to the methods this
// verifier can check.
type confirmation struct {
	present bool
	jkt     string // "jkt": RFC 9449 (DPoP), the key's RFC 7638 thumbprint
	x5t     string // "x5t#S256": RFC 8705, the client certificate's SHA-256
}

var (
	cnfName     = []byte(`"cnf"`)
	escapedName = []byte(`\u`)
)

// factClaims are the members decodeFacts reads, as go-json-experiment
// decodes them; claimsdec.DecodeFacts reads the same (its fuzz target
// holds it to this struct's twin), and these types only give a refused
// payload its detailed error. Unknown members are skipped; duplicate
// names and invalid UTF-8 are refused, as everywhere in the verifier. A
// null string member counts as absent.
type factClaims struct {
	SID          string         `json:"sid"`
	SessionState string         `json:"session_state"`
	AZP          string         `json:"azp"`
	ClientID     string         `json:"client_id"`
	CNF          jsontext.Value `json:"cnf"`
}

// cnfClaim is factClaims for a verifier that needs only the binding.
type cnfClaim struct {
	CNF jsontext.Value `json:"cnf"`
}

// factsError explains why claimsdec.DecodeFacts refused raw (err): a
// refusal is rare, so go-json-experiment decodes it again for its detailed
// message. It refuses it too, the same way; should it ever not, the token
// is refused all the same.
func factsError(raw []byte, needRev bool, err error) error {
	var jerr error
	if needRev {
		jerr = json.Unmarshal(raw, new(factClaims))
	} else {
		jerr = json.Unmarshal(raw, new(cnfClaim))
	}
	if jerr != nil {
		return jsonError(jerr, "claims")
	}
	if errors.Is(err, claimsdec.ErrSyntax) {
		return fmt.Errorf("%w: claims are not strict JSON", ErrMalformed)
	}
	return fmt.Errorf("%w: a claim has the wrong type or value", ErrClaims)
}

// decodeFacts reads the facts from a verified payload whose claims have
// been decoded (reg holds its registered claims). The payload is decoded
// only when a revocation checker needs the session and client claims, or
// when it may hold "cnf": the name itself, or an escape that could spell
// it. A token can therefore never hide a binding from the verifier.
func (v *Verifier[C]) decodeFacts(raw []byte, reg *claims.Registered) (facts, error) {
	var f facts
	needRev := v.s.revocation != nil
	if !needRev && !mayHoldCnf(raw) {
		return f, nil
	}
	var fc claimsdec.Facts
	if err := claimsdec.DecodeFacts(raw, &fc, needRev); err != nil {
		return f, factsError(raw, needRev, err)
	}
	if len(fc.CNF) > 0 {
		var err error
		if f.cnf, err = readConfirmation(jsontext.NewDecoder(bytes.NewReader(fc.CNF))); err != nil {
			return f, err
		}
	}
	if needRev {
		f.rev = &revocation.Token{
			Issuer:    reg.Issuer,
			ID:        reg.ID,
			Subject:   reg.Subject,
			SessionID: cmp.Or(fc.SID, fc.SessionState),
			ClientID:  cmp.Or(fc.AZP, fc.ClientID),
			IssuedAt:  reg.IssuedAt.Time,
			ExpiresAt: reg.ExpiresAt.Time,
		}
	}
	return f, nil
}

// mayHoldCnf reports whether raw holds the name "cnf" with its quotes,
// or an escape that could spell it (\u): whether the payload must be
// decoded to find a binding. bytes.Contains is slow on the many quotes of
// a JSON payload (about 250 ns for a 700-byte Keycloak one, a third of
// its claims decoding), so this looks for the rarer 'f' of "cnf" with
// bytes.IndexByte and checks the name around each.
func mayHoldCnf(raw []byte) bool {
	if bytes.IndexByte(raw, '\\') >= 0 && bytes.Contains(raw, escapedName) {
		return true
	}
	for i := 0; i < len(raw); i++ {
		j := bytes.IndexByte(raw[i:], 'f')
		if j < 0 {
			return false
		}
		i += j
		if isCnfAt(raw, i) {
			return true
		}
	}
	return false
}

// isCnfAt reports whether raw[i] is the 'f' of the quoted name "cnf".
func isCnfAt(raw []byte, i int) bool {
	return i >= 3 && i+2 <= len(raw) && string(raw[i-3:i+2]) == string(cnfName)
}

// readString reads a string value; null and other kinds are refused, since
// a check that matches on the claim cannot read them.
func readString(dec *jsontext.Decoder, name string) (string, error) {
	val, err := dec.ReadToken()
	if err != nil {
		return "", jsonError(err, "claims")
	}
	if val.Kind() != '"' {
		return "", fmt.Errorf("%w: claim %q is not a string", ErrClaims, name)
	}
	return val.String(), nil
}

// readConfirmation reads the value of "cnf": an object whose "jkt" and
// "x5t#S256" members, when present, are strings. Other members (jwk, kid,
// ...) are methods this verifier cannot check; a cnf holding only those
// binds the token to something no request can prove, and
// confirmation.check refuses it.
func readConfirmation(dec *jsontext.Decoder) (confirmation, error) {
	c := confirmation{present: true}
	tok, err := dec.ReadToken()
	if err != nil {
		return c, jsonError(err, "claims")
	}
	if tok.Kind() != '{' {
		return c, fmt.Errorf("%w: claim %q is not an object", ErrClaims, "cnf")
	}
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return c, jsonError(err, "claims")
		}
		switch name.String() {
		case "jkt":
			if c.jkt, err = readString(dec, "cnf.jkt"); err != nil {
				return c, err
			}
			if c.jkt == "" {
				return c, fmt.Errorf("%w: claim %q is empty", ErrClaims, "cnf.jkt")
			}
		case "x5t#S256":
			if c.x5t, err = readString(dec, "cnf.x5t#S256"); err != nil {
				return c, err
			}
			if c.x5t == "" {
				return c, fmt.Errorf("%w: claim %q is empty", ErrClaims, "cnf.x5t#S256")
			}
		default:
			if err := dec.SkipValue(); err != nil {
				return c, jsonError(err, "claims")
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return c, jsonError(err, "claims")
	}
	return c, nil
}

// checkFacts runs the checks that come after the claims, on a fresh
// verification and on every cache hit: the sender constraint, then the
// revocation check.
func (v *Verifier[C]) checkFacts(f *facts, b Binding) error {
	if err := f.cnf.check(b); err != nil {
		return err
	}
	if f.rev != nil {
		if err := v.s.revocation.Check(f.rev); err != nil {
			return revocationError(err)
		}
	}
	return nil
}

// revocationError keeps the checker's error in the chain and makes sure it
// matches one of ErrRevoked and ErrRevocationUnavailable: a checker error
// that is neither counts as unavailable, never as "not revoked".
func revocationError(err error) error {
	switch {
	case errors.Is(err, ErrRevoked), errors.Is(err, ErrRevocationUnavailable):
		return err
	default:
		return fmt.Errorf("%w: %w", ErrRevocationUnavailable, err)
	}
}
