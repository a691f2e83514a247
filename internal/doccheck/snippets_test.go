package doccheck

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// imports maps the package names a fragment may use without an import to
// their import paths.
var imports = map[string]string{
	"context":     "context",
	"crypto":      "crypto",
	"ecdsa":       "crypto/ecdsa",
	"elliptic":    "crypto/elliptic",
	"rand":        "crypto/rand",
	"tls":         "crypto/tls",
	"x509":        "crypto/x509",
	"errors":      "errors",
	"fmt":         "fmt",
	"io":          "io",
	"json":        "encoding/json",
	"log":         "log",
	"slog":        "log/slog",
	"http":        "net/http",
	"os":          "os",
	"strings":     "strings",
	"sha256":      "crypto/sha256",
	"base64":      "encoding/base64",
	"atomic":      "sync/atomic",
	"time":        "time",
	"chi":         "github.com/go-chi/chi/v5",
	"redis":       "github.com/redis/go-redis/v9",
	"prometheus":  "github.com/prometheus/client_golang/prometheus",
	"promhttp":    "github.com/prometheus/client_golang/prometheus/promhttp",
	"metrics":     "github.com/jwtguard/jwtguard/metrics",
	"prommetrics": "github.com/jwtguard/jwtguard/metrics/prommetrics",
	"otelmetrics": "github.com/jwtguard/jwtguard/metrics/otelmetrics",
	"backchannel": "github.com/jwtguard/jwtguard/backchannel",
	"claims":      "github.com/jwtguard/jwtguard/claims",
	"dpop":        "github.com/jwtguard/jwtguard/dpop",
	"keysource":   "github.com/jwtguard/jwtguard/keysource",
	"middleware":  "github.com/jwtguard/jwtguard/middleware",
	"profile":     "github.com/jwtguard/jwtguard/profile",
	"readiness":   "github.com/jwtguard/jwtguard/readiness",
	"redisstore":  "github.com/jwtguard/jwtguard/redisstore",
	"remotecheck": "github.com/jwtguard/jwtguard/remotecheck",
	"revocation":  "github.com/jwtguard/jwtguard/revocation",
	"verify":      "github.com/jwtguard/jwtguard/verify",
}

// preludeDecl is a placeholder a fragment may use undeclared.
type preludeDecl struct {
	src  string   // the declaration
	deps []string // other prelude names it uses
}

// prelude holds the placeholders. Each is declared, in a file beside the
// fragments, only when a fragment uses it without declaring it itself.
var prelude = map[string]preludeDecl{
	"ctx":           {src: "var ctx = context.Background()"},
	"token":         {src: "var token string // a compact JWT from a request"},
	"issuer":        {src: `var issuer = "https://sso.example.com/realms/main"`},
	"partnerToken":  {src: "var partnerToken string"},
	"erplyIssuer":   {src: "var erplyIssuer string"},
	"erplyAudience": {src: "var erplyAudience string"},
	"keys":          {src: "var keys keysource.Source // a key source, see docs/keys.md"},
	"logger":        {src: "var logger = slog.Default()"},
	"auth":          {src: "var auth *middleware.Middleware[claims.Keycloak]"},
	"v":             {src: "var v *verify.Verifier[claims.Keycloak] // a verifier, see docs/verify.md"},
	"erplyVerifier": {src: "var erplyVerifier *verify.Verifier[claims.Erply]"},
	"mux":           {src: "var mux = http.NewServeMux()"},
	"r":             {src: "var r chi.Router = chi.NewRouter()"},
	"api":           {src: "var api http.Handler = http.NotFoundHandler()"},
	"src":           {src: "var src keysource.Source"},
	"revStore":      {src: "var revStore revocation.Store"},
	"rdb":           {src: `var rdb redis.UniversalClient = redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})`},
	"health":        {src: "func health(w http.ResponseWriter, r *http.Request) {}"},
	"me":            {src: "func me(w http.ResponseWriter, r *http.Request) {}"},
	"reports":       {src: "func reports(w http.ResponseWriter, r *http.Request) {}"},
	"admin":         {src: "func admin(w http.ResponseWriter, r *http.Request) {}"},
	"documents":     {src: "func documents(w http.ResponseWriter, r *http.Request) {}"},
	"campaigns":     {src: "func campaigns(w http.ResponseWriter, r *http.Request) {}"},
	"handler":       {src: "func handler(w http.ResponseWriter, r *http.Request) {}"},
	"MyClaims":      {src: "type MyClaims struct{ claims.Registered }"},
	"checkTenant":   {src: "func checkTenant(context.Context, *MyClaims) error { return nil }", deps: []string{"MyClaims"}},
	"askIssuer":     {src: "func askIssuer(ctx context.Context, token string) (remotecheck.Result, error) { return remotecheck.Result{}, nil }"},
}

// TestGoSnippetsCompile compiles every ```go block of README.md and
// docs/*.md with one `go build` over a temporary directory in the module.
func TestGoSnippetsCompile(t *testing.T) {
	// go test puts its own GOROOT/bin first on PATH, so this finds the go
	// tool that runs the test.
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("skipped: no go tool on PATH; the doc snippets need it to compile")
	}
	root := moduleRoot(t)
	var snippets []block
	for _, d := range docs(t, root) {
		bs, _ := d.blocks()
		for _, b := range bs {
			if b.lang == "go" {
				snippets = append(snippets, b)
			}
		}
	}
	if len(snippets) == 0 {
		t.Fatal("no ```go block in README.md or docs/*.md: the extraction is broken")
	}

	// A directory starting with "_" is ignored by ./... patterns, so a
	// concurrent `go vet ./...` never sees it.
	tmp, err := os.MkdirTemp(root, "_doccheck-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })

	fragments := filepath.Join(tmp, "fragments")
	used := map[string]bool{} // prelude names the fragments package needs
	var pkgs []string
	addPkg := func(dir string) {
		for _, p := range pkgs {
			if p == dir {
				return
			}
		}
		pkgs = append(pkgs, dir)
	}
	for i, b := range snippets {
		src, dir, need, err := render(b, i)
		if err != nil {
			t.Errorf("%s:%d: %v", b.doc.rel, b.line, err)
			continue
		}
		if dir == "" {
			dir = fragments
			for n := range need {
				used[n] = true
			}
		} else {
			dir = filepath.Join(tmp, dir)
			if len(need) > 0 {
				writeFile(t, filepath.Join(dir, "prelude.go"), preludeFile(need))
			}
		}
		writeFile(t, filepath.Join(dir, fmt.Sprintf("snippet%03d.go", i)), src)
		addPkg(dir)
	}
	if len(used) > 0 {
		writeFile(t, filepath.Join(fragments, "prelude.go"), preludeFile(used))
	}
	if t.Failed() {
		return
	}

	args := []string{"build", "-o", os.DevNull}
	for _, p := range pkgs {
		rel, err := filepath.Rel(root, p)
		if err != nil {
			t.Fatal(err)
		}
		args = append(args, "./"+filepath.ToSlash(rel))
	}
	if len(pkgs) > 1 {
		args = append(args[:1], args[3:]...) // -o names one file; several packages are only compiled
	}
	cmd := exec.Command(goTool, args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly")
	out, err := cmd.CombinedOutput()
	if err != nil {
		msg := strings.ReplaceAll(string(out), root+string(filepath.Separator), "")
		t.Fatalf("%d Go snippets of the docs do not compile (positions are the Markdown files'):\n%s\n"+
			"A ```go block is a whole file (package clause first) or a fragment marked by "+
			"<!-- snippet: body|decl|expr --> on the line before its fence; see internal/doccheck/doc.go.", len(snippets), msg)
	}
	t.Logf("%d Go snippets compiled in %d packages", len(snippets), len(pkgs))
}

var (
	errNoMarker    = errors.New("unmarked fragment")
	errUnknownKind = errors.New("unknown snippet kind")
	errParse       = errors.New("does not parse")
)

// render turns a block into a Go file. It returns the directory (relative
// to the temporary root) for a block that needs a package of its own, ""
// for the shared fragments package, and the prelude names it uses.
func render(b block, n int) (src []byte, dir string, need map[string]bool, err error) {
	code := strings.Join(b.body, "\n")
	var buf bytes.Buffer
	line := func(l int) string { return fmt.Sprintf("//line %s:%d\n", b.doc.abs, l) }
	switch {
	case b.marker == "" && isFile(b.body):
		buf.WriteString(line(b.line))
		buf.WriteString(code)
		buf.WriteString("\n")
		return buf.Bytes(), fmt.Sprintf("file%03d", n), nil, nil
	case b.marker == "":
		return nil, "", nil, fmt.Errorf("%w: a ```go block with neither a package clause nor a <!-- snippet: body|decl|expr --> marker before it", errNoMarker)
	case b.marker != "body" && b.marker != "decl" && b.marker != "expr":
		return nil, "", nil, fmt.Errorf("%w %q (body, decl or expr)", errUnknownKind, b.marker)
	}

	var wrapped string
	switch b.marker {
	case "body":
		wrapped = fmt.Sprintf("func snippet%03d() error {\n", n) + line(b.line) + code + "\n/*END*/\nreturn nil\n}\n"
	case "decl":
		wrapped = line(b.line) + code + "\n"
	case "expr":
		wrapped = "var _ = \n" + line(b.line) + code + "\n"
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, b.doc.rel, "package p\n"+wrapped, parser.ParseComments)
	if err != nil {
		return nil, "", nil, fmt.Errorf("%w as a %s fragment: %v", errParse, b.marker,
			strings.ReplaceAll(err.Error(), filepath.Dir(b.doc.abs)+string(filepath.Separator), ""))
	}
	names := map[string]bool{}
	need = map[string]bool{}
	for _, id := range f.Unresolved {
		if _, ok := imports[id.Name]; ok {
			names[id.Name] = true
		} else if _, ok := prelude[id.Name]; ok {
			need[id.Name] = true
		}
	}
	if b.marker == "body" {
		// Variables the fragment declares at its top level and never
		// uses are fine in a fragment: use them after it.
		var unused []string
		for _, s := range f.Decls[0].(*ast.FuncDecl).Body.List {
			for _, id := range declared(s) {
				unused = append(unused, "_ = "+id)
			}
		}
		wrapped = strings.Replace(wrapped, "/*END*/", strings.Join(unused, "\n"), 1)
	}
	buf.WriteString("package fragments\n\n")
	writeImports(&buf, names)
	buf.WriteString(wrapped)
	if b.marker == "body" || b.marker == "expr" {
		return buf.Bytes(), "", need, nil
	}
	return buf.Bytes(), fmt.Sprintf("decl%03d", n), need, nil
}

// isFile reports whether the first line of code is a package clause.
func isFile(body []string) bool {
	for _, l := range body {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "//") {
			continue
		}
		return strings.HasPrefix(l, "package ")
	}
	return false
}

// declared returns the names a top-level statement of a body declares.
func declared(s ast.Stmt) []string {
	var out []string
	switch s := s.(type) {
	case *ast.AssignStmt:
		if s.Tok == token.DEFINE {
			for _, e := range s.Lhs {
				if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
					out = append(out, id.Name)
				}
			}
		}
	case *ast.DeclStmt:
		if g, ok := s.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
			for _, sp := range g.Specs {
				for _, id := range sp.(*ast.ValueSpec).Names {
					if id.Name != "_" {
						out = append(out, id.Name)
					}
				}
			}
		}
	}
	return out
}

// preludeFile declares the named placeholders and what they depend on.
func preludeFile(names map[string]bool) []byte {
	all := map[string]bool{}
	var add func(string)
	add = func(n string) {
		if all[n] {
			return
		}
		all[n] = true
		for _, d := range prelude[n].deps {
			add(d)
		}
	}
	for n := range names {
		add(n)
	}
	var decls []string
	for n := range all {
		decls = append(decls, prelude[n].src)
	}
	sort.Strings(decls)
	src := strings.Join(decls, "\n")
	pkgNames := map[string]bool{}
	f, err := parser.ParseFile(token.NewFileSet(), "prelude.go", "package p\n"+src, 0)
	if err != nil {
		panic(err) // the prelude is this file's own code
	}
	for _, id := range f.Unresolved {
		if _, ok := imports[id.Name]; ok {
			pkgNames[id.Name] = true
		}
	}
	var buf bytes.Buffer
	buf.WriteString("package fragments\n\n")
	writeImports(&buf, pkgNames)
	buf.WriteString(src + "\n")
	return buf.Bytes()
}

func writeImports(buf *bytes.Buffer, names map[string]bool) {
	var paths []string
	for n := range names {
		paths = append(paths, imports[n])
	}
	sort.Strings(paths)
	for _, p := range paths {
		fmt.Fprintf(buf, "import %q\n", p)
	}
	buf.WriteString("\n")
}

func writeFile(t *testing.T, path string, src []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
}
