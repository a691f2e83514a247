package testkeys

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// WycheproofFile is a Wycheproof JWS or JWK test file (the fields jwtguard's
// tests read).
type WycheproofFile struct {
	TestGroups []WycheproofGroup `json:"testGroups"`
}

// WycheproofGroup is one group: a key (or key set) and the tests against it.
type WycheproofGroup struct {
	Comment string          `json:"comment"`
	Public  json.RawMessage `json:"public"`
	Private json.RawMessage `json:"private"`
	Tests   []struct {
		TcID    int      `json:"tcId"`
		Comment string   `json:"comment"`
		JWS     string   `json:"jws"`
		Result  string   `json:"result"`
		Flags   []string `json:"flags"`
	} `json:"tests"`
}

// KeyJSON is the group's public key (set), or its private one when it has
// no public one (HMAC secrets).
func (g *WycheproofGroup) KeyJSON() json.RawMessage {
	if len(g.Public) == 0 || string(g.Public) == "null" {
		return g.Private
	}
	return g.Public
}

// Wycheproof reads the named file of WycheproofDir, skipping the test when
// the vectors are absent.
func Wycheproof(t testing.TB, name string) WycheproofFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(WycheproofDir(t), name))
	if err != nil {
		t.Fatalf("testkeys: %v", err)
	}
	var f WycheproofFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("testkeys: %s: %v", name, err)
	}
	return f
}
