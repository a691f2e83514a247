// Package doccheck holds no code: its tests keep README.md and the guides
// in docs/ honest.
//
// TestGoSnippetsCompile extracts every ```go block of README.md and
// docs/*.md and compiles them all with one `go build` in a temporary
// directory inside the module, so the snippets import
// github.com/jwtguard/jwtguard/... as a user's program would and cannot
// drift from the API. A block is one of:
//
//   - a whole file: its first line of code is a package clause. It is
//     compiled as it stands, in a package of its own.
//   - a fragment, marked by an HTML comment on the line before the fence:
//     <!-- snippet: body --> for statements (wrapped in a function that
//     returns an error, so `return err` works), <!-- snippet: decl --> for
//     package-level declarations (types, functions), <!-- snippet: expr -->
//     for one expression (e.g. a Config literal).
//
// Fragments get their imports added from the package names they use (the
// standard library's usual ones, chi, go-redis, Prometheus and every
// jwtguard package), and may use a few placeholder names a reader
// understands without a declaration: ctx, token, issuer, keys (a key
// source), v (a Keycloak verifier), mux, r (a chi.Router), api, handlers
// such as me or reports, and the others listed in prelude in the test. A
// variable a body fragment declares and does not use is not an error. A go
// block without a package clause or a marker fails the test.
//
// TestRelativeLinks checks that every relative link of README.md and
// docs/*.md names an existing file and, for a Markdown target, an existing
// heading. TestReadmeIsAnEntryPoint checks that the README stays short,
// links every guide, and names the commands newcomers and CI run.
package doccheck
