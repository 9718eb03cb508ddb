package terraform

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad: no module text makes Load panic or hang; it returns a configuration or problems.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"main.tf", "web.tf", "legacy.tf", "variables.tf", "modules/lambda_service/main.tf"} {
		b, err := os.ReadFile(filepath.Join("testdata", "shop", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), "name = \"x\"\n")
	}
	f.Add(`resource "aws_lb" "x" { count = 3 name = "a${count.index}" }`, "")
	f.Add(`locals { a = [for i in range(3) : i] } resource "aws_lb_target_group" "t" { for_each = toset(["a"]) name = each.key }`, "")
	f.Add(`module "m" { source = "./" }`, "")
	f.Add("<<<<<<< HEAD\n", "x = ")
	codeDir := f.TempDir()
	f.Fuzz(func(t *testing.T, module, tfvars string) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(module), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "terraform.tfvars"), []byte(tfvars), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := Load(dir, Options{CodeDir: codeDir, Env: func(string) (string, bool) { return "", false }})
		if err == nil && cfg == nil {
			t.Fatal("no configuration and no error")
		}
	})
}

// FuzzLoadJSON: no .tf.json module, JSON override file or .tfvars.json makes Load panic or
// hang; it returns a configuration or problems.
func FuzzLoadJSON(f *testing.F) {
	f.Add(jsonModule, `{"resource": {"aws_lb": {"main": {"idle_timeout": 60}}}}`, `{"prefix": "x"}`)
	f.Add(`{"resource": {"aws_lb_listener_rule": {"r": {"dynamic": {"condition": {"for_each": "${[1]}", "iterator": "${", "content": {}}}}}}}`, `{"locals": [{"a": 1}, null]}`, `[]`)
	f.Add(`{"variable": {"v": {"type": "list(", "default": {"a": [1, {"b": null}]}}}}`, `{"variable": {"v": {"default": "${x}"}}}`, `{"v": "${x}"}`)
	f.Add(`{"resource": {"aws_lb": {"a": [{"name": "x"}, {"name": "y"}]}}, "//": 1}`, `{"terraform": 1}`, `1`)
	codeDir := f.TempDir()
	f.Fuzz(func(t *testing.T, module, override, tfvars string) {
		dir := t.TempDir()
		for name, content := range map[string]string{"main.tf.json": module, "override.tf.json": override, "terraform.tfvars.json": tfvars} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		cfg, err := Load(dir, Options{CodeDir: codeDir, Env: func(string) (string, bool) { return "", false }})
		if err == nil && cfg == nil {
			t.Fatal("no configuration and no error")
		}
	})
}
