// Package testkeys gives tests across the repository the committed keys in
// testdata/keys (see its README.md) and the means to sign compact JWS tokens
// and write JWK Sets with the standard library alone, so that a test never
// trusts the code it tests to make its inputs.
//
// It is imported by _test.go files only. Its functions take a testing.TB and
// fail the test on any error; the keys are parsed once per process and
// shared, so callers must not modify them.
package testkeys

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// ModulePath is the module whose root holds testdata/keys.
const ModulePath = "github.com/jwtguard/jwtguard"

// The kids of the keys in jwks.json, rsa2048.jwks.json, rsa3072.jwks.json and
// hmac.jwks.json.
const (
	KIDRSA2048 = "rsa-2048" // RS256
	KIDRSA3072 = "rsa-3072" // no alg
	KIDP256    = "p-256"    // ES256
	KIDP384    = "p-384"    // ES384
	KIDEd25519 = "ed25519"  // EdDSA
	KIDHMAC    = "hmac-1"   // no alg
)

var (
	rootOnce sync.Once
	root     string
	rootErr  error
)

// Root returns the repository root: the nearest directory, from the working
// directory up, whose go.mod declares ModulePath. (The bench module's go.mod,
// nearer to its tests, declares another path and is passed over.) It panics
// when there is none, which only happens outside the repository.
func Root() string {
	rootOnce.Do(func() { root, rootErr = findRoot() })
	if rootErr != nil {
		panic("testkeys: " + rootErr.Error())
	}
	return root
}

func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if modulePath(filepath.Join(dir, "go.mod")) == ModulePath {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod of module %s above the working directory", ModulePath)
		}
		dir = parent
	}
}

// modulePath returns the path on the module line of a go.mod file, or "".
func modulePath(gomod string) string {
	f, err := os.Open(gomod)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "module"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
			rest, _, _ = strings.Cut(rest, "//")
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// Path returns the absolute path of a file in testdata/keys, e.g.
// Path("jwks.json"). It does not check that the file exists.
func Path(name string) string {
	return filepath.Join(Root(), "testdata", "keys", name)
}

// Read returns the content of a file in testdata/keys.
func Read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(Path(name))
	if err != nil {
		t.Fatalf("testkeys: %v", err)
	}
	return b
}

var cache sync.Map // file name -> parsed private key

// privateKey parses (once) a PKCS #8 private key file.
func privateKey(t testing.TB, name string) any {
	t.Helper()
	if k, ok := cache.Load(name); ok {
		return k
	}
	block, _ := pem.Decode(Read(t, name))
	if block == nil || block.Type != "PRIVATE KEY" {
		t.Fatalf("testkeys: %s: no PRIVATE KEY block", name)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatalf("testkeys: %s: %v", name, err)
	}
	k, _ = cache.LoadOrStore(name, k)
	return k
}

func load[K any](t testing.TB, name string) K {
	t.Helper()
	k, ok := privateKey(t, name).(K)
	if !ok {
		t.Fatalf("testkeys: %s holds a %T", name, privateKey(t, name))
	}
	return k
}

// RSA2048 returns the RSA 2048-bit key of rsa2048.pem (kid KIDRSA2048).
func RSA2048(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	return load[*rsa.PrivateKey](t, "rsa2048.pem")
}

// RSA3072 returns the RSA 3072-bit key of rsa3072.pem (kid KIDRSA3072).
func RSA3072(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	return load[*rsa.PrivateKey](t, "rsa3072.pem")
}

// P256 returns the ECDSA P-256 key of p256.pem (kid KIDP256).
func P256(t testing.TB) *ecdsa.PrivateKey { t.Helper(); return load[*ecdsa.PrivateKey](t, "p256.pem") }

// P384 returns the ECDSA P-384 key of p384.pem (kid KIDP384).
func P384(t testing.TB) *ecdsa.PrivateKey { t.Helper(); return load[*ecdsa.PrivateKey](t, "p384.pem") }

// Ed25519 returns the Ed25519 key of ed25519.pem (kid KIDEd25519).
func Ed25519(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	return load[ed25519.PrivateKey](t, "ed25519.pem")
}

// HMAC returns a copy of the 64-byte secret of hmac.key (kid KIDHMAC).
func HMAC(t testing.TB) []byte {
	t.Helper()
	b := Read(t, "hmac.key")
	if len(b) != 64 {
		t.Fatalf("testkeys: hmac.key holds %d bytes, want 64", len(b))
	}
	return bytes.Clone(b)
}

// WycheproofDir returns the folder of Google's Wycheproof JWS and JWK
// vectors, which sits beside the repository in
// ../shared/testvectors/wycheproof and is never copied into it. When the
// folder is absent (a user's clone) the test is skipped with a message
// saying where the vectors are expected.
func WycheproofDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(Root(), "..", "shared", "testvectors", "wycheproof")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("Wycheproof vectors not found: expected them in %s (the shared folder beside the repository)", dir)
	}
	return dir
}
