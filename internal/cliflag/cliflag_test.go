package cliflag

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jwtguard/jwtguard/internal/testkeys"
	"github.com/jwtguard/jwtguard/keysource"
)

func TestList(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		keepEmpty bool
		want      []string
	}{
		{name: "repeated and comma-separated", args: []string{"-l", "a", "-l", " b , c"}, want: []string{"a", "b", "c"}},
		{name: "empty entries dropped", args: []string{"-l", ",a,,"}, want: []string{"a"}},
		{name: "empty entries kept", args: []string{"-l", ",a"}, keepEmpty: true, want: []string{"", "a"}},
		{name: "absent", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			given := false
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			fs.Var(List{Values: &got, Given: &given, KeepEmpty: tt.keepEmpty}, "l", "")
			require.NoError(t, fs.Parse(tt.args))
			assert.Equal(t, tt.want, got)
			assert.Equal(t, len(tt.args) > 0, given)
		})
	}
}

func TestTypes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
		text string
	}{
		{name: "default", want: nil, text: `missing, "JWT", "at+jwt", "application/at+jwt"`},
		{name: "RFC 9068", args: []string{"-typ", "at+jwt"}, want: []string{"at+jwt"}, text: `"at+jwt"`},
		{name: "missing only", args: []string{"-typ", ""}, want: []string{""}, text: "missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ty Types
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			ty.Define(fs)
			require.NoError(t, fs.Parse(tt.args))
			assert.Equal(t, tt.want, ty.TokenTypes())
			assert.Equal(t, tt.args != nil, ty.Given())
			assert.Equal(t, tt.text, ty.String())
		})
	}
}

func TestSecretFile(t *testing.T) {
	dir := t.TempDir()
	secret := testkeys.HMAC(t)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b, 0o600))
		return p
	}
	tests := []struct {
		name     string
		path     string
		warnings []string
		err      error
	}{
		{name: "exact bytes", path: write("s", secret)},
		{name: "trailing newline kept, with a warning", path: write("nl", append(append([]byte{}, secret...), '\n')), warnings: []string{TrailingNewlineWarning}},
		{name: "too short", path: write("short", []byte("short")), err: keysource.ErrInvalidKey},
		{name: "missing", path: filepath.Join(dir, "absent"), err: os.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, warnings, err := SecretFile(tt.path)
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				assert.Contains(t, err.Error(), "-secret-file")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.warnings, warnings)
			set, err := src.Keys(t.Context())
			require.NoError(t, err)
			require.Len(t, set.Keys(), 1)
			assert.True(t, set.Keys()[0].Symmetric())
		})
	}
}

func TestCheckAlgorithms(t *testing.T) {
	tests := []struct {
		name   string
		algs   []string
		secret bool
		want   string // "" for no error
	}{
		{name: "HMAC with a secret", algs: HMACAlgorithms, secret: true},
		{name: "asymmetric without", algs: []string{"RS256", "ES256"}},
		{name: "HMAC without a secret", algs: []string{"RS256", "HS256"}, want: "-alg HS256 needs -secret-file"},
		{name: "asymmetric with a secret", algs: []string{"HS256", "RS256"}, secret: true, want: "-alg RS256 does not fit -secret-file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckAlgorithms(tt.algs, tt.secret)
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
