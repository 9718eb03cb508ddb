package archtest

import (
	"os/exec"
	"strings"
	"testing"
)

// TestOpenTelemetryStaysOptional: OpenTelemetry's SDK and exporters are reached only through
// internal/observe/otel, so the rest of observe stays light and a binary built with -tags
// nootel carries none of them (docs/observability.md).
func TestOpenTelemetryStaysOptional(t *testing.T) {
	heavy := func(dep string) bool {
		return strings.HasPrefix(dep, "go.opentelemetry.io/otel/sdk") || strings.HasPrefix(dep, "go.opentelemetry.io/otel/exporters") ||
			dep == module+"internal/observe/otel"
	}
	for _, c := range []struct{ tags, pkg string }{
		{"", "../../internal/observe"},
		{"", "../../internal/observe/dashboard"},
		{"", "../../internal/observe/s3upload"},
		{"nootel", "../../cmd/albatross"},
	} {
		out, err := exec.Command("go", "list", "-deps", "-tags", c.tags, c.pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", c.pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if heavy(dep) {
				t.Errorf("%s (tags %q) depends on %s", c.pkg, c.tags, dep)
			}
		}
	}
}
