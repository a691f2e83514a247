package doccheck

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"
)

// doc is one Markdown file of the documentation.
type doc struct {
	rel   string   // path from the module root, slash-separated
	abs   string   // absolute path
	lines []string // the file's lines, without line ends
}

// block is one fenced code block of a doc.
type block struct {
	doc    *doc
	lang   string // the info string's first word
	marker string // the kind of a <!-- snippet: KIND --> comment before it, or ""
	line   int    // 1-based line of the block's first content line
	body   []string
}

var (
	fenceRE  = regexp.MustCompile("^ {0,3}(```+|~~~+)\\s*([^`\\s]*)")
	markerRE = regexp.MustCompile(`^\s*<!--\s*snippet:\s*([a-z]+)\s*-->\s*$`)
)

// moduleRoot returns the directory of the go.mod of this module.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(b), "module github.com/jwtguard/jwtguard\n") {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod of github.com/jwtguard/jwtguard above the working directory")
		}
		dir = parent
	}
}

// docs reads README.md and docs/*.md.
func docs(t *testing.T, root string) []*doc {
	t.Helper()
	guides, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(guides)
	paths := append([]string{filepath.Join(root, "README.md")}, guides...)
	var out []*doc
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.ReplaceAll(string(b), "\r\n", "\n")
		out = append(out, &doc{rel: filepath.ToSlash(rel), abs: p, lines: strings.Split(text, "\n")})
	}
	return out
}

// blocks returns the fenced code blocks of d, and the lines outside them
// (nil for a line inside a block) for the link and heading scans.
func (d *doc) blocks() (blocks []block, prose []string) {
	prose = make([]string, len(d.lines))
	var cur *block
	var fence string
	for i, l := range d.lines {
		if cur != nil {
			if strings.HasPrefix(strings.TrimLeft(l, " "), fence) && strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), fence[:1])) == "" {
				blocks = append(blocks, *cur)
				cur = nil
				continue
			}
			cur.body = append(cur.body, l)
			continue
		}
		m := fenceRE.FindStringSubmatch(l)
		if m == nil {
			prose[i] = l
			continue
		}
		fence = m[1]
		cur = &block{doc: d, lang: m[2], line: i + 2}
		for j := i - 1; j >= 0; j-- {
			if strings.TrimSpace(d.lines[j]) == "" {
				continue
			}
			if mm := markerRE.FindStringSubmatch(d.lines[j]); mm != nil {
				cur.marker = mm[1]
			}
			break
		}
	}
	if cur != nil { // an unclosed fence runs to the end of the file
		blocks = append(blocks, *cur)
	}
	return blocks, prose
}

// anchors returns the GitHub anchors of d's headings.
func (d *doc) anchors() map[string]bool {
	_, prose := d.blocks()
	seen := map[string]int{}
	out := map[string]bool{}
	for _, l := range prose {
		if !strings.HasPrefix(l, "#") {
			continue
		}
		h := strings.TrimLeft(l, "#")
		if h == l || (h != "" && h[0] != ' ') {
			continue
		}
		s := slug(h)
		if n := seen[s]; n > 0 {
			out[s+"-"+itoa(n)] = true
		} else {
			out[s] = true
		}
		seen[s]++
	}
	return out
}

// slug is GitHub's heading anchor: lower case, letters, digits, '_', '-'
// and spaces kept (spaces become '-'), everything else dropped.
func slug(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var d []byte
	for ; n > 0; n /= 10 {
		d = append([]byte{byte('0' + n%10)}, d...)
	}
	return string(d)
}

func TestSlug(t *testing.T) {
	tests := []struct {
		name, heading, want string
	}{
		{name: "words", heading: " Key sources", want: "key-sources"},
		{name: "code and parentheses", heading: " Remote token checks (EPR, RFC 7662)", want: "remote-token-checks-epr-rfc-7662"},
		{name: "colon and backquotes", heading: " jwtverify: why does `this` fail?", want: "jwtverify-why-does-this-fail"},
		{name: "section sign and dots", heading: " §3.1 Perform algorithm verification", want: "31-perform-algorithm-verification"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := slug(tt.heading); got != tt.want {
				t.Errorf("slug(%q) = %q, want %q", tt.heading, got, tt.want)
			}
		})
	}
}
