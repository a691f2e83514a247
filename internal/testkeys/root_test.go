package testkeys

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFindRoot(t *testing.T) {
	tmp, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	write := func(path, content string) {
		t.Helper()
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	}
	write(filepath.Join(tmp, "go.mod"), "// a comment\nmodule "+ModulePath+" // the module\n\ngo 1.25.0\n")
	write(filepath.Join(tmp, "bench", "go.mod"), "module "+ModulePath+"/bench\n")
	write(filepath.Join(tmp, "modular", "go.mod"), "module\t\""+ModulePath+"\"\n")
	deep := filepath.Join(tmp, "bench", "a", "b")
	require.NoError(t, os.MkdirAll(deep, 0o755))

	tests := []struct {
		name string
		dir  string
		want string
	}{
		{"from the root", tmp, tmp},
		{"from below another module", deep, tmp},
		{"quoted module path", filepath.Join(tmp, "modular"), filepath.Join(tmp, "modular")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(tt.dir)
			got, err := findRoot()
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}

	t.Run("none", func(t *testing.T) {
		t.Chdir(filepath.Join(tmp, "bench"))
		require.NoError(t, os.Remove(filepath.Join(tmp, "go.mod")))
		_, err := findRoot()
		assert.ErrorContains(t, err, "no go.mod of module "+ModulePath)
	})
}
