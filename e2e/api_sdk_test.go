package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
)

// fileOwnedConfig defines one target group in the file, to check that the API shows it and
// refuses to change it.
const fileOwnedConfig = `
target_groups:
  - {name: from-file, target_type: instance, port: 9}
`

// apiFailure carries an unexpected API error from need to rescue.
type apiFailure struct{ err error }

// need returns v, or aborts the test when err is not nil; the test must defer rescue(t).
func need[T any](v T, err error) T {
	if err != nil {
		panic(apiFailure{err})
	}
	return v
}

// rescue turns need's abort into a test failure with the failing call's stack.
func rescue(t *testing.T) {
	if r := recover(); r != nil {
		f, ok := r.(apiFailure)
		if !ok {
			panic(r)
		}
		t.Fatalf("unexpected API error: %v\n%s", f.err, debug.Stack())
	}
}

// sdkScenario is the state of TestAPISDKScenario between its steps.
type sdkScenario struct {
	t          *testing.T
	ctx        context.Context
	ec         *elb.Client
	lc         *lambda.Client
	b1, b2     *backend
	web, fnTG  elbtypes.TargetGroup
	lb         elbtypes.LoadBalancer
	listener   elbtypes.Listener
	port       int
	base       string
	fn, teapot elbtypes.Rule
}

// TestAPISDKScenario drives a whole load balancer through aws-sdk-go-v2: target groups of both
// kinds, targets, a load balancer, a listener and rules, changes and deletion, checking that the
// data plane follows every step (A.3-A.8, C.1-C.5).
func TestAPISDKScenario(t *testing.T) {
	t.Parallel()
	defer rescue(t)
	api := startWithAPI(t, fileOwnedConfig, "")
	s := &sdkScenario{t: t, ctx: context.Background(), ec: api.elbClient("test", "test"), lc: api.lambdaClient("test", "test"),
		b1: startBackend(t, "b1", nil), b2: startBackend(t, "b2", nil)}
	s.targetGroups()
	s.loadBalancer()
	s.rules()
	checkTypedErrors(t, s.ec, s.lc, s.listener.ListenerArn, s.web.TargetGroupArn)
	checkTargetHealth(t, s.ec, s.web.TargetGroupArn, s.fnTG.TargetGroupArn, s.b1.port)
	checkPaging(t, s.ec)
	checkInvoke(t, s.lc)
	s.changes()
	s.teardown()
}

// targetGroups creates a function, an instance and a Lambda target group, and registers targets.
func (s *sdkScenario) targetGroups() {
	t, ctx, ec := s.t, s.ctx, s.ec
	fnARN := createPyFunction(t, s.lc, "api-fn", "v1")
	s.web = need(ec.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String("web"),
		Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(int32(s.b1.port)), VpcId: aws.String("vpc-1"),
		TargetType: elbtypes.TargetTypeEnumInstance})).TargetGroups[0]
	s.fnTG = need(ec.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String("fn"),
		TargetType: elbtypes.TargetTypeEnumLambda})).TargetGroups[0]
	if s.fnTG.Port != nil || s.fnTG.Protocol != "" || aws.ToBool(s.fnTG.HealthCheckEnabled) {
		t.Errorf("lambda target group: port %v protocol %q health checks %v; want none, none, disabled (A.5.2)",
			s.fnTG.Port, s.fnTG.Protocol, aws.ToBool(s.fnTG.HealthCheckEnabled))
	}
	need(ec.RegisterTargets(ctx, &elb.RegisterTargetsInput{TargetGroupArn: s.web.TargetGroupArn, Targets: []elbtypes.TargetDescription{
		{Id: aws.String("127.0.0.1"), Port: aws.Int32(int32(s.b1.port))}, {Id: aws.String("127.0.0.1"), Port: aws.Int32(int32(s.b2.port))}}}))
	need(s.lc.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("api-fn"), StatementId: aws.String("elb"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("elasticloadbalancing.amazonaws.com")}))
	need(ec.RegisterTargets(ctx, &elb.RegisterTargetsInput{TargetGroupArn: s.fnTG.TargetGroupArn,
		Targets: []elbtypes.TargetDescription{{Id: aws.String(fnARN)}}}))
}

// loadBalancer creates the load balancer and a listener, whose port opens at once and forwards
// to both targets.
func (s *sdkScenario) loadBalancer() {
	t, ctx, ec := s.t, s.ctx, s.ec
	s.lb = need(ec.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{Name: aws.String("demo"),
		Scheme: elbtypes.LoadBalancerSchemeEnumInternal, Tags: []elbtypes.Tag{{Key: aws.String("env"), Value: aws.String("test")}}})).LoadBalancers[0]
	waiter := elb.NewLoadBalancerAvailableWaiter(ec, func(o *elb.LoadBalancerAvailableWaiterOptions) { o.MinDelay = 10 * time.Millisecond })
	if err := waiter.Wait(ctx, &elb.DescribeLoadBalancersInput{Names: []string{"demo"}}, 10*time.Second); err != nil {
		t.Fatalf("load-balancer-available waiter: %v", err)
	}
	s.port = freePort(t)
	s.base = fmt.Sprintf("http://127.0.0.1:%d", s.port)
	s.listener = need(ec.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: s.lb.LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(int32(s.port)), DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: s.web.TargetGroupArn}}})).Listeners[0]
	backends := map[string]bool{}
	for range 20 {
		code, body := httpGet(t, s.base+"/x")
		if code != 200 {
			t.Fatalf("GET /x through the new listener: %d %s", code, body)
		}
		var got seen
		_ = json.Unmarshal([]byte(body), &got)
		backends[got.Backend] = true
	}
	if !backends["b1"] || !backends["b2"] {
		t.Errorf("round robin over both registered targets: saw %v", backends)
	}
}

// rules adds two rules, each applying to the next request, then swaps their priorities.
func (s *sdkScenario) rules() {
	t, ctx, ec := s.t, s.ctx, s.ec
	s.fn = need(ec.CreateRule(ctx, &elb.CreateRuleInput{ListenerArn: s.listener.ListenerArn, Priority: aws.Int32(10),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), PathPatternConfig: &elbtypes.PathPatternConditionConfig{Values: []string{"/fn/*"}}}},
		Actions:    []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: s.fnTG.TargetGroupArn}}})).Rules[0]
	s.teapot = need(ec.CreateRule(ctx, &elb.CreateRuleInput{ListenerArn: s.listener.ListenerArn, Priority: aws.Int32(20),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/fn/teapot"}}},
		Actions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumFixedResponse, FixedResponseConfig: &elbtypes.FixedResponseActionConfig{
			StatusCode: aws.String("418"), ContentType: aws.String("text/plain"), MessageBody: aws.String("short and stout")}}}})).Rules[0]
	if code, body := httpGet(t, s.base+"/fn/hello"); code != 200 || !strings.Contains(body, `"fn": "v1"`) {
		t.Errorf("GET /fn/hello after CreateRule: %d %s; want the function's answer", code, body)
	}
	if code, _ := httpGet(t, s.base+"/fn/teapot"); code != 200 {
		t.Errorf("GET /fn/teapot: %d; want 200 from the function (priority 10 wins over 20)", code)
	}
	need(ec.SetRulePriorities(ctx, &elb.SetRulePrioritiesInput{RulePriorities: []elbtypes.RulePriorityPair{
		{RuleArn: s.fn.RuleArn, Priority: aws.Int32(30)}, {RuleArn: s.teapot.RuleArn, Priority: aws.Int32(5)}}}))
	if code, body := httpGet(t, s.base+"/fn/teapot"); code != 418 || body != "short and stout" {
		t.Errorf("GET /fn/teapot after SetRulePriorities: %d %q; want 418 short and stout", code, body)
	}
	rules := need(ec.DescribeRules(ctx, &elb.DescribeRulesInput{ListenerArn: s.listener.ListenerArn})).Rules
	var got []string
	for _, r := range rules {
		got = append(got, aws.ToString(r.Priority)+"="+aws.ToString(r.RuleArn))
	}
	want := []string{"5=" + aws.ToString(s.teapot.RuleArn), "30=" + aws.ToString(s.fn.RuleArn), "default=" + aws.ToString(rules[2].RuleArn)}
	if strings.Join(got, " ") != strings.Join(want, " ") || !aws.ToBool(rules[2].IsDefault) {
		t.Errorf("DescribeRules: %v; want %v with the same ARNs and the default rule last (A.5.4)", got, want)
	}
}

// changes: ModifyRule, DeregisterTargets and ModifyListener take effect on the next request.
func (s *sdkScenario) changes() {
	t, ctx, ec := s.t, s.ctx, s.ec
	need(ec.ModifyRule(ctx, &elb.ModifyRuleInput{RuleArn: s.teapot.RuleArn, Actions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumFixedResponse,
		FixedResponseConfig: &elbtypes.FixedResponseActionConfig{StatusCode: aws.String("503")}}}}))
	if code, _ := httpGet(t, s.base+"/fn/teapot"); code != 503 {
		t.Errorf("GET /fn/teapot after ModifyRule: %d; want 503", code)
	}
	need(ec.DeregisterTargets(ctx, &elb.DeregisterTargetsInput{TargetGroupArn: s.web.TargetGroupArn,
		Targets: []elbtypes.TargetDescription{{Id: aws.String("127.0.0.1"), Port: aws.Int32(int32(s.b2.port))}}}))
	for range 10 {
		if _, body := httpGet(t, s.base+"/x"); !strings.Contains(body, `"backend":"b1"`) {
			t.Fatalf("after DeregisterTargets b2 still served: %s", body)
		}
	}
	// b2 drains for the deregistration delay (300 s by default), and says so.
	th := need(ec.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: s.web.TargetGroupArn})).TargetHealthDescriptions
	if len(th) != 2 || aws.ToInt32(th[1].Target.Port) != int32(s.b2.port) || th[1].TargetHealth.State != elbtypes.TargetHealthStateEnumDraining ||
		th[1].TargetHealth.Reason != elbtypes.TargetHealthReasonEnumDeregistrationInProgress {
		t.Errorf("DescribeTargetHealth after DeregisterTargets: %+v; want b1 and b2 draining", th)
	}
	need(ec.ModifyListener(ctx, &elb.ModifyListenerInput{ListenerArn: s.listener.ListenerArn, DefaultActions: []elbtypes.Action{{
		Type: elbtypes.ActionTypeEnumFixedResponse, FixedResponseConfig: &elbtypes.FixedResponseActionConfig{StatusCode: aws.String("404")}}}}))
	if code, _ := httpGet(t, s.base+"/x"); code != 404 {
		t.Errorf("GET /x after ModifyListener: %d; want 404", code)
	}
}

// teardown deletes the load balancer, whose port closes; the deleted waiter sees
// LoadBalancerNotFound.
func (s *sdkScenario) teardown() {
	t, ctx, ec := s.t, s.ctx, s.ec
	need(ec.DeleteLoadBalancer(ctx, &elb.DeleteLoadBalancerInput{LoadBalancerArn: s.lb.LoadBalancerArn}))
	deleted := elb.NewLoadBalancersDeletedWaiter(ec, func(o *elb.LoadBalancersDeletedWaiterOptions) { o.MinDelay = 10 * time.Millisecond })
	if err := deleted.Wait(ctx, &elb.DescribeLoadBalancersInput{LoadBalancerArns: []string{aws.ToString(s.lb.LoadBalancerArn)}}, 10*time.Second); err != nil {
		t.Errorf("load-balancers-deleted waiter: %v", err)
	}
	eventually(t, "listener port closes after DeleteLoadBalancer", func() error {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.port), time.Second)
		if err == nil {
			c.Close()
			return errors.New("port still open")
		}
		return nil
	})
	need(ec.DeleteTargetGroup(ctx, &elb.DeleteTargetGroupInput{TargetGroupArn: s.web.TargetGroupArn}))
}

// createPyFunction creates a Python function from a zip and waits until it is active.
func createPyFunction(t *testing.T, lc *lambda.Client, name, version string) string {
	t.Helper()
	ctx := context.Background()
	out := need(lc.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String(name),
		Runtime: lambdatypes.RuntimePython312, Handler: aws.String("app.handler"), Role: aws.String("arn:aws:iam::000000000000:role/x"),
		Code: &lambdatypes.FunctionCode{ZipFile: zipOf(t, map[string]string{"app.py": pyFunction(version)})}}))
	w := lambda.NewFunctionActiveV2Waiter(lc, func(o *lambda.FunctionActiveV2WaiterOptions) { o.MinDelay = 10 * time.Millisecond })
	if err := w.Wait(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)}, 10*time.Second); err != nil {
		t.Fatalf("function-active-v2 waiter: %v", err)
	}
	return aws.ToString(out.FunctionArn)
}

// checkTypedErrors: every refusal reaches the SDK as its modelled error type (A.4, C.4).
func checkTypedErrors(t *testing.T, ec *elb.Client, lc *lambda.Client, listenerARN, tgARN *string) {
	ctx := context.Background()
	_, err := ec.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{Names: []string{"nope"}})
	var lbNF *elbtypes.LoadBalancerNotFoundException
	if !errors.As(err, &lbNF) {
		t.Errorf("DescribeLoadBalancers(nope): %v; want LoadBalancerNotFoundException", err)
	}
	_, err = ec.CreateRule(ctx, &elb.CreateRuleInput{ListenerArn: listenerARN, Priority: aws.Int32(5),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/dup"}}},
		Actions:    []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: tgARN}}})
	var inUse *elbtypes.PriorityInUseException
	if !errors.As(err, &inUse) {
		t.Errorf("CreateRule with a used priority: %v; want PriorityInUseException", err)
	}
	_, err = ec.DeleteTargetGroup(ctx, &elb.DeleteTargetGroupInput{TargetGroupArn: tgARN})
	var busy *elbtypes.ResourceInUseException
	if !errors.As(err, &busy) {
		t.Errorf("DeleteTargetGroup in use: %v; want ResourceInUseException", err)
	}
	file := need(ec.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{Names: []string{"from-file"}})).TargetGroups[0]
	_, err = ec.ModifyTargetGroupAttributes(ctx, &elb.ModifyTargetGroupAttributesInput{TargetGroupArn: file.TargetGroupArn,
		Attributes: []elbtypes.TargetGroupAttribute{{Key: aws.String("deregistration_delay.timeout_seconds"), Value: aws.String("1")}}})
	// OperationNotPermitted is not modelled for this action, so the SDK gives a generic API error.
	var refused smithy.APIError
	if !errors.As(err, &refused) || refused.ErrorCode() != "OperationNotPermitted" || !strings.Contains(refused.ErrorMessage(), "configuration file") {
		t.Errorf("changing a file-defined target group: %v; want OperationNotPermitted naming the configuration file", err)
	}
	tags := need(ec.DescribeTags(ctx, &elb.DescribeTagsInput{ResourceArns: []string{aws.ToString(file.TargetGroupArn)}}))
	if tg := tags.TagDescriptions[0].Tags; len(tg) != 1 || aws.ToString(tg[0].Key) != "albatross:source" || aws.ToString(tg[0].Value) != "file" {
		t.Errorf("DescribeTags of a file-defined target group: %+v; want albatross:source=file", tg)
	}
	_, err = lc.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("nope")})
	var fnNF *lambdatypes.ResourceNotFoundException
	if !errors.As(err, &fnNF) {
		t.Errorf("GetFunction(nope): %v; want ResourceNotFoundException", err)
	}
}

// checkTargetHealth: registered HTTP targets are healthy; a Lambda target with health checks off
// is unavailable/Target.HealthCheckDisabled (HC-04).
func checkTargetHealth(t *testing.T, ec *elb.Client, webARN, fnARN *string, port int) {
	ctx := context.Background()
	eventually(t, "both web targets healthy", func() error {
		web := need(ec.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: webARN})).TargetHealthDescriptions
		if len(web) != 2 || web[0].TargetHealth.State != elbtypes.TargetHealthStateEnumHealthy ||
			web[1].TargetHealth.State != elbtypes.TargetHealthStateEnumHealthy || aws.ToInt32(web[0].Target.Port) != int32(port) {
			return fmt.Errorf("DescribeTargetHealth(web): %+v", web)
		}
		return nil
	})
	fn := need(ec.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: fnARN})).TargetHealthDescriptions
	if len(fn) != 1 || fn[0].TargetHealth.State != elbtypes.TargetHealthStateEnumUnavailable ||
		fn[0].TargetHealth.Reason != elbtypes.TargetHealthReasonEnumHealthCheckDisabled {
		t.Errorf("DescribeTargetHealth(fn): %+v; want unavailable / Target.HealthCheckDisabled", fn)
	}
}

// checkPaging walks DescribeTargetGroups one item per page with the SDK's paginator (A.8).
func checkPaging(t *testing.T, ec *elb.Client) {
	p := elb.NewDescribeTargetGroupsPaginator(ec, &elb.DescribeTargetGroupsInput{PageSize: aws.Int32(1)})
	var names []string
	for p.HasMorePages() {
		page := need(p.NextPage(context.Background()))
		if len(page.TargetGroups) != 1 {
			t.Fatalf("page of %d target groups; want 1", len(page.TargetGroups))
		}
		names = append(names, aws.ToString(page.TargetGroups[0].TargetGroupName))
	}
	if strings.Join(names, ",") != "from-file,web,fn" {
		t.Errorf("paged target groups: %v; want from-file,web,fn", names)
	}
}

// checkInvoke: RequestResponse with the log tail, function errors, DryRun and Event (C.2, C.3).
func checkInvoke(t *testing.T, lc *lambda.Client) {
	ctx := context.Background()
	out := need(lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("api-fn"), Payload: []byte(`{"a":1}`), LogType: lambdatypes.LogTypeTail}))
	logs, _ := base64.StdEncoding.DecodeString(aws.ToString(out.LogResult))
	if out.StatusCode != 200 || !strings.Contains(string(out.Payload), `"echo": {"a": 1}`) || !strings.Contains(string(logs), "handling") ||
		aws.ToString(out.ExecutedVersion) != "$LATEST" {
		t.Errorf("Invoke: status %d payload %s version %q log %q", out.StatusCode, out.Payload, aws.ToString(out.ExecutedVersion), logs)
	}
	failed := need(lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("arn:aws:lambda:us-east-1:000000000000:function:api-fn"), Payload: []byte(`{"fail":true}`)}))
	if aws.ToString(failed.FunctionError) != "Unhandled" || !strings.Contains(string(failed.Payload), "asked to fail") {
		t.Errorf("Invoke of a failing function: error %q payload %s; want Unhandled and the error document", aws.ToString(failed.FunctionError), failed.Payload)
	}
	dry := need(lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("api-fn"), InvocationType: lambdatypes.InvocationTypeDryRun}))
	event := need(lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("api-fn"), InvocationType: lambdatypes.InvocationTypeEvent, Payload: []byte(`{}`)}))
	if dry.StatusCode != 204 || event.StatusCode != 202 {
		t.Errorf("DryRun status %d, Event status %d; want 204, 202", dry.StatusCode, event.StatusCode)
	}
	_, err := lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("api-fn"), Payload: []byte(`not json`)})
	var bad *lambdatypes.InvalidRequestContentException
	if !errors.As(err, &bad) {
		t.Errorf("Invoke with a non-JSON payload: %v; want InvalidRequestContentException", err)
	}
}
