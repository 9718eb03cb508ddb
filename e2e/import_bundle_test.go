package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/importer/bundle"
	"github.com/albatross-lb/albatross/internal/importer/values"
	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// TestCaptureRoundTrip builds a load balancer through Albatross's own ELBv2 and Lambda APIs,
// captures it with `albatross capture`, and serves the bundle with --values mapping an IP
// target and one function's code to other local ones: every route answers as the captured ALB
// would, from the mapped targets and code.
func TestCaptureRoundTrip(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	defer rescue(t)
	ctx := context.Background()
	api := startWithAPI(t, "", "")
	ec, lc := api.elbClient("test", "test"), api.lambdaClient("test", "test")
	captured, replacement := startBackend(t, "captured", nil), startBackend(t, "replacement", nil)

	alphaARN := createPyFunction(t, lc, "alpha", "alpha-api")
	betaARN := createPyFunction(t, lc, "beta", "beta-api")
	tg := func(name string, typ elbtypes.TargetTypeEnum, port int32) *string {
		in := &elb.CreateTargetGroupInput{Name: aws.String(name), TargetType: typ}
		if typ != elbtypes.TargetTypeEnumLambda {
			in.Protocol, in.Port, in.VpcId = elbtypes.ProtocolEnumHttp, aws.Int32(port), aws.String("vpc-1")
		}
		return need(ec.CreateTargetGroup(ctx, in)).TargetGroups[0].TargetGroupArn
	}
	webTG := tg("web", elbtypes.TargetTypeEnumIp, int32(captured.port))
	alphaTG, betaTG := tg("alpha", elbtypes.TargetTypeEnumLambda, 0), tg("beta", elbtypes.TargetTypeEnumLambda, 0)
	need(ec.RegisterTargets(ctx, &elb.RegisterTargetsInput{TargetGroupArn: webTG,
		Targets: []elbtypes.TargetDescription{{Id: aws.String("127.0.0.1"), Port: aws.Int32(int32(captured.port))}}}))
	need(ec.RegisterTargets(ctx, &elb.RegisterTargetsInput{TargetGroupArn: alphaTG, Targets: []elbtypes.TargetDescription{{Id: aws.String(alphaARN)}}}))
	need(ec.RegisterTargets(ctx, &elb.RegisterTargetsInput{TargetGroupArn: betaTG, Targets: []elbtypes.TargetDescription{{Id: aws.String(betaARN)}}}))
	need(ec.ModifyTargetGroupAttributes(ctx, &elb.ModifyTargetGroupAttributesInput{TargetGroupArn: betaTG,
		Attributes: []elbtypes.TargetGroupAttribute{{Key: aws.String("lambda.multi_value_headers.enabled"), Value: aws.String("true")}}}))

	lb := need(ec.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{Name: aws.String("shop")})).LoadBalancers[0]
	need(ec.ModifyLoadBalancerAttributes(ctx, &elb.ModifyLoadBalancerAttributesInput{LoadBalancerArn: lb.LoadBalancerArn,
		Attributes: []elbtypes.LoadBalancerAttribute{{Key: aws.String("idle_timeout.timeout_seconds"), Value: aws.String("42")}}}))
	capturedPort := freePort(t)
	listener := need(ec.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(int32(capturedPort)), DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: webTG}}})).Listeners[0]
	path := func(p string) elbtypes.RuleCondition {
		return elbtypes.RuleCondition{Field: aws.String("path-pattern"), PathPatternConfig: &elbtypes.PathPatternConditionConfig{Values: []string{p}}}
	}
	rule := func(prio int32, conds []elbtypes.RuleCondition, action elbtypes.Action) {
		need(ec.CreateRule(ctx, &elb.CreateRuleInput{ListenerArn: listener.ListenerArn, Priority: aws.Int32(prio), Conditions: conds, Actions: []elbtypes.Action{action}}))
	}
	rule(10, []elbtypes.RuleCondition{path("/alpha/*")}, elbtypes.Action{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: alphaTG})
	rule(20, []elbtypes.RuleCondition{path("/beta/*"), {Field: aws.String("http-header"),
		HttpHeaderConfig: &elbtypes.HttpHeaderConditionConfig{HttpHeaderName: aws.String("X-Env"), Values: []string{"prod"}}}},
		elbtypes.Action{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{
			TargetGroups: []elbtypes.TargetGroupTuple{{TargetGroupArn: betaTG, Weight: aws.Int32(1)}}}})
	rule(30, []elbtypes.RuleCondition{path("/teapot")}, elbtypes.Action{Type: elbtypes.ActionTypeEnumFixedResponse,
		FixedResponseConfig: &elbtypes.FixedResponseActionConfig{StatusCode: aws.String("418"), ContentType: aws.String("text/plain"), MessageBody: aws.String("short and stout")}})
	rule(40, []elbtypes.RuleCondition{path("/old")}, elbtypes.Action{Type: elbtypes.ActionTypeEnumRedirect,
		RedirectConfig: &elbtypes.RedirectActionConfig{Path: aws.String("/alpha/new"), StatusCode: elbtypes.RedirectActionStatusCodeEnumHttp301}})

	dir := t.TempDir()
	bundleFile := filepath.Join(dir, "bundle.json")
	out, err := captureCommand(api.apiURL, "-o", bundleFile)
	if err != nil {
		t.Fatalf("albatross capture: %v\n%s", err, out)
	}
	data, err := os.ReadFile(bundleFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bundle.Detect(bundleFile, data) {
		t.Fatalf("the captured bundle is not detected as one:\n%s", data)
	}

	// alpha's code is mapped to a local folder whose handler says so; beta keeps the code
	// Albatross's GetFunction points at; the IP target moves to another backend.
	alphaCode := filepath.Join(dir, "alpha-local")
	if err := os.MkdirAll(alphaCode, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(alphaCode, "app.py"), pyFunction("alpha-local"))
	writeFile(t, filepath.Join(dir, "values.yaml"), fmt.Sprintf("code:\n  alpha: %s\ntargets:\n  \"127.0.0.1:%d\": %s\n", alphaCode, captured.port, replacement.addr))
	// The bundle is served as a user would: `albatross serve --config bundle.json --values FILE`,
	// with the captured port (still held by the API instance) moved by --port-map.
	port := freePort(t)
	startSource(t, bundleFile, port, "--values", filepath.Join(dir, "values.yaml"), "--port-map", fmt.Sprintf("%d=%d", capturedPort, port))
	ports := []int{port}
	// The captured attributes are what the importer reads from the bundle.
	vals, err := values.Load(filepath.Join(dir, "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := bundle.Load(bundleFile, bundle.Options{Values: vals, CodeDir: t.TempDir()})
	if err != nil {
		t.Fatalf("loading the captured bundle: %v", err)
	}
	if got := cfg.LoadBalancers[0].Attributes["idle_timeout.timeout_seconds"]; got != "42" {
		t.Errorf("idle timeout attribute = %q, want the captured 42", got)
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	c := client()

	get := func(path string, header ...string) (int, string, string) {
		req := newRequest(t, "GET", base+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, body := do(t, c, req)
		return resp.StatusCode, string(body), resp.Header.Get("Location")
	}
	if code, body, _ := get("/alpha/x"); code != 200 || !strings.Contains(body, `"fn": "alpha-local"`) {
		t.Errorf("/alpha/x: %d %s; want the mapped alpha code", code, body)
	}
	if code, body, _ := get("/beta/x", "X-Env", "prod"); code != 200 || !strings.Contains(body, `"fn": "beta-api"`) {
		t.Errorf("/beta/x with X-Env: prod: %d %s; want beta from its captured code", code, body)
	}
	if code, body, _ := get("/beta/x"); code != 200 || !strings.Contains(body, `"backend":"replacement"`) {
		t.Errorf("/beta/x without the header: %d %s; want the default action on the mapped target", code, body)
	}
	if code, body, _ := get("/teapot"); code != 418 || body != "short and stout" {
		t.Errorf("/teapot: %d %q; want 418", code, body)
	}
	if code, _, loc := get("/old"); code != 301 || loc != fmt.Sprintf("http://127.0.0.1:%d/alpha/new", ports[0]) {
		t.Errorf("/old: %d Location %q; want a 301 to /alpha/new", code, loc)
	}
	if out, err := captureCommand(api.apiURL, "--load-balancer", "nope"); err == nil || !strings.Contains(out, "LoadBalancerNotFound") {
		t.Errorf("capture of a load balancer that does not exist: %v %s; want a failure naming LoadBalancerNotFound", err, out)
	}
	var raw struct{ Functions []json.RawMessage }
	if err := json.Unmarshal(data, &raw); err != nil || len(raw.Functions) != 2 {
		t.Errorf("bundle functions: %d (%v); want alpha and beta", len(raw.Functions), err)
	}
}

// captureCommand runs `albatross capture --endpoint-url URL ARGS...` with dummy credentials and
// no shared AWS configuration, so the SDK looks nowhere but the environment.
func captureCommand(endpoint string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, append([]string{"capture", "--endpoint-url", endpoint}, args...)...)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=/nonexistent", "AWS_SHARED_CREDENTIALS_FILE=/nonexistent", "AWS_PROFILE=")
	out, err := cmd.CombinedOutput()
	return string(out), err
}
