// Package archtest keeps the import directions of style.md true: data-plane packages never import
// the configuration, state, control API or reconcile packages; runtimeapi and procpool do not
// import each other (function joins them).
package archtest

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/albatross-lb/albatross/internal/"

var dataPlane = []string{
	"listener", "router", "rule", "action", "targetgroup", "target/http", "target/lambda",
	"function", "function/build", "function/runtimes", "runtimeapi", "procpool", "forwarded", "elberr",
	"observe", "observe/dashboard", "observe/otel", "observe/s3upload", "health", "auth",
}

var controlSide = []string{"config", "config/file", "state", "controlapi", "reconcile"}

func TestImportDirections(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}:{{join .Deps " "}}`, "../...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, list, _ := strings.Cut(line, ":")
		deps[pkg] = strings.Fields(list)
	}
	forbidden := map[string][]string{
		"runtimeapi": {"procpool"},
		"procpool":   {"runtimeapi"},
	}
	for _, p := range dataPlane {
		forbidden[p] = append(forbidden[p], controlSide...)
	}
	for pkg, banned := range forbidden {
		list, ok := deps[module+pkg]
		if !ok {
			continue // not written yet
		}
		for _, dep := range list {
			for _, b := range banned {
				if dep == module+b || strings.HasPrefix(dep, module+b+"/") {
					t.Errorf("%s imports %s", pkg, dep)
				}
			}
		}
	}
	if len(deps) < 10 {
		t.Fatalf("go list found only %d packages", len(deps))
	}
}
