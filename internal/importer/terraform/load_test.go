package terraform

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/importer/values"
	"go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite golden files")

// shopValues maps the instances the shop fixture's web target group attaches to local ports.
const shopValues = `targets:
  aws_instance.web[0]: 127.0.0.1:9001
  aws_instance.web[1]: 127.0.0.1:9002
`

func loadValues(t *testing.T, dir, content string) *values.File {
	t.Helper()
	p := filepath.Join(dir, "values.yaml")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	v, err := values.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestLoadShop loads a module shaped like real projects (a for_each module with archive_file,
// count over instances, an alias, dynamic blocks, tfvars) and compares the configuration with
// a golden file; it must also pass the same validation as Albatross YAML.
func TestLoadShop(t *testing.T) {
	t.Parallel()
	dir := copyFixture(t, "shop")
	codeDir := t.TempDir()
	var notices []string
	cfg, err := Load(dir, Options{Values: loadValues(t, dir, shopValues), CodeDir: codeDir,
		Env: func(string) (string, bool) { return "", false }, Notice: func(s string) { notices = append(notices, s) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("the imported configuration does not validate:\n%v", err)
	}
	for i := range cfg.Functions {
		code := cfg.Functions[i].Code
		switch {
		case strings.HasPrefix(code, dir):
			cfg.Functions[i].Code = "MODULE" + strings.TrimPrefix(code, dir)
		case strings.HasPrefix(code, codeDir):
			cfg.Functions[i].Code = "CODE" + strings.TrimPrefix(code, codeDir)
		}
	}
	got, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, []byte("# notices:\n# "+strings.Join(notices, "\n# ")+"\n")...)
	golden := filepath.Join("testdata", "shop.golden.yaml")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("configuration differs from %s (run with -update to accept):\n%s", golden, got)
	}
}

// TestLoadFileStandsForFolder: a .tf file loads its whole folder, as Terraform reads folders.
func TestLoadFileStandsForFolder(t *testing.T) {
	t.Parallel()
	dir := copyFixture(t, "shop")
	cfg, err := Load(filepath.Join(dir, "main.tf"), Options{Values: loadValues(t, dir, shopValues), CodeDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Functions) != 3 || len(cfg.TargetGroups) != 4 {
		t.Errorf("got %d functions and %d target groups, want 3 and 4", len(cfg.Functions), len(cfg.TargetGroups))
	}
}

// TestLoadReportsWhatItRead: live reload learns every file and folder the module depends on.
func TestLoadReportsWhatItRead(t *testing.T) {
	t.Parallel()
	dir := copyFixture(t, "shop")
	read := map[string]bool{}
	_, err := Load(dir, Options{Values: loadValues(t, dir, shopValues), CodeDir: t.TempDir(), Read: func(p string) { read[p] = true }})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"", "main.tf", "terraform.tfvars", "modules/lambda_service", "modules/lambda_service/main.tf",
		"src/orders", "src/users", "dist/legacy.zip"} {
		if !read[filepath.Join(dir, want)] {
			t.Errorf("%s was not reported; got %v", want, read)
		}
	}
}
