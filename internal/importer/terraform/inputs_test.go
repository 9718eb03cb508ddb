package terraform

import (
	"testing"
)

// TestVariablePrecedence: default < TF_VAR_ < terraform.tfvars < *.auto.tfvars (by name) <
// VarFiles < Params, as Terraform orders them; --param values of non-string variables parse as
// HCL; optional object attributes take their defaults.
func TestVariablePrecedence(t *testing.T) {
	t.Parallel()
	module := `
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "e" { default = "default" }
variable "f" { default = "default" }
variable "ports" { type = list(number) }
variable "opts" {
  type = object({ name = string, idle = optional(number, 60) })
  default = { name = "opt" }
}
resource "aws_lb" "main" {
  name         = join("-", [var.a, var.b, var.c, var.d, var.e, var.f, var.opts.name])
  idle_timeout = var.opts.idle + var.ports[1]
}
`
	dir := writeModule(t, map[string]string{
		"main.tf":          module,
		"terraform.tfvars": "b = \"tfvars\"\nc = \"tfvars\"\nd = \"tfvars\"\ne = \"tfvars\"\nf = \"tfvars\"\n",
		"a.auto.tfvars":    "c = \"auto-a\"\nd = \"auto-a\"\ne = \"auto-a\"\nf = \"auto-a\"\n",
		"b.auto.tfvars":    "d = \"auto-b\"\ne = \"auto-b\"\nf = \"auto-b\"\n",
		"extra.tfvars":     "e = \"file\"\nf = \"file\"\n",
	})
	env := map[string]string{"TF_VAR_a": "env", "TF_VAR_b": "env"}
	cfg, err := Load(dir, Options{
		VarFiles: []string{"extra.tfvars"},
		Params:   map[string]string{"f": "param", "ports": "[80, 40]"},
		Env:      func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		CodeDir:  t.TempDir(),
	})
	if err != nil {
		t.Fatal(err)
	}
	lb := cfg.LoadBalancers[0]
	if want := "env-tfvars-auto-a-auto-b-file-param-opt"; lb.Name != want {
		t.Errorf("name = %q, want %q", lb.Name, want)
	}
	if got := lb.Attributes["idle_timeout.timeout_seconds"]; got != "100" {
		t.Errorf("idle timeout = %q, want 100 (optional default 60 + ports[1] 40)", got)
	}
}
