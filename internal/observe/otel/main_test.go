package otel

import (
	"testing"

	"github.com/albatross-lb/albatross/internal/testkit"
)

// TestMain fails the run when a test leaves a goroutine of the package running (an exporter
// not shut down, a receiver left serving).
func TestMain(m *testing.M) { testkit.Main(m) }
