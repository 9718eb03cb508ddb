package terraform

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
)

// writeModule writes files (name → content) into a fresh folder.
func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// lbHead is a load balancer and listener that problem cases add rules and target groups to.
const lbHead = `resource "aws_lb" "main" {
  name = "main"
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.main.arn
  port              = 8080
  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "404"
    }
  }
}
`

// TestLoadProblems: every problem is reported at once, each with file:line:column and the
// resource path, and says what to do.
func TestLoadProblems(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc   string
		files  map[string]string
		params map[string]string
		want   []string
	}{
		{
			desc:  "registry module",
			files: map[string]string{"main.tf": `module "vpc" { source = "terraform-aws-modules/vpc/aws" }`},
			want:  []string{`main.tf:1:25 module.vpc.source: "terraform-aws-modules/vpc/aws" is a registry module or remote source, which Albatross cannot fetch`},
		},
		{
			desc:  "git source",
			files: map[string]string{"main.tf": `module "lb" { source = "git::https://example.com/lb.git" }`},
			want:  []string{`main.tf:1:24 module.lb.source: "git::https://example.com/lb.git" is a registry module or remote source`},
		},
		{
			desc:  "git conflict marker",
			files: map[string]string{"main.tf": "resource \"aws_lb\" \"main\" {\n<<<<<<< HEAD\n  name = \"a\"\n=======\n  name = \"b\"\n>>>>>>> other\n}\n"},
			want:  []string{"main.tf:2:1"},
		},
		{
			desc: "variable without value used by a rule",
			files: map[string]string{"main.tf": lbHead + `
variable "prio" { type = number }
resource "aws_lb_listener_rule" "r" {
  listener_arn = aws_lb_listener.http.arn
  priority     = var.prio
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
}
`},
			want: []string{"main.tf:20:18 aws_lb_listener_rule.r.priority: variable prio has no value: give it with --param prio=VALUE or in a .tfvars file"},
		},
		{
			desc: "instance target without a mapping",
			files: map[string]string{"main.tf": lbHead + `
resource "aws_instance" "web" { ami = "ami-1" }
resource "aws_lb_target_group" "web" {
  name     = "web"
  port     = 80
  protocol = "HTTP"
}
resource "aws_lb_target_group_attachment" "web" {
  target_group_arn = aws_lb_target_group.web.arn
  target_id        = aws_instance.web.id
}
`},
			want: []string{`main.tf:25:22 aws_lb_target_group_attachment.web.target_id: "aws_instance.web" is needed and not given: pass --values FILE with it under "targets:"`},
		},
		{
			desc: "computed attribute of a resource Albatross does not build",
			files: map[string]string{"main.tf": lbHead + `
resource "aws_instance" "web" { ami = "ami-1" }
resource "aws_lb_target_group" "web" {
  name     = "web"
  port     = 80
  protocol = "HTTP"
}
resource "aws_lb_target_group_attachment" "web" {
  target_group_arn = aws_lb_target_group.web.arn
  target_id        = aws_instance.web.private_ip
}
`},
			want: []string{"main.tf:25:22 aws_lb_target_group_attachment.web.target_id: aws_instance.web.private_ip is computed by AWS: give it in --values as attr:aws_instance.web.private_ip"},
		},
		{
			desc: "S3 code without a mapping, remote state output without a value",
			files: map[string]string{"main.tf": `
data "terraform_remote_state" "shared" {
  backend = "s3"
  config  = { bucket = "state", key = "shared.tfstate" }
}
resource "aws_lambda_function" "f" {
  function_name = data.terraform_remote_state.shared.outputs.prefix
  s3_bucket     = "artifacts"
  s3_key        = "f.zip"
  runtime       = "nodejs20.x"
  handler       = "index.handler"
}
`},
			want: []string{
				"main.tf:7:19 aws_lambda_function.f.function_name: remote state output shared.prefix is not given: set it in --values as tfstate:shared.prefix",
				`main.tf:9:19 aws_lambda_function.f.s3_key: "s3://artifacts/f.zip" is needed and not given: pass --values FILE with it under "code:"`,
			},
		},
		{
			desc: "a cycle through locals",
			files: map[string]string{"main.tf": `
locals {
  a = local.b
  b = local.a
}
resource "aws_lb" "main" { name = local.a }
`},
			want: []string{"refers to itself (a cycle through local.a)"},
		},
		{
			desc: "count that cannot be known",
			files: map[string]string{"main.tf": lbHead + `
data "aws_subnets" "all" {}
resource "aws_lb_target_group" "tg" {
  count = length(data.aws_subnets.all.ids)
  name  = "tg-${count.index}"
  port  = 80
}
`},
			want: []string{"main.tf:19:11 aws_lb_target_group.tg.count: data.aws_subnets.all.ids is computed by AWS"},
		},
		{
			desc: "undeclared references and an unknown function",
			files: map[string]string{"main.tf": `
resource "aws_lb" "main" { name = var.nope }
resource "aws_lb" "other" { name = nosuchfunction("x") }
resource "aws_lb" "third" { name = aws_vpc.main.id }
`},
			want: []string{
				"main.tf:2:35 aws_lb.main.name: Reference to undeclared input variable",
				"main.tf:3:36 aws_lb.other.name: Call to unknown function",
				"main.tf:4:36 aws_lb.third.name: Reference to undeclared resource",
			},
		},
		{
			desc: "a listener port that cannot be known",
			files: map[string]string{"main.tf": `
variable "port" { type = number }
resource "aws_lb" "main" { name = "main" }
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.main.arn
  port              = var.port
  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "404"
    }
  }
}
`},
			want: []string{"main.tf:6:23 aws_lb_listener.http.port: variable port has no value: give it with --param port=VALUE"},
		},
		{
			desc:   "undeclared --param",
			files:  map[string]string{"main.tf": `resource "aws_lb" "main" { name = "x" }`},
			params: map[string]string{"colour": "blue"},
			want:   []string{`--param colour: the root module declares no variable "colour"`},
		},
		{
			desc: "authentication actions without their blocks or required arguments, and a condition with two kinds",
			files: map[string]string{"main.tf": lbHead + `
resource "aws_lb_listener_rule" "r" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 1
  action {
    type = "authenticate-oidc"
  }
  action {
    type = "jwt-validation"
    jwt_validation {
      issuer = "https://idp.example.com"
      additional_claim {
        name   = "scope"
        values = ["read"]
      }
    }
  }
  condition {
    path_pattern { values = ["/a"] }
    host_header { values = ["a.example"] }
  }
}
resource "aws_cognito_user_pool" "pool" { name = "users" }
resource "aws_lb_listener_rule" "c" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 2
  action {
    type = "authenticate-cognito"
    authenticate_cognito {
      user_pool_arn       = aws_cognito_user_pool.pool.arn
      user_pool_client_id = "client"
      user_pool_domain    = "tickets"
      session_timeout     = "a week"
    }
  }
  condition {
    path_pattern { values = ["/c"] }
  }
}
`},
			want: []string{
				"main.tf:20:3 aws_lb_listener_rule.r.action[0].authenticate_oidc: is required for an authenticate-oidc action",
				"main.tf:25:5 aws_lb_listener_rule.r.action[1].jwt_validation[0].jwks_endpoint: is required",
				"main.tf:27:7 aws_lb_listener_rule.r.action[1].jwt_validation[0].additional_claim[0].format: is required",
				"main.tf:33:3 aws_lb_listener_rule.r.condition[0]: must hold exactly one of",
				"main.tf:45:29 aws_lb_listener_rule.c.action[0].authenticate_cognito[0].user_pool_arn: aws_cognito_user_pool.pool.arn is computed by AWS: give it in --values as attr:aws_cognito_user_pool.pool.arn",
				"main.tf:48:29 aws_lb_listener_rule.c.action[0].authenticate_cognito[0].session_timeout: must be a number, got string",
			},
		},
		{
			desc: "a listener of another load balancer type, and a missing zip",
			files: map[string]string{"main.tf": `
resource "aws_lb" "net" {
  name               = "net"
  load_balancer_type = "network"
}
resource "aws_lb_listener" "tcp" {
  load_balancer_arn = aws_lb.net.arn
  port              = 9000
  protocol          = "TCP"
  default_action {
    type = "forward"
  }
}
resource "aws_lambda_function" "f" {
  function_name = "f"
  filename      = "missing.zip"
  runtime       = "nodejs20.x"
  handler       = "index.handler"
}
`},
			want: []string{"main.tf:16:19 aws_lambda_function.f.filename: cannot use the package: stat"},
		},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			dir := writeModule(t, tc.files)
			_, err := Load(dir, Options{Params: tc.params, CodeDir: t.TempDir(), Env: func(string) (string, bool) { return "", false }})
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
