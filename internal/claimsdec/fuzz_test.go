package claimsdec

import (
	"errors"
	"reflect"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// keycloakPayload is a Keycloak access token body, the fuzz seeds' base.
const keycloakPayload = `{"exp":1768467600,"iat":1768464000,"nbf":0,"auth_time":1768464000,` +
	`"jti":"b1f3c6a2-8d7e-4e8b-9c1a-2f7e5d3b9a10","iss":"https://issuer.example","aud":["api","account"],` +
	`"sub":"f4a9c1d2-5b7e-4c3a-8e2f-1a6d9b0c7e34","typ":"Bearer","azp":"ea-api-edge",` +
	`"session_state":"7e1c9a2b","sid":"7e1c9a2b","acr":"1","allowed-origins":["https://app.example.com"],` +
	`"realm_access":{"roles":["offline_access","uma_authorization"]},` +
	`"resource_access":{"account":{"roles":["manage-account","view-profile"]}},` +
	`"scope":"openid profile email","email_verified":true,"name":"Jeanne Martin",` +
	`"preferred_username":"jeanne.martin","given_name":"Jeanne","family_name":"Martin",` +
	`"email":"jeanne.martin@example.com","account_ids":"118466"}`

var seeds = []string{
	keycloakPayload, `null`, `{}`, ` {} `, `[]`, `"x"`, `1`, `{"x":1}x`, `{"x":1,"x":2}`, `{"a":{"b":1,"b":2}}`,
	`{"name":null,"email_verified":null,"allowed-origins":["a",null],"realm_access":null,"resource_access":{"a":null}}`,
	`{"x":1e400}`, `{"x":-0}`, `{"x":[]}`, `{"x":{}}`, `{"allowed-origins":[]}`, `{"resource_access":{}}`,
	`{"name":1,"x":}`, `{"aud":null}`, `{"aud":[]}`, `{"scope":null}`, `{"exp":null}`, `{"scope":""}`,
	`{"realm_access":{"roles":null,"x":1}}`, `{"realm_access":{"Roles":["a"]}}`, `{"Name":"a"}`,
	`{"email_verified":"true"}`, `{"x":12345678901234567890123}`, `{"x":1.5e-400}`, `{"exp":"1"}`,
	`{"name":"\u0000\ud83d\ude00\u00e9"}`, "{\"name\":\"\xff\"}", `{"name":"\ud800"}`, `{"\u0069ss":"a","iss":"b"}`,
	`{"name":[1,}`, `{"allowed-origins":[1,}`, `{"realm_access":{"roles":[1],"roles":[]}}`, `{"exp":1e999}`,
	`{"aud":"a","iss":"i","sub":"s","jti":"j","nbf":1.5,"iat":-1}`, `{"a":[{"b":[true,false,null,"c",1.5e3]}]}`,
}

func addSeeds(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
}

// class names how go-json-experiment refused an input: "" (accepted),
// "syntax" or "type".
func class(err error) string {
	if err == nil {
		return ""
	}
	var syn *jsontext.SyntacticError
	if errors.As(err, &syn) {
		return "syntax"
	}
	return "type"
}

func ourClass(t *testing.T, err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrSyntax):
		return "syntax"
	case errors.Is(err, ErrType):
		return "type"
	}
	t.Fatalf("error of no class: %v", err)
	return ""
}

// differential decodes data with both decoders and fails unless they
// agree: both accept with deeply equal values, or both refuse the same way.
func differential[C any](t *testing.T, data []byte, fast func([]byte, *C) error) {
	if depth(data) > 32 {
		t.Skip("the verifier refuses JSON nested deeper than 32 levels before decoding it")
	}
	var want C
	refErr := json.Unmarshal(data, &want)
	var got C
	// A copy: decoded strings may point into the input, and the fuzzer
	// reuses its buffer.
	err := fast(append([]byte(nil), data...), &got)
	if wc, gc := class(refErr), ourClass(t, err); wc != gc {
		t.Fatalf("input %q: go-json-experiment says %q (%v), claimsdec %q (%v)", data, wc, refErr, gc, err)
	}
	if refErr == nil && !reflect.DeepEqual(want, got) {
		t.Fatalf("input %q: values differ:\n go-json-experiment %#v\n claimsdec          %#v", data, want, got)
	}
}

// FuzzKeycloak holds Keycloak to go-json-experiment's decoding.
func FuzzKeycloak(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) { differential(t, data, Keycloak) })
}

// FuzzRegistered holds Registered to go-json-experiment's decoding.
func FuzzRegistered(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) { differential(t, data, Registered) })
}

// depth is the nesting depth of data, brackets in strings aside.
func depth(b []byte) int {
	d, most, inString := 0, 0, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			d++
			most = max(most, d)
		case '}', ']':
			d--
		}
	}
	return most
}

// TestFieldIndex keeps fieldIndex's switch and keycloakFields in step.
func TestFieldIndex(t *testing.T) {
	for i, name := range keycloakFields {
		t.Run(name, func(t *testing.T) {
			if got := fieldIndex(name, len(keycloakFields)); got != i {
				t.Fatalf("fieldIndex(%q) = %d, want %d", name, got, i)
			}
			if want := -1; i >= registeredFields && fieldIndex(name, registeredFields) != want {
				t.Fatalf("%q counted as a registered claim", name)
			}
		})
	}
	if got := fieldIndex("Iss", len(keycloakFields)); got != -1 {
		t.Fatalf("names are case-sensitive, got %d", got)
	}
}

// factsRef is Facts as go-json-experiment decodes it; cnfRef its CNF
// member alone.
type factsRef struct {
	SID          string         `json:"sid"`
	SessionState string         `json:"session_state"`
	AZP          string         `json:"azp"`
	ClientID     string         `json:"client_id"`
	CNF          jsontext.Value `json:"cnf"`
}

type cnfRef struct {
	CNF jsontext.Value `json:"cnf"`
}

// FuzzFacts holds DecodeFacts, with and without all, to go-json-experiment.
func FuzzFacts(f *testing.F) {
	addSeeds(f)
	for _, s := range []string{
		`{"cnf":{"jkt":"abc"},"sid":"s","azp":"a"}`, `{"cnf":null}`, `{"cnf": [1, 2] ,"client_id":null}`,
		`{"cnf":1,"cnf":2}`, `{"sid":1}`, `{"session_state":"x","x":{"a":1,"a":2}}`, `{"Cnf":{},"SID":"x"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if depth(data) > 32 {
			t.Skip("the verifier refuses JSON nested deeper than 32 levels before decoding it")
		}
		var ref factsRef
		refErr := json.Unmarshal(data, &ref)
		var got Facts
		err := DecodeFacts(append([]byte(nil), data...), &got, true)
		if wc, gc := class(refErr), ourClass(t, err); wc != gc {
			t.Fatalf("all, input %q: go-json-experiment says %q (%v), claimsdec %q (%v)", data, wc, refErr, gc, err)
		}
		want := Facts{ref.SID, ref.SessionState, ref.AZP, ref.ClientID, ref.CNF}
		if refErr == nil && !reflect.DeepEqual(want, got) {
			t.Fatalf("all, input %q: values differ:\n go-json-experiment %#v\n claimsdec          %#v", data, want, got)
		}

		var cref cnfRef
		refErr = json.Unmarshal(data, &cref)
		got = Facts{}
		err = DecodeFacts(append([]byte(nil), data...), &got, false)
		if wc, gc := class(refErr), ourClass(t, err); wc != gc {
			t.Fatalf("cnf, input %q: go-json-experiment says %q (%v), claimsdec %q (%v)", data, wc, refErr, gc, err)
		}
		if want := (Facts{CNF: cref.CNF}); refErr == nil && !reflect.DeepEqual(want, got) {
			t.Fatalf("cnf, input %q: values differ:\n go-json-experiment %#v\n claimsdec          %#v", data, want, got)
		}
	})
}
