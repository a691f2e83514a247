package doccheck

import (
	"errors"
	"strings"
	"testing"
)

// TestRender checks how blocks become Go files, without compiling them.
func TestRender(t *testing.T) {
	d := &doc{rel: "docs/x.md", abs: "/repo/docs/x.md"}
	tests := []struct {
		name     string
		marker   string
		body     string
		wantErr  error
		wantDir  string   // "" for the shared fragments package
		contains []string // in the rendered file
		need     []string // prelude names asked for
	}{
		{
			name:     "whole file keeps its own package",
			body:     "// a comment\npackage main\n\nfunc main() {}",
			wantDir:  "file007",
			contains: []string{"//line /repo/docs/x.md:10\n", "package main"},
		},
		{
			name:    "unmarked fragment",
			body:    "x := 1",
			wantErr: errNoMarker,
		},
		{
			name:    "unknown kind",
			marker:  "stmt",
			body:    "x := 1",
			wantErr: errUnknownKind,
		},
		{
			name:    "fragment that does not parse",
			marker:  "body",
			body:    "if err != nil { ... }",
			wantErr: errParse,
		},
		{
			name:   "body: imports added, unused variables used, placeholders asked for",
			marker: "body",
			body:   "v, err := verify.New(verify.Config[claims.Map]{Keys: keys})\nmux.Handle(\"/\", nil)",
			contains: []string{
				"func snippet007() error {",
				`import "github.com/jwtguard/jwtguard/verify"`,
				`import "github.com/jwtguard/jwtguard/claims"`,
				"_ = v\n_ = err\nreturn nil",
			},
			need: []string{"keys", "mux"},
		},
		{
			name:     "expr becomes a package-level value",
			marker:   "expr",
			body:     "time.Second",
			contains: []string{"var _ = \n//line /repo/docs/x.md:10\ntime.Second", `import "time"`},
		},
		{
			name:     "decl gets a package of its own",
			marker:   "decl",
			body:     "func reports(w http.ResponseWriter, r *http.Request) {}",
			wantDir:  "decl007",
			contains: []string{`import "net/http"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := block{doc: d, lang: "go", marker: tt.marker, line: 10, body: strings.Split(tt.body, "\n")}
			src, dir, need, err := render(b, 7)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("render error = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if dir != tt.wantDir {
				t.Errorf("dir = %q, want %q", dir, tt.wantDir)
			}
			for _, c := range tt.contains {
				if !strings.Contains(string(src), c) {
					t.Errorf("rendered file lacks %q:\n%s", c, src)
				}
			}
			if len(need) != len(tt.need) {
				t.Errorf("prelude names = %v, want %v", need, tt.need)
			}
			for _, n := range tt.need {
				if !need[n] {
					t.Errorf("prelude name %q not asked for (got %v)", n, need)
				}
			}
		})
	}
}
