package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
)

// The YAML `albatross import` prints is a valid configuration, commented with its sources.
func TestImportPrintsValidCommentedYAML(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	out := filepath.Join(t.TempDir(), "albatross.yaml")
	var stdout, stderr bytes.Buffer
	code := run([]string{"import", "../../e2e/testdata/import/seed-node", "-o", out, "--port-map", "80=8080"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	for _, want := range []string{
		"# from serverless.yml:28:11 functions.page.events[0].alb (AWS::ElasticLoadBalancingV2::ListenerRule)",
		"# from serverless.yml:", "resources.Resources.HttpListener (AWS::ElasticLoadBalancingV2::Listener)",
		"port: 8080",
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("missing %q in:\n%s", want, data)
		}
	}
	if !strings.Contains(stderr.String(), "warning:") {
		t.Errorf("skipped resources are reported: %q", stderr.String())
	}
}

func TestValidateReportsImportedProblems(t *testing.T) {
	var stdout, stderr bytes.Buffer
	dir := t.TempDir()
	path := filepath.Join(dir, "template.yaml")
	if err := os.WriteFile(path, []byte("Resources:\n  X: {Type: AWS::ElasticLoadBalancingV2::Listener, Properties: {Port: !Reff 80}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code := run([]string{"validate", "--config", path}, &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(stdout.String(), "template.yaml:2:71: unknown tag !Reff") {
		t.Errorf("stdout = %q", stdout.String())
	}
}
