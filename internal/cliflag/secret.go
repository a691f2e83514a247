package cliflag

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/jwtguard/jwtguard/keysource"
)

// HMACAlgorithms are the algorithms -secret-file verifies, and its default
// -alg.
var HMACAlgorithms = []string{"HS256", "HS384", "HS512"}

// TrailingNewlineWarning is the warning SecretFile gives for a secret file
// that ends with a newline.
const TrailingNewlineWarning = "the secret file ends with a newline, which is part of the secret (write it with printf or echo -n if the issuer's secret has none)"

// SecretFile reads the HMAC secret of -secret-file: the file's bytes
// exactly as stored, a trailing newline included, since an HMAC secret is
// bytes and may end with any of them. A trailing newline, which editors and
// echo add, gives the warning TrailingNewlineWarning. A secret shorter than
// 32 bytes is refused (keysource.StaticFromSecret).
func SecretFile(path string) (src *keysource.Static, warnings []string, err error) {
	secret, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("-secret-file: %w", err)
	}
	src, err = keysource.StaticFromSecret(secret)
	if err != nil {
		return nil, nil, fmt.Errorf("-secret-file %s: %w", path, err)
	}
	if bytes.HasSuffix(secret, []byte("\n")) {
		warnings = append(warnings, TrailingNewlineWarning)
	}
	return src, warnings, nil
}

// CheckAlgorithms checks -alg against the key flag: HMAC algorithms (HS*)
// verify with -secret-file only, and -secret-file verifies nothing else.
func CheckAlgorithms(algs []string, secretFile bool) error {
	for _, a := range algs {
		hmac := strings.HasPrefix(strings.ToUpper(a), "HS")
		switch {
		case hmac && !secretFile:
			return fmt.Errorf("-alg %s needs -secret-file: HMAC algorithms verify with a shared secret only", a)
		case !hmac && secretFile:
			return fmt.Errorf("-alg %s does not fit -secret-file, which verifies HMAC (HS256, HS384, HS512) only", a)
		}
	}
	return nil
}
