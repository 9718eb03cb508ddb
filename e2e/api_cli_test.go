package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var installAWSCLI sync.Once

// awsCLIs returns the aws CLIs to test: Debian's /usr/bin/aws (v2; installed by
// scripts/install-awscli.sh when missing and we are root) and, when different, the aws first on
// PATH (often a pyenv shim for the Python v1 CLI).
func awsCLIs(t *testing.T) []string {
	t.Helper()
	var clis []string
	installAWSCLI.Do(func() { // once: the tests that use the CLI run in parallel, apt takes one at a time
		if _, err := os.Stat("/usr/bin/aws"); err != nil && os.Geteuid() == 0 {
			if out, err := execCombinedTimeout(5*time.Minute, "../scripts/install-awscli.sh"); err != nil {
				t.Logf("scripts/install-awscli.sh failed: %v\n%s", err, out)
			}
		}
	})
	if _, err := os.Stat("/usr/bin/aws"); err == nil {
		clis = append(clis, "/usr/bin/aws")
	}
	if p, err := exec.LookPath("aws"); err == nil && p != "/usr/bin/aws" {
		if out, err := execCombined(p, "--version"); err == nil && strings.HasPrefix(out, "aws-cli/") {
			clis = append(clis, p)
		}
	}
	if len(clis) == 0 {
		t.Skip("no aws CLI: /usr/bin/aws is missing and scripts/install-awscli.sh could not install it (needs root and apt)")
	}
	return clis
}

// cli runs one aws CLI against an albatross API with dummy credentials and an empty HOME, so
// that nothing from the machine's AWS configuration leaks in.
type cli struct {
	t        *testing.T
	bin, url string
	env      []string
}

func newCLI(t *testing.T, bin, url string) *cli {
	home := t.TempDir()
	env := []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"),
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=" + filepath.Join(home, "config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
		"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=", "AWS_MAX_ATTEMPTS=1"}
	// A pyenv shim finds its Python through PYENV_ROOT, which defaults to $HOME/.pyenv.
	if realHome, err := os.UserHomeDir(); err == nil {
		env = append(env, "PYENV_ROOT="+firstSet(os.Getenv("PYENV_ROOT"), filepath.Join(realHome, ".pyenv")))
	}
	return &cli{t: t, bin: bin, url: url, env: env}
}

func firstSet(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// run runs `aws --endpoint-url URL --output json args...` and returns stdout; a non-zero exit
// fails the test unless wantFail.
func (c *cli) run(wantFail bool, args ...string) (string, string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, append([]string{"--endpoint-url", c.url, "--output", "json"}, args...)...)
	cmd.Env = c.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if (err != nil) != wantFail {
		c.t.Fatalf("aws %s: err %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String(), stderr.String()
}

// field extracts a value from the CLI's JSON output by a path of keys and list indexes.
func field(t *testing.T, out string, path ...any) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("CLI output is not JSON: %v\n%s", err, out)
	}
	for _, p := range path {
		switch k := p.(type) {
		case string:
			v = v.(map[string]any)[k]
		case int:
			v = v.([]any)[k]
		}
	}
	return fmt.Sprint(v)
}

// TestAPIWithAWSCLI builds a load balancer in front of a backend and a Go function from a zip
// with each aws CLI found, the way docs/api.md shows it: the walk-through a user copies must work
// with the clients they have.
func TestAPIWithAWSCLI(t *testing.T) {
	t.Parallel()
	clis := awsCLIs(t)
	dir := t.TempDir()
	if out, err := execCombinedTimeout(3*time.Minute, "go", "build", "-o", filepath.Join(dir, "bootstrap"), "./testdata/functions/albecho"); err != nil {
		t.Fatalf("building the function: %v\n%s", err, out)
	}
	bootstrap, err := os.ReadFile(filepath.Join(dir, "bootstrap"))
	if err != nil {
		t.Fatal(err)
	}
	zipPath := filepath.Join(dir, "function.zip")
	if err := os.WriteFile(zipPath, zipOf(t, map[string]string{"bootstrap": string(bootstrap)}), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, bin := range clis {
		t.Run(filepath.Base(filepath.Dir(bin))+"-aws", func(t *testing.T) {
			t.Parallel() // each CLI has its own albatross, backend and ports
			cliScenario(t, bin, zipPath)
		})
	}
}

func cliScenario(t *testing.T, bin, zipPath string) {
	api := startWithAPI(t, "", "")
	aws := newCLI(t, bin, api.apiURL)
	site := startBackend(t, "site", nil)
	port := freePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)

	cliFunction(t, aws, zipPath)
	siteTG := field(t, first(aws.run(false, "elbv2", "create-target-group", "--name", "site", "--protocol", "HTTP",
		"--port", fmt.Sprint(site.port), "--vpc-id", "vpc-1", "--target-type", "instance")), "TargetGroups", 0, "TargetGroupArn")
	apiTG := field(t, first(aws.run(false, "elbv2", "create-target-group", "--name", "api", "--target-type", "lambda")),
		"TargetGroups", 0, "TargetGroupArn")
	aws.run(false, "elbv2", "register-targets", "--target-group-arn", siteTG, "--targets", fmt.Sprintf("Id=127.0.0.1,Port=%d", site.port))
	aws.run(false, "lambda", "add-permission", "--function-name", "api", "--statement-id", "elb", "--action", "lambda:InvokeFunction",
		"--principal", "elasticloadbalancing.amazonaws.com", "--source-arn", apiTG)
	aws.run(false, "elbv2", "register-targets", "--target-group-arn", apiTG, "--targets", "Id=arn:aws:lambda:us-east-1:000000000000:function:api")
	lb := field(t, first(aws.run(false, "elbv2", "create-load-balancer", "--name", "tickets", "--scheme", "internal",
		"--subnets", "subnet-1", "subnet-2")), "LoadBalancers", 0, "LoadBalancerArn")
	aws.run(false, "elbv2", "wait", "load-balancer-available", "--load-balancer-arns", lb)
	listener := field(t, first(aws.run(false, "elbv2", "create-listener", "--load-balancer-arn", lb, "--protocol", "HTTP",
		"--port", fmt.Sprint(port), "--default-actions", "Type=forward,TargetGroupArn="+siteTG)), "Listeners", 0, "ListenerArn")
	if code, body := httpGet(t, base+"/"); code != 200 || !strings.Contains(body, `"backend":"site"`) {
		t.Fatalf("GET / through the CLI-made listener: %d %s", code, body)
	}
	aws.run(false, "elbv2", "create-rule", "--listener-arn", listener, "--priority", "20",
		"--conditions", "Field=path-pattern,Values=/api,/api/*", "--actions", "Type=forward,TargetGroupArn="+apiTG)
	if code, body := httpGet(t, base+"/api/events"); code != 200 || !strings.Contains(body, "/api/events") {
		t.Errorf("GET /api/events through the CLI-made rule: %d %s; want the function's echo of the event", code, body)
	}
	rules, _ := aws.run(false, "elbv2", "describe-rules", "--listener-arn", listener)
	if field(t, rules, "Rules", 0, "Priority") != "20" || field(t, rules, "Rules", 1, "Priority") != "default" {
		t.Errorf("describe-rules: %s; want priority 20 then the default rule", rules)
	}
	// --page-size is the API's own PageSize, so the CLI pages by hand with --marker (A.8).
	tgs, _ := aws.run(false, "elbv2", "describe-target-groups", "--page-size", "1")
	next := field(t, tgs, "NextMarker")
	tgs2, _ := aws.run(false, "elbv2", "describe-target-groups", "--page-size", "1", "--marker", next)
	if field(t, tgs, "TargetGroups", 0, "TargetGroupName") != "site" || field(t, tgs2, "TargetGroups", 0, "TargetGroupName") != "api" ||
		strings.Contains(tgs2, "NextMarker") {
		t.Errorf("describe-target-groups one per page: %s then %s; want site, then api without NextMarker", tgs, tgs2)
	}
	_, stderr := aws.run(true, "elbv2", "describe-load-balancers", "--names", "nope")
	if !strings.Contains(stderr, "LoadBalancerNotFound") {
		t.Errorf("describe-load-balancers --names nope: stderr %q; want LoadBalancerNotFound", stderr)
	}
	_, stderr = aws.run(true, "lambda", "get-function", "--function-name", "nope")
	if !strings.Contains(stderr, "ResourceNotFoundException") {
		t.Errorf("lambda get-function nope: stderr %q; want ResourceNotFoundException", stderr)
	}
	aws.run(false, "elbv2", "delete-load-balancer", "--load-balancer-arn", lb)
	aws.run(false, "elbv2", "wait", "load-balancers-deleted", "--load-balancer-arns", lb)
	aws.run(false, "elbv2", "delete-target-group", "--target-group-arn", siteTG)
	_, stderr = aws.run(true, "lambda", "delete-function", "--function-name", "api")
	if !strings.Contains(stderr, "InvalidParameterValueException") {
		t.Errorf("delete-function of a registered target: stderr %q; want InvalidParameterValueException", stderr)
	}
	aws.run(false, "elbv2", "delete-target-group", "--target-group-arn", apiTG)
	aws.run(false, "lambda", "delete-function", "--function-name", "api")
}

// cliFunction creates the function from its zip, waits for it and invokes it directly.
func cliFunction(t *testing.T, aws *cli, zipPath string) {
	aws.run(false, "lambda", "create-function", "--function-name", "api", "--runtime", "provided.al2023", "--handler", "bootstrap",
		"--role", "arn:aws:iam::000000000000:role/demo", "--zip-file", "fileb://"+zipPath)
	aws.run(false, "lambda", "wait", "function-active-v2", "--function-name", "api")
	out, _ := aws.run(false, "lambda", "invoke", "--function-name", "api", "--log-type", "Tail", filepath.Join(t.TempDir(), "out.json"))
	if field(t, out, "StatusCode") != "200" || field(t, out, "ExecutedVersion") != "$LATEST" || !strings.Contains(out, "LogResult") {
		t.Errorf("lambda invoke: %s", out)
	}
	out, _ = aws.run(false, "lambda", "update-function-configuration", "--function-name", "api", "--timeout", "7",
		"--environment", "Variables={STAGE=test}")
	if field(t, out, "Timeout") != "7" || field(t, out, "Environment", "Variables", "STAGE") != "test" {
		t.Errorf("update-function-configuration: %s", out)
	}
	aws.run(false, "lambda", "wait", "function-updated-v2", "--function-name", "api")
	aws.run(false, "lambda", "put-function-concurrency", "--function-name", "api", "--reserved-concurrent-executions", "5")
	out, _ = aws.run(false, "lambda", "list-functions")
	if field(t, out, "Functions", 0, "FunctionName") != "api" || field(t, out, "Functions", 0, "Runtime") != "provided.al2023" {
		t.Errorf("list-functions: %s", out)
	}
	out, _ = aws.run(false, "lambda", "get-function", "--function-name", "arn:aws:lambda:us-east-1:000000000000:function:api")
	if field(t, out, "Concurrency", "ReservedConcurrentExecutions") != "5" || field(t, out, "Configuration", "State") != "Active" {
		t.Errorf("get-function: %s", out)
	}
}

func first(a, _ string) string { return a }

// execCombinedTimeout is execCombined with another bound.
func execCombinedTimeout(d time.Duration, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	return string(out), err
}
