package sock

import (
	"testing"

	"github.com/albatross-lb/albatross/internal/testkit"
)

// TestMain fails the run when a test leaves a goroutine of the package running.
func TestMain(m *testing.M) { testkit.Main(m) }
