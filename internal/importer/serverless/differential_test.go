package serverless

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/importer/cloudformation"
	"github.com/albatross-lb/albatross/internal/importer/values"
)

// fixtureDir holds the serverless.yml fixtures that e2e serves; every one of them is compared
// here with what Serverless Framework v3 itself compiles.
const fixtureDir = "../../../e2e/testdata/import"

// differentialInputs are the command-line inputs a fixture is packaged and imported with.
var differentialInputs = map[string]struct {
	stage  string
	params map[string]string // ${param:NAME}: --param NAME=VALUE for both
	env    map[string]string
}{
	"sls-features": {stage: "qa", params: map[string]string{"color": "green"}, env: map[string]string{"FEATURES_REGION": "eu-west-3"}},
}

// slsBinary is Serverless v3 where scripts/install-test-deps.sh installs it: outside the clone,
// in $ALBATROSS_TEST_CACHE, else $XDG_CACHE_HOME/albatross-test, else ~/.cache/albatross-test.
func slsBinary(t *testing.T) string {
	t.Helper()
	cache := os.Getenv("ALBATROSS_TEST_CACHE")
	if cache == "" {
		base := os.Getenv("XDG_CACHE_HOME")
		if base == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				t.Fatal(err)
			}
			base = filepath.Join(home, ".cache")
		}
		cache = filepath.Join(base, "albatross-test")
	}
	p := filepath.Join(cache, "serverless-v3", "node_modules", ".bin", "sls")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("Serverless Framework v3 is not installed at %s: run scripts/install-test-deps.sh", p)
	}
	return p
}

// TestRoutingMatchesServerlessPackage compiles every serverless.yml fixture twice: with the
// importer, and with `sls package` (Serverless v3, offline) whose CloudFormation template then
// goes through the CloudFormation importer. The two configurations must be the same.
func TestRoutingMatchesServerlessPackage(t *testing.T) {
	sls := slsBinary(t)
	fixtures, err := filepath.Glob(filepath.Join(fixtureDir, "*", "serverless.yml"))
	if err != nil || len(fixtures) == 0 {
		t.Fatalf("no fixtures in %s: %v", fixtureDir, err)
	}
	// Packaging (patterns, individually) and provisionedConcurrency, which e2e does not serve.
	fixtures = append(fixtures, filepath.Join("testdata", "package", "serverless.yml"))
	for _, f := range fixtures {
		name := filepath.Base(filepath.Dir(f))
		t.Run(name, func(t *testing.T) {
			t.Parallel() // sls package is mostly Node.js starting up: overlap the fixtures
			in := differentialInputs[name]
			dir := copyDir(t, filepath.Dir(f))
			env := func(k string) (string, bool) { v, ok := in.env[k]; return v, ok }
			cache := t.TempDir()
			ours, err := Load(dir, Options{Stage: in.stage, Params: in.params, Env: env, CacheDir: cache})
			if err != nil {
				t.Fatalf("importer: %v", err)
			}

			args := []string{"package"}
			if in.stage != "" {
				args = append(args, "--stage", in.stage)
			}
			for k, v := range in.params {
				args = append(args, "--param", k+"="+v)
			}
			cmd := exec.Command(sls, args...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "SLS_TELEMETRY_DISABLED=1", "SLS_NOTIFICATIONS_MODE=off",
				"SLS_DEPRECATION_DISABLE=*", "AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_PROFILE=")
			for k, v := range in.env {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("sls package: %v\n%s", err, out)
			}
			tmplPath := filepath.Join(dir, ".serverless", "cloudformation-template-update-stack.json")
			data, err := os.ReadFile(tmplPath)
			if err != nil {
				t.Fatal(err)
			}
			// sls uploads code to S3; map each function (by name) to the code the importer used.
			code := map[string]string{}
			for _, fn := range ours.Config.Functions {
				code[fn.FunctionName] = fn.Code
			}
			tmpl, err := cloudformation.Parse(data, cloudformation.Options{File: "cloudformation-template-update-stack.json",
				Dir: dir, Values: values.FromMaps(nil, code, nil), Region: ours.Config.Region, CacheDir: t.TempDir()})
			if err != nil {
				t.Fatalf("sls template: %v", err)
			}
			theirs, err := tmpl.Translate()
			if err != nil {
				t.Fatalf("sls template: %v", err)
			}
			a, b := routing(t, ours.Config), routing(t, theirs.Config)
			if a != b {
				t.Errorf("the importer and sls package differ:\n--- importer\n%s\n--- sls package\n%s", a, b)
			}
			if n := comparePackages(t, dir, cache, data, ours.Config.Functions); name == "package" && n != 2 {
				t.Errorf("compared %d packages, want both functions of the package fixture", n)
			}
		})
	}
}

// routing is cfg in a canonical form: rules by priority, target groups and functions by name.
func routing(t *testing.T, cfg *config.Config) string {
	c := *cfg
	c.LoadBalancers = slices.Clone(c.LoadBalancers)
	for i := range c.LoadBalancers {
		c.LoadBalancers[i].Listeners = slices.Clone(c.LoadBalancers[i].Listeners)
		for j := range c.LoadBalancers[i].Listeners {
			l := &c.LoadBalancers[i].Listeners[j]
			l.Rules = slices.Clone(l.Rules)
			slices.SortFunc(l.Rules, func(a, b config.Rule) int { return a.Priority - b.Priority })
		}
	}
	c.TargetGroups = slices.Clone(c.TargetGroups)
	slices.SortFunc(c.TargetGroups, func(a, b config.TargetGroup) int { return strings.Compare(a.Name, b.Name) })
	c.Functions = slices.Clone(c.Functions)
	slices.SortFunc(c.Functions, func(a, b config.Function) int { return strings.Compare(a.FunctionName, b.FunctionName) })
	out, err := yaml.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.LoadBalancers) == 0 || len(c.TargetGroups) == 0 {
		t.Fatalf("nothing to compare: %s", out)
	}
	return string(out)
}

func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, _ := d.Info()
		return os.WriteFile(target, data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(fmt.Errorf("copy %s: %w", src, err))
	}
	return dst
}

// comparePackages checks that every function the importer built a package for runs from
// exactly the files of the zip sls package wrote for it (named by the function's Code.S3Key).
func comparePackages(t *testing.T, dir, cache string, template []byte, fns []config.Function) (compared int) {
	t.Helper()
	var tmpl struct {
		Resources map[string]struct {
			Type       string
			Properties struct {
				FunctionName any
				Code         struct{ S3Key any }
			}
		}
	}
	if err := json.Unmarshal(template, &tmpl); err != nil {
		t.Fatal(err)
	}
	zips := map[string]string{}
	for _, r := range tmpl.Resources {
		name, _ := r.Properties.FunctionName.(string)
		key, _ := r.Properties.Code.S3Key.(string)
		if r.Type == "AWS::Lambda::Function" && name != "" && key != "" {
			zips[name] = filepath.Join(dir, ".serverless", path.Base(key))
		}
	}
	for _, fn := range fns {
		if !strings.HasPrefix(fn.Code, cache) {
			continue // no patterns: the function runs from the service folder itself
		}
		zr, err := zip.OpenReader(zips[fn.FunctionName])
		if err != nil {
			t.Errorf("%s: the zip sls package wrote: %v", fn.FunctionName, err)
			continue
		}
		var theirs []string
		for _, f := range zr.File {
			if !f.FileInfo().IsDir() {
				theirs = append(theirs, f.Name)
			}
		}
		zr.Close()
		compared++
		slices.Sort(theirs)
		if a, b := strings.Join(filesIn(t, fn.Code), " "), strings.Join(theirs, " "); a != b {
			t.Errorf("%s: the importer's package differs from sls package's zip:\n importer: %s\n sls:      %s", fn.FunctionName, a, b)
		}
	}
	return compared
}
