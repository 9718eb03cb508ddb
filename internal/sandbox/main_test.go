package sandbox

import (
	"testing"

	"github.com/albatross-lb/albatross/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }
