package dpop_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a test leaves a goroutine behind: the
// checker and MemoryReplay start none.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
