package terraform

import (
	"errors"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
	"go.yaml.in/yaml/v3"
)

// nativeModule and jsonModule say the same thing in Terraform's two syntaxes: variables with a
// type and a default, locals, count, templates, a dynamic block, nested blocks by the provider's
// schema (default_action, forward, target_group, condition, environment) and "//" comments.
const nativeModule = `
variable "prefix" {
  type    = string
  default = "shop"
}
variable "headers" {
  type    = list(string)
  default = ["a", "b"]
}
locals {
  name = "${var.prefix}-lb"
}
resource "aws_lb" "main" {
  name         = local.name
  idle_timeout = 30
}
resource "aws_lb_target_group" "web" {
  count       = 2
  name        = "${var.prefix}-web-${count.index}"
  target_type = "lambda"
}
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.main.arn
  port              = 8080
  default_action {
    type = "forward"
    forward {
      target_group {
        arn    = aws_lb_target_group.web[0].arn
        weight = 3
      }
      target_group {
        arn    = aws_lb_target_group.web[1].arn
        weight = 1
      }
    }
  }
}
resource "aws_lb_listener_rule" "paths" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 5
  action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "200"
      message_body = "hello ${var.prefix}"
    }
  }
  dynamic "condition" {
    for_each = var.headers
    iterator = h
    content {
      http_header {
        http_header_name = "x-${h.value}"
        values           = ["1"]
      }
    }
  }
}
`

const jsonModule = `{
  "//": "the same module in JSON",
  "variable": {
    "prefix": {"type": "string", "default": "shop"},
    "headers": {"type": "list(string)", "default": ["a", "b"]}
  },
  "locals": {"name": "${var.prefix}-lb"},
  "resource": {
    "aws_lb": {"main": {"name": "${local.name}", "idle_timeout": 30}},
    "aws_lb_target_group": {
      "web": {"count": 2, "name": "${var.prefix}-web-${count.index}", "target_type": "lambda"}
    },
    "aws_lb_listener": {
      "http": {
        "load_balancer_arn": "${aws_lb.main.arn}",
        "port": 8080,
        "default_action": {
          "type": "forward",
          "forward": {
            "target_group": [
              {"arn": "${aws_lb_target_group.web[0].arn}", "weight": 3},
              {"arn": "${aws_lb_target_group.web[1].arn}", "weight": 1}
            ]
          }
        }
      }
    },
    "aws_lb_listener_rule": {
      "paths": {
        "//": "a comment",
        "listener_arn": "${aws_lb_listener.http.arn}",
        "priority": 5,
        "action": [{
          "type": "fixed-response",
          "fixed_response": {"content_type": "text/plain", "status_code": "200", "message_body": "hello ${var.prefix}"}
        }],
        "dynamic": {
          "condition": {
            "for_each": "${var.headers}",
            "iterator": "h",
            "content": {"http_header": {"http_header_name": "x-${h.value}", "values": ["1"]}}
          }
        }
      }
    }
  }
}`

func loadYAML(t *testing.T, files map[string]string) string {
	t.Helper()
	cfg, err := Load(writeModule(t, files), Options{CodeDir: t.TempDir(), Env: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("validate: %v", err)
	}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestJSONSyntax: a module in .tf.json builds exactly the configuration of the same module in
// native syntax, and both syntaxes mix in one folder.
func TestJSONSyntax(t *testing.T) {
	t.Parallel()
	native := loadYAML(t, map[string]string{"main.tf": nativeModule})
	if got := loadYAML(t, map[string]string{"main.tf.json": jsonModule}); got != native {
		t.Errorf("JSON module differs from the native one:\n%s\nwant\n%s", got, native)
	}
	if !strings.Contains(native, "message_body: hello shop") || !strings.Contains(native, "http_header_name: x-b") {
		t.Errorf("templates or the dynamic block were not evaluated:\n%s", native)
	}
	mixed := map[string]string{
		"main.tf":        nativeModule[:strings.Index(nativeModule, `resource "aws_lb_listener_rule"`)],
		"rules.tf.json":  `{"resource": {"aws_lb_listener_rule": {"paths": {"listener_arn": "${aws_lb_listener.http.arn}", "priority": 5, "action": {"type": "fixed-response", "fixed_response": {"content_type": "text/plain", "status_code": "200", "message_body": "hello ${var.prefix}"}}, "condition": [{"http_header": {"http_header_name": "x-a", "values": ["1"]}}, {"http_header": {"http_header_name": "x-b", "values": ["1"]}}]}}}}`,
		"ignored.txt":    "not a module file",
		"variables.json": `{"not": "read"}`,
	}
	if got := loadYAML(t, mixed); got != native {
		t.Errorf("mixed module differs from the native one:\n%s\nwant\n%s", got, native)
	}
}

// TestJSONProblems: JSON errors, template errors inside JSON strings and unknown top-level keys
// are reported with their positions in the .tf.json file.
func TestJSONProblems(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, src string
		want      []string
	}{
		{"invalid JSON", "{\n  \"resource\": {\n    \"aws_lb\": {\"main\": {\"name\": }}\n  }\n}", []string{"main.tf.json:3:"}},
		{"template syntax error", "{\n  \"resource\": {\"aws_lb\": {\"main\": {\"name\": \"${var.}\"}}}\n}", []string{"main.tf.json:2:"}},
		{"unknown top-level key", "{\n  \"resources\": {}\n}", []string{`main.tf.json:2:3: Unsupported block type: Blocks of type "resources" are not expected here.`}},
		{"not an object", `["resource"]`, []string{"main.tf.json:1:2: Incorrect JSON value type"}},
		{"an undeclared reference", "{\n  \"resource\": {\"aws_lb\": {\"main\": {\"name\": \"${var.nope}\"}}}\n}",
			[]string{"main.tf.json:2:47 aws_lb.main.name: Reference to undeclared input variable"}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			_, err := Load(writeModule(t, map[string]string{"main.tf.json": tc.src}), Options{CodeDir: t.TempDir()})
			var ps config.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("got %v, want config.Problems", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("problems lack %q; got:\n%v", w, err)
				}
			}
		})
	}
}

// TestJSONVariableFiles: terraform.tfvars.json follows terraform.tfvars, and *.auto.tfvars.json
// files sort with *.auto.tfvars by name, as Terraform reads them; a JSON string is a value, not
// a template.
func TestJSONVariableFiles(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, map[string]string{
		"main.tf": `
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "ports" { type = list(number) }
resource "aws_lb" "main" {
  name         = join("-", [var.a, var.b, var.c, var.d])
  idle_timeout = var.ports[0]
}
resource "aws_lb" "literal" { name = var.literal }
variable "literal" { type = string }
`,
		"terraform.tfvars":        "a = \"tfvars\"\nb = \"tfvars\"\nc = \"tfvars\"\nd = \"tfvars\"\n",
		"terraform.tfvars.json":   `{"b": "json", "c": "json", "d": "json", "ports": [42], "literal": "x${y}"}`,
		"a.auto.tfvars":           "c = \"auto-a\"\nd = \"auto-a\"\n",
		"b.auto.tfvars.json":      `{"d": "auto-b-json", "undeclared": true}`,
		"nothing.tfvars.json.bak": `{"a": "backup"}`,
	})
	var notices []string
	cfg, err := Load(dir, Options{CodeDir: t.TempDir(), Env: func(string) (string, bool) { return "", false },
		Notice: func(s string) { notices = append(notices, s) }})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]*config.LoadBalancer{}
	for i := range cfg.LoadBalancers {
		names[cfg.LoadBalancers[i].Name] = &cfg.LoadBalancers[i]
	}
	lb := names["tfvars-json-auto-a-auto-b-json"]
	if lb == nil || lb.Attributes["idle_timeout.timeout_seconds"] != "42" {
		t.Errorf("load balancers = %+v", cfg.LoadBalancers)
	}
	if names["x${y}"] == nil {
		t.Errorf("the JSON string was not taken as written: %+v", cfg.LoadBalancers)
	}
	if !strings.Contains(strings.Join(notices, "\n"), `b.auto.tfvars.json:1:22: no variable "undeclared" is declared`) {
		t.Errorf("notices = %v", notices)
	}
}
