package metrics_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// corePackages (and the Redis stores) may never import a metrics adapter or a metrics stack: a
// user who imports only them must not compile Prometheus or OpenTelemetry.
var corePackages = []string{
	"claims", "keysource", "verify", "middleware", "remotecheck",
	"revocation", "dpop", "profile", "readiness", "backchannel", "redisstore",
}

// forbidden are import path prefixes the core must not depend on.
var forbidden = []string{
	"github.com/jwtguard/jwtguard/metrics",
	"github.com/prometheus/",
	"go.opentelemetry.io/",
}

// TestCoreDoesNotImportMetrics asks the go command for every core
// package's transitive dependencies and checks none is a metrics adapter
// or a metrics stack.
func TestCoreDoesNotImportMetrics(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	const mod = "github.com/jwtguard/jwtguard/"
	args := []string{"list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`}
	for _, p := range corePackages {
		args = append(args, mod+p)
	}
	out, err := exec.Command("go", args...).CombinedOutput()
	require.NoError(t, err, "%s", out)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.Len(t, lines, len(corePackages))
	for _, line := range lines {
		fields := strings.Fields(line)
		pkg, deps := fields[0], fields[1:]
		t.Run(strings.TrimPrefix(pkg, mod), func(t *testing.T) {
			require.NotEmpty(t, deps, "no dependencies listed: is the go list output what we think?")
			for _, d := range deps {
				for _, f := range forbidden {
					require.False(t, strings.HasPrefix(d, f), "%s depends on %s", pkg, d)
				}
			}
		})
	}
}

// TestBoundaryCheckSeesAdapters makes sure the check above can fail: the
// Prometheus adapter's own dependencies do contain a forbidden path.
func TestBoundaryCheckSeesAdapters(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	out, err := exec.Command("go", "list", "-f", `{{range .Deps}}{{.}} {{end}}`,
		"github.com/jwtguard/jwtguard/metrics/prommetrics").CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "github.com/prometheus/client_golang/prometheus")
}
