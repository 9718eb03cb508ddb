package terraform

import (
	"errors"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
)

// overrideBase is the primary module the override cases change.
const overrideBase = `
variable "port" {
  type    = number
  default = 8080
}
locals {
  body = "primary"
  kind = "text/plain"
}
locals {
  other = "kept"
}
resource "aws_lb" "main" {
  name         = "main"
  idle_timeout = 30
}
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.main.arn
  port              = var.port
  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = local.kind
      status_code  = "404"
      message_body = "${local.body} ${local.other}"
    }
  }
}
resource "aws_lb_listener_rule" "r" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 1
  action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "200"
    }
  }
  condition {
    path_pattern { values = ["/a"] }
  }
  condition {
    http_header {
      http_header_name = "x-a"
      values           = ["1"]
    }
  }
}
`

// TestOverrideFiles: override files merge into the primary blocks as Terraform merges them —
// arguments replace arguments, nested blocks replace every block of their type (a dynamic
// block included), locals are replaced one by one, later override files win, and an override
// file may be JSON.
func TestOverrideFiles(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, map[string]string{
		"main.tf": overrideBase,
		"override.tf": `
variable "port" { default = "9090" }
locals { body = "override" }
resource "aws_lb" "main" { idle_timeout = 60 }
resource "aws_lb_listener_rule" "r" {
  dynamic "condition" {
    for_each = ["x-b", "x-c"]
    content {
      http_header {
        http_header_name = condition.value
        values           = ["2"]
      }
    }
  }
}
`,
		// Sorted after override.tf: its idle_timeout wins, and it replaces the default action.
		"z_override.tf.json": `{
  "resource": {
    "aws_lb": {"main": {"idle_timeout": 90}},
    "aws_lb_listener": {"http": {"default_action": {"type": "fixed-response", "fixed_response": {"content_type": "${local.kind}", "status_code": "503", "message_body": "${local.body}"}}}}
  }
}`,
	})
	cfg, err := Load(dir, Options{CodeDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("validate: %v", err)
	}
	lb := cfg.LoadBalancers[0]
	if got := lb.Attributes["idle_timeout.timeout_seconds"]; got != "90" {
		t.Errorf("idle timeout = %q, want 90 (the later override file wins)", got)
	}
	l := lb.Listeners[0]
	if l.Port != 9090 {
		t.Errorf("port = %d, want 9090 (the overridden default, converted to the primary type)", l.Port)
	}
	if len(l.DefaultActions) != 1 || l.DefaultActions[0].FixedResponseConfig.StatusCode != "503" ||
		l.DefaultActions[0].FixedResponseConfig.MessageBody != "override" {
		t.Errorf("default actions = %+v", l.DefaultActions)
	}
	var conds []string
	for _, c := range l.Rules[0].Conditions {
		if c.HTTPHeaderConfig != nil {
			conds = append(conds, c.HTTPHeaderConfig.HTTPHeaderName)
		} else {
			conds = append(conds, c.Field)
		}
	}
	// The override's dynamic "condition" block replaces every condition block of the rule,
	// the path pattern included.
	if got := strings.Join(conds, " "); got != "x-b x-c" {
		t.Errorf("conditions = %s, want only the dynamic block's two http_header conditions", got)
	}
}

// TestOverrideProblems: an override of something the primary files do not define and
// depends_on in an override block are errors, as in Terraform; a variable's overridden default
// must fit its type.
func TestOverrideProblems(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, override string
		want           string
	}{
		{"no base resource", `resource "aws_lb" "other" { name = "x" }`,
			`override.tf:1:1 resource.aws_lb.other: there is no resource block "aws_lb.other" in the primary files to override`},
		{"no base local", `locals { nope = 1 }`, `override.tf:1:10 local.nope: there is no local value "nope" in the primary files to override`},
		{"depends_on", `resource "aws_lb" "main" { depends_on = [] }`, `override.tf:1:28 resource.aws_lb.main: depends_on is not allowed in an override block`},
		{"default of the wrong type", `variable "port" { default = "eighty" }`, `override.tf:1:29 var.port.default: not a valid value for variable port`},
	}
	for i, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			name := "override.tf"
			dir := writeModule(t, map[string]string{"main.tf": overrideBase, name: tc.override})
			_, err := Load(dir, Options{CodeDir: t.TempDir()})
			var ps config.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("case %d: got %v, want config.Problems", i, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("problems lack %q; got:\n%v", tc.want, err)
			}
		})
	}
	if !isOverrideFile("override.tf.json") || !isOverrideFile("a_override.tf") || isOverrideFile("overrides.tf") || isOverrideFile("my-override.tf") {
		t.Error("isOverrideFile does not follow Terraform's names")
	}
}

// TestOverridesAndJSONAsTerraformEvaluates: a module mixing override files (native and JSON),
// a JSON variable file, terraform.tfvars(.json) and *.auto.tfvars(.json) gives the value
// Terraform 1.11.4 itself gave for the same files (`terraform apply` of an output with this
// expression printed "override kept 9090 json-kept auto-b-json x${y} a${b}"): overridden
// defaults converted to the primary type, locals replaced one by one, tfvars in Terraform's
// order, and JSON strings in variable files and variable defaults taken as written.
func TestOverridesAndJSONAsTerraformEvaluates(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, map[string]string{
		"main.tf": `
variable "port" {
  type    = number
  default = 8080
}
variable "v" { default = "default" }
variable "lit" { type = string }
locals {
  body = "primary"
  kind = "text/plain"
}
locals { other = "kept" }
resource "aws_lb" "main" { name = "${local.body} ${local.other} ${var.port} ${local.kind} ${var.v} ${var.lit} ${var.j}" }
`,
		"vars.tf.json":          `{"variable": {"j": {"type": "string", "default": "a${b}"}}}`,
		"override.tf":           "variable \"port\" { default = \"9090\" }\nlocals { body = \"override\" }\n",
		"z_override.tf.json":    `{"locals": {"kind": "json-${local.other}"}}`,
		"terraform.tfvars":      "v = \"tfvars\"\n",
		"terraform.tfvars.json": `{"v": "json", "lit": "x${y}"}`,
		"a.auto.tfvars":         "v = \"auto-a\"\n",
		"b.auto.tfvars.json":    `{"v": "auto-b-json"}`,
	})
	cfg, err := Load(dir, Options{CodeDir: t.TempDir(), Env: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.LoadBalancers[0].Name, "override kept 9090 json-kept auto-b-json x${y} a${b}"; got != want {
		t.Errorf("got %q, want %q (Terraform's)", got, want)
	}
}
