package importer

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
)

const fixtures = "../../e2e/testdata/import"

func TestDetect(t *testing.T) {
	tests := []struct {
		name, path, content string
		dir                 bool
		want                Format
	}{
		{"albatross", "albatross.yaml", "load_balancers: []\n", false, Albatross},
		{"empty", "albatross.yaml", "", false, Albatross},
		{"template by version", "x.yaml", "AWSTemplateFormatVersion: '2010-09-09'\n", false, CloudFormation},
		{"template by resources", "x.json", `{"Resources": {}}`, false, CloudFormation},
		{"sam", "t.yaml", "Transform: AWS::Serverless-2016-10-31\n", false, CloudFormation},
		{"serverless", "s.yml", "service: x\nprovider: {name: aws}\n", false, Serverless},
		{"broken serverless by name", "serverless.yml", "service: [\n", false, Serverless},
		{"broken template by name", "template.yaml", "Resources: [\n", false, CloudFormation},
		{"terraform file", "main.tf", `resource "aws_lb" "x" {}`, false, Terraform},
		{"serverless folder", filepath.Join(fixtures, "seed-node"), "", true, Serverless},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Detect(tt.path, tt.dir, []byte(tt.content)); got != tt.want {
				t.Errorf("Detect = %s, want %s", got, tt.want)
			}
		})
	}
	if f, ok := ParseFormat("SAM"); !ok || f != CloudFormation {
		t.Errorf("ParseFormat(SAM) = %s %v", f, ok)
	}
	if _, ok := ParseFormat("pulumi"); ok {
		t.Error("unknown formats are refused")
	}
}

func TestPortMap(t *testing.T) {
	pairs, err := ParsePortMap("80=8080, 443=8443")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{LoadBalancers: []config.LoadBalancer{{Listeners: []config.Listener{
		{Port: 80, DefaultActions: []config.Action{{Type: "redirect", RedirectConfig: &config.RedirectConfig{Port: "443", Protocol: "HTTPS"}}}},
		{Port: 443, Rules: []config.Rule{{Actions: []config.Action{{Type: "redirect", RedirectConfig: &config.RedirectConfig{Port: "9000"}}}}}},
		{Port: 9090},
	}}}}
	if err := (PortMap{Pairs: pairs, Offset: 1}).Apply(cfg); err != nil {
		t.Fatal(err)
	}
	ls := cfg.LoadBalancers[0].Listeners
	if ls[0].Port != 8080 || ls[1].Port != 8443 || ls[2].Port != 9091 {
		t.Errorf("ports = %d %d %d", ls[0].Port, ls[1].Port, ls[2].Port)
	}
	if p := ls[0].DefaultActions[0].RedirectConfig.Port; p != "8443" {
		t.Errorf("a redirect to an own listener follows it: %s", p)
	}
	if p := ls[1].Rules[0].Actions[0].RedirectConfig.Port; p != "9000" {
		t.Errorf("a redirect elsewhere stays: %s", p)
	}
	for _, bad := range []string{"80", "80=x", "0=1", "80=70000"} {
		if _, err := ParsePortMap(bad); err == nil {
			t.Errorf("ParsePortMap(%q) must fail", bad)
		}
	}
	if err := (PortMap{Offset: 65000}).Apply(cfg); err == nil {
		t.Error("an offset beyond 65535 must fail")
	}
}

func TestBindHint(t *testing.T) {
	err := errors.Join(errors.New("other"), &net.OpError{Op: "listen", Net: "tcp", Addr: &net.TCPAddr{Port: 80}, Err: os.NewSyscallError("bind", syscall.EACCES)})
	if h := BindHint(err); !strings.Contains(h, "--port-map 80=8080") || !strings.Contains(h, "--port-offset") {
		t.Errorf("hint = %q", h)
	}
	high := &net.OpError{Op: "listen", Net: "tcp", Addr: &net.TCPAddr{Port: 8080}, Err: os.NewSyscallError("bind", syscall.EADDRINUSE)}
	if h := BindHint(high); h != "" {
		t.Errorf("no hint for other errors: %q", h)
	}
}

// Problems the configuration rules find in a translated template point at the resource they
// came from.
func TestValidationProblemsPointAtTheSource(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "template.yaml")
	src := `Resources:
  LB: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer}
  L:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref LB
      Port: 8080
      DefaultActions: [{Type: fixed-response, FixedResponseConfig: {StatusCode: "999"}}]
`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Load(path, Options{})
	if res == nil || err == nil {
		t.Fatalf("want a result and problems, got %v", err)
	}
	var ps config.Problems
	if !errors.As(err, &ps) || len(ps) != 1 {
		t.Fatalf("err = %v", err)
	}
	want := "template.yaml:3:3 Resources.L (AWS::ElasticLoadBalancingV2::Listener): load_balancers[0].listeners[0].default_actions[0].fixed_response_config.status_code"
	if ps[0].Path != want {
		t.Errorf("path = %q, want %q", ps[0].Path, want)
	}
}

func TestLoadEveryFixture(t *testing.T) {
	tests := []struct {
		path   string
		format Format
		opts   Options
	}{
		{"cfn-inline/template.yaml", CloudFormation, Options{}},
		{"sam/template.yaml", CloudFormation, Options{}},
		{"seed-dotnet", Serverless, Options{}},
		{"seed-node/serverless.yml", Serverless, Options{}},
		{"sls-features", Serverless, Options{Stage: "qa"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			tt.opts.CacheDir = t.TempDir()
			tt.opts.Ports = PortMap{Offset: 10000}
			res, err := Load(filepath.Join(fixtures, tt.path), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != tt.format || len(res.Config.LoadBalancers) != 1 || res.Config.LoadBalancers[0].Listeners[0].Port < 10000 {
				t.Errorf("format %s, config %+v", res.Format, res.Config.LoadBalancers)
			}
			if len(res.Watch) == 0 || !filepath.IsAbs(res.Watch[0]) {
				t.Errorf("watch = %v", res.Watch)
			}
		})
	}
}

func FuzzDetectAndPortMap(f *testing.F) {
	f.Add("serverless.yml", []byte("service: x\nprovider: {name: aws}\n"), "80=8080,443=8443")
	f.Add("t.json", []byte(`{"Resources": {}}`), "1=2")
	f.Fuzz(func(t *testing.T, name string, content []byte, ports string) {
		_ = Detect(name, false, content)
		_, _ = ParsePortMap(ports)
	})
}

// TestTerraformValidationProblemsPointAtTheSource: a problem only validation finds is located at
// the resource instance it came from, as for templates.
func TestTerraformValidationProblemsPointAtTheSource(t *testing.T) {
	dir := t.TempDir()
	src := `resource "aws_lb" "main" { name = "main" }

resource "aws_lb_listener" "front" {
  for_each          = { http = 8080 }
  load_balancer_arn = aws_lb.main.arn
  port              = each.value
  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "999"
    }
  }
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Load(dir, Options{CacheDir: t.TempDir()})
	if res == nil || err == nil {
		t.Fatalf("want a result and problems, got %v", err)
	}
	var ps config.Problems
	if !errors.As(err, &ps) || len(ps) != 1 {
		t.Fatalf("err = %v", err)
	}
	want := `main.tf:3:1 aws_lb_listener.front["http"]: load_balancers[0].listeners[0].default_actions[0].fixed_response_config.status_code`
	if ps[0].Path != want {
		t.Errorf("path = %q, want %q", ps[0].Path, want)
	}
}
