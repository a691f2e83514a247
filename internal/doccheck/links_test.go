package doccheck

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	// [text](target) and ![alt](target "title"); the text may hold one
	// level of brackets, as a linked image does.
	mdLinkRE = regexp.MustCompile(`\]\(\s*<?([^()\s>]+)>?(?:\s+"[^"]*")?\s*\)`)
	// href="target" and src="target" in inline HTML.
	htmlLinkRE = regexp.MustCompile(`(?:href|src)="([^"]+)"`)
	codeSpanRE = regexp.MustCompile("`+[^`]*`+")
	schemeRE   = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
)

// TestRelativeLinks checks that every relative link of README.md and
// docs/*.md names a file of the repository and, when it has a fragment and
// names a Markdown file, one of that file's headings.
func TestRelativeLinks(t *testing.T) {
	root := moduleRoot(t)
	all := docs(t, root)
	anchors := map[string]map[string]bool{} // absolute path -> anchors
	anchorsOf := func(p string) map[string]bool {
		if a, ok := anchors[p]; ok {
			return a
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		d := &doc{abs: p, lines: strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")}
		anchors[p] = d.anchors()
		return anchors[p]
	}
	checked := 0
	for _, d := range all {
		_, prose := d.blocks()
		for i, l := range prose {
			l = codeSpanRE.ReplaceAllString(l, "")
			var targets []string
			for _, m := range mdLinkRE.FindAllStringSubmatch(l, -1) {
				targets = append(targets, m[1])
			}
			for _, m := range htmlLinkRE.FindAllStringSubmatch(l, -1) {
				targets = append(targets, m[1])
			}
			for _, target := range targets {
				if schemeRE.MatchString(target) || strings.HasPrefix(target, "//") {
					continue // a URL, not checked offline
				}
				checked++
				file, frag, _ := strings.Cut(target, "#")
				p := d.abs
				if file != "" {
					if strings.HasPrefix(file, "/") {
						t.Errorf("%s:%d: link %q is absolute; GitHub resolves it against the host, write it relative", d.rel, i+1, target)
						continue
					}
					p = filepath.Join(filepath.Dir(d.abs), filepath.FromSlash(path.Clean(file)))
				}
				if _, err := os.Stat(p); err != nil {
					t.Errorf("%s:%d: link %q: no such file", d.rel, i+1, target)
					continue
				}
				if frag == "" || !strings.HasSuffix(p, ".md") {
					continue
				}
				if !anchorsOf(p)[strings.ToLower(frag)] {
					t.Errorf("%s:%d: link %q: %s has no heading with anchor #%s", d.rel, i+1, target, filepath.Base(p), frag)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no relative link found: the extraction is broken")
	}
}

// TestReadmeIsAnEntryPoint keeps README.md the page a newcomer reads first:
// short, naming the commands to run, and linking every guide.
func TestReadmeIsAnEntryPoint(t *testing.T) {
	const maxLines = 320 // "about 300"; the details belong in docs/
	root := moduleRoot(t)
	all := docs(t, root)
	readme := all[0]
	text := strings.Join(readme.lines, "\n")
	t.Run("length", func(t *testing.T) {
		if n := len(readme.lines); n > maxLines {
			t.Errorf("README.md has %d lines, more than %d: move the details into the guide in docs/ they belong to and link it", n, maxLines)
		}
	})
	t.Run("commands", func(t *testing.T) {
		for _, cmd := range []string{"go run ./examples/chi-server", "go test ./...", "bash .ci/run"} {
			if !strings.Contains(text, cmd) {
				t.Errorf("README.md does not name %q", cmd)
			}
		}
	})
	t.Run("every guide linked", func(t *testing.T) {
		for _, g := range all[1:] {
			link := "(" + g.rel
			if !strings.Contains(text, link+")") && !strings.Contains(text, link+"#") {
				t.Errorf("README.md does not link %s", g.rel)
			}
		}
	})
}
