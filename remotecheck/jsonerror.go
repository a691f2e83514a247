package remotecheck

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// describeJSON says what is wrong with a JSON document without quoting it:
// the document may be a token payload or an issuer's answer, neither of
// which belongs in a log.
func describeJSON(err error) string {
	var syn *jsontext.SyntacticError
	if errors.As(err, &syn) {
		switch {
		case errors.Is(syn, jsontext.ErrDuplicateName):
			return "duplicate member name " + string(syn.JSONPointer)
		case strings.Contains(syn.Error(), "UTF-8"):
			return "invalid UTF-8"
		}
		return fmt.Sprintf("not strict JSON (syntax error at offset %d)", syn.ByteOffset)
	}
	var sem *json.SemanticError
	if errors.As(err, &sem) {
		if sem.JSONPointer == "" {
			return "wrong JSON type"
		}
		return fmt.Sprintf("member %s has the wrong type or value", sem.JSONPointer)
	}
	return "not strict JSON"
}
