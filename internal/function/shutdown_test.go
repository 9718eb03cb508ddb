package function

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestSIGTERMReachesTheFunction covers B.6 and B.5 shutdown: aws-lambda-go registers its
// SIGTERM extension through the Extensions API, and stopping the environment sends SIGTERM before
// SIGKILL, so the function's hook runs and its output is still logged.
func TestSIGTERMReachesTheFunction(t *testing.T) {
	t.Parallel()
	f, logs := newTestFunction(t, func(s *Spec) {
		s.Env = map[string]string{"FN_SIGTERM": "1"}
		s.StopGrace = 2 * time.Second
	})
	if resp := invoke(t, f, `{"action":"echo"}`); resp.FunctionError != "" {
		t.Fatalf("resp = %s", resp.Payload)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := f.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), `msg="sigterm received" function=fn`) {
		t.Errorf("SIGTERM hook did not run:\n%s", logs.String())
	}
}

// TestImportDirections keeps the style guide's rule: runtimeapi and process never import each
// other; function joins them.
func TestImportDirections(t *testing.T) {
	t.Parallel()
	const mod = "github.com/albatross-lb/albatross/internal/"
	for pkg, forbidden := range map[string]string{"runtimeapi": "process", "process": "runtimeapi"} {
		out, err := exec.Command("go", "list", "-deps", mod+pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list: %v\n%s", err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if dep == mod+forbidden || strings.HasPrefix(dep, mod+"function") || strings.HasPrefix(dep, mod+"config") {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}
}
