package terraform

import (
	"flag"
	"fmt"
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
	for _, want := range []string{"*", "main.tf", "terraform.tfvars", "modules/lambda_service/*", "modules/lambda_service/main.tf",
		"src/orders", "src/users", "dist/legacy.zip"} {
		if !read[filepath.Join(dir, want)] {
			t.Errorf("%s was not reported; got %v", want, read)
		}
	}
}

// TestHTTPSCertificateFromValues: an HTTPS listener's certificate ARN is given as local PEM
// files in --values (relative to the module folder); without them the ARN is named.
func TestHTTPSCertificateFromValues(t *testing.T) {
	t.Parallel()
	const arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
	dir := writeModule(t, map[string]string{"main.tf": `
resource "aws_lb" "main" { name = "main" }
resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.main.arn
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = "` + arn + `"
  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "200"
    }
  }
}
`})
	vals := loadValues(t, dir, "values:\n  \"attr:"+arn+".certificate_file\": tls/site.pem\n  \"attr:"+arn+".private_key_file\": tls/site.key\n")
	cfg, err := Load(dir, Options{Values: vals, CodeDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	l := cfg.LoadBalancers[0].Listeners[0]
	if l.Port != 443 || l.SSLPolicy != "ELBSecurityPolicy-TLS13-1-2-2021-06" || len(l.Certificates) != 1 ||
		l.Certificates[0].CertificateFile != filepath.Join(dir, "tls/site.pem") || l.Certificates[0].PrivateKeyFile != filepath.Join(dir, "tls/site.key") {
		t.Errorf("listener = %+v", l)
	}
	_, err = Load(dir, Options{CodeDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "main.tf:7:23 aws_lb_listener.https.certificate_arn: needed and not given: attr:"+arn+".certificate_file") {
		t.Errorf("without values: %v", err)
	}
}

// TestModuleCount: a counted module call makes one instance per index, each with its own
// variables, and module.NAME[i] reads an instance's outputs.
func TestModuleCount(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, map[string]string{
		"main.tf": lbHead + `
module "svc" {
  count    = 2
  source   = "./svc"
  name     = "svc-${count.index}"
  listener = aws_lb_listener.http.arn
  priority = 10 + count.index
}
resource "aws_lb_listener_rule" "last" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 99
  action {
    type             = "forward"
    target_group_arn = module.svc[1].tg_arn
  }
  condition {
    path_pattern { values = ["/last"] }
  }
}
`,
		"svc/main.tf": `
variable "name" {}
variable "listener" {}
variable "priority" { type = number }
resource "aws_lb_target_group" "this" {
  name     = var.name
  port     = 80
  protocol = "HTTP"
}
resource "aws_lb_listener_rule" "this" {
  listener_arn = var.listener
  priority     = var.priority
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }
  condition {
    path_pattern { values = ["/${var.name}/*"] }
  }
}
output "tg_arn" { value = aws_lb_target_group.this.arn }
`})
	cfg, err := Load(dir, Options{CodeDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range cfg.LoadBalancers[0].Listeners[0].Rules {
		got = append(got, fmt.Sprintf("%d:%s->%s", r.Priority, r.Conditions[0].PathPatternConfig.Values[0], r.Actions[0].TargetGroupName))
	}
	want := "99:/last->svc-1 10:/svc-0/*->svc-0 11:/svc-1/*->svc-1"
	if strings.Join(got, " ") != want {
		t.Errorf("rules = %v, want %s", got, want)
	}
}
