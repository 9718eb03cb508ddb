package cloudformation

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func load(t *testing.T, path string, params map[string]string) (*Result, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := Parse(data, Options{File: filepath.Base(path), Dir: filepath.Dir(path), Params: params, StackName: "tickets", CacheDir: t.TempDir()})
	if err != nil {
		return nil, err
	}
	return tmpl.Translate()
}

func TestInlineTemplate(t *testing.T) {
	res, err := load(t, "../../../e2e/testdata/import/cfn-inline/template.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := yaml.Marshal(res.Config)
	t.Logf("%s\n%s", out, strings.Join(res.Warnings, "\n"))
	if err := res.Config.Validate(); err != nil {
		t.Fatal(err)
	}
}
