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
