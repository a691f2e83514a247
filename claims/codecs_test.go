package claims_test

import (
	"encoding/json"

	jsonv2 "github.com/go-json-experiment/json"
)

// codec is one of the two JSON packages the claims types must work with.
type codec struct {
	name      string
	unmarshal func([]byte, any) error
	marshal   func(any) ([]byte, error)
}

// codecs lists encoding/json (v1) and github.com/go-json-experiment/json
// (v2, the verifier's decoder).
var codecs = []codec{
	{name: "v1", unmarshal: json.Unmarshal, marshal: json.Marshal},
	{
		name:      "v2",
		unmarshal: func(b []byte, v any) error { return jsonv2.Unmarshal(b, v) },
		marshal:   func(v any) ([]byte, error) { return jsonv2.Marshal(v) },
	},
}
