package bundle

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/importer/values"
	"go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite golden files")

func valuesFile(t *testing.T, content string) *values.File {
	t.Helper()
	p := filepath.Join(t.TempDir(), "values.yaml")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	v, err := values.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestLoadWeb reads a bundle in the shapes `aws elbv2 describe-*` and `aws lambda get-function`
// print, with instance targets and S3 code mapped by --values, and compares the configuration
// with a golden file; it must validate as Albatross YAML does.
func TestLoadWeb(t *testing.T) {
	t.Parallel()
	code := t.TempDir()
	if err := os.WriteFile(filepath.Join(code, "index.js"), []byte("exports.handler = async () => ({statusCode: 200})\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	vals := valuesFile(t, "targets:\n  i-0f76fade: 127.0.0.1:9001\n  i-0f76fadf: 127.0.0.1:9002\ncode:\n  api: "+code+"\n")
	var notices []string
	cfg, err := Load(filepath.Join("testdata", "web.json"), Options{Values: vals, Notice: func(s string) { notices = append(notices, s) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("the configuration does not validate:\n%v", err)
	}
	cfg.Functions[0].Code = strings.Replace(cfg.Functions[0].Code, code, "CODE", 1)
	got, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, []byte("# notices:\n# "+strings.Join(notices, "\n# ")+"\n")...)
	golden := filepath.Join("testdata", "web.golden.yaml")
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

// TestLoadProblems: every problem at once, each with file:line:column and the bundle path.
func TestLoadProblems(t *testing.T) {
	t.Parallel()
	_, err := Load(filepath.Join("testdata", "web.json"), Options{Params: map[string]string{"x": "1"}})
	var ps config.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("got %v, want problems", err)
	}
	for _, want := range []string{
		"web.json --param x: a describe bundle takes no parameters",
		`web.json:125:35 TargetGroups[0].TargetHealthDescriptions[0].Target.Id: "i-0f76fade:80" or "i-0f76fade" is needed and not given`,
		`web.json:126:35 TargetGroups[0].TargetHealthDescriptions[1].Target.Id: "i-0f76fadf:80" or "i-0f76fadf" is needed and not given`,
		`web.json:154:33 Functions[0]: "api" is needed and not given: pass --values FILE with it under "code:" (a local zip or folder for function api, in --values code)`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("problems lack %q; got:\n%v", want, err)
		}
	}
}

// TestLoadBadDocuments: what is not a bundle is refused with a position, never a panic.
func TestLoadBadDocuments(t *testing.T) {
	t.Parallel()
	testCases := []struct{ desc, doc, want string }{
		{"not YAML", "{\n\t\"Bundle\": [", "not a JSON or YAML document"},
		{"no marker", `{"LoadBalancers": []}`, `b.json:1:1 Bundle: must be "albatross-describe-bundle/1"`},
		{"wrong shape", `{"Bundle": "albatross-describe-bundle/1", "LoadBalancers": {"a": 1}}`, "cannot unmarshal"},
		{"unknown target group", `{"Bundle": "albatross-describe-bundle/1", "LoadBalancers": [{"LoadBalancer": {"LoadBalancerName": "a", "Type": "application"},
  "Listeners": [{"Listener": {"Port": 80, "Protocol": "HTTP", "DefaultActions": [{"Type": "forward", "TargetGroupArn": "arn:x"}]}}]}]}`,
			`b.json:2:120 LoadBalancers[0].Listeners[0].Listener.DefaultActions[0].TargetGroupArn: target group "arn:x" is not in the bundle`},
		{"authentication and a bad priority", `{"Bundle": "albatross-describe-bundle/1", "LoadBalancers": [{"LoadBalancer": {"LoadBalancerName": "a"},
  "Listeners": [{"Listener": {"Port": 80, "Protocol": "HTTP", "DefaultActions": [{"Type": "authenticate-oidc"}]},
                 "Rules": [{"Priority": "first", "Actions": []}]}]}]}`,
			"LoadBalancers[0].Listeners[0].Listener.DefaultActions[0].Type: authenticate-oidc actions are not supported"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			_, err := parse("b.json", t.TempDir(), []byte(tc.doc), Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}

// TestDetect: the marker, in JSON or YAML, and nothing else.
func TestDetect(t *testing.T) {
	t.Parallel()
	for doc, want := range map[string]bool{
		`{"Bundle": "albatross-describe-bundle/1"}`:         true,
		"Bundle: albatross-describe-bundle/1\n":             true,
		`{"LoadBalancers": []}`:                             false,
		"AWSTemplateFormatVersion: 2010-09-09\n":            false,
		`{"Bundle": "albatross-describe-bundle/2"}`:         false,
		`Description: "albatross-describe-bundle/1"` + "\n": false,
	} {
		if got := Detect("x.json", []byte(doc)); got != want {
			t.Errorf("Detect(%s) = %v, want %v", doc, got, want)
		}
	}
}
