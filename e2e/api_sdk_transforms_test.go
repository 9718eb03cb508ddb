package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// TestAPISDKRuleTransforms: a rule created through aws-sdk-go-v2 with a regex path condition
// (RUL-15) and a url-rewrite transform (TRF-01, TRF-02) routes and rewrites on the next request;
// DescribeRules returns both shapes as sent; ModifyRule with ResetTransforms removes the
// rewrite and keeps the condition.
func TestAPISDKRuleTransforms(t *testing.T) {
	t.Parallel()
	defer rescue(t)
	api := startWithAPI(t, "", "")
	ctx, ec := context.Background(), api.elbClient("test", "test")
	b := startBackend(t, "b1", nil)
	tg := need(ec.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String("web"), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(int32(b.port)), VpcId: aws.String("vpc-1"), TargetType: elbtypes.TargetTypeEnumInstance})).TargetGroups[0]
	need(ec.RegisterTargets(ctx, &elb.RegisterTargetsInput{TargetGroupArn: tg.TargetGroupArn,
		Targets: []elbtypes.TargetDescription{{Id: aws.String("127.0.0.1"), Port: aws.Int32(int32(b.port))}}}))
	lb := need(ec.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{Name: aws.String("rw")})).LoadBalancers[0]
	port := freePort(t)
	l := need(ec.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(int32(port)), DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumFixedResponse,
			FixedResponseConfig: &elbtypes.FixedResponseActionConfig{StatusCode: aws.String("404")}}}})).Listeners[0]
	rule := need(ec.CreateRule(ctx, &elb.CreateRuleInput{ListenerArn: l.ListenerArn, Priority: aws.Int32(10),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"),
			PathPatternConfig: &elbtypes.PathPatternConditionConfig{RegexValues: []string{"^/api/v[0-9]+/"}}}},
		Actions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: tg.TargetGroupArn}},
		Transforms: []elbtypes.RuleTransform{{Type: elbtypes.TransformTypeEnumUrlRewrite, UrlRewriteConfig: &elbtypes.UrlRewriteConfig{
			Rewrites: []elbtypes.RewriteConfig{{Regex: aws.String("^/api/v[0-9]+/(.*)$"), Replace: aws.String("/$1")}}}}}})).Rules[0]
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	if uri := backendURI(t, base+"/api/v2/items"); uri != "/items" {
		t.Errorf("backend saw %q; want /items (url-rewrite applied)", uri)
	}
	if code, _ := httpGet(t, base+"/other"); code != 404 {
		t.Errorf("GET /other: %d; want the default rule's 404 (regex condition not matched)", code)
	}
	got := need(ec.DescribeRules(ctx, &elb.DescribeRulesInput{RuleArns: []string{aws.ToString(rule.RuleArn)}})).Rules[0]
	if len(got.Transforms) != 1 || got.Transforms[0].Type != elbtypes.TransformTypeEnumUrlRewrite ||
		aws.ToString(got.Transforms[0].UrlRewriteConfig.Rewrites[0].Replace) != "/$1" {
		t.Errorf("DescribeRules transforms: %+v; want the url-rewrite as created", got.Transforms)
	}
	if c := got.Conditions; len(c) != 1 || c[0].PathPatternConfig == nil || len(c[0].PathPatternConfig.RegexValues) != 1 {
		t.Errorf("DescribeRules conditions: %+v; want the path regex as created", c)
	}
	need(ec.ModifyRule(ctx, &elb.ModifyRuleInput{RuleArn: rule.RuleArn, ResetTransforms: aws.Bool(true)}))
	if uri := backendURI(t, base+"/api/v2/items"); uri != "/api/v2/items" {
		t.Errorf("after ResetTransforms the backend saw %q; want /api/v2/items", uri)
	}
}

// backendURI fetches url through the load balancer and returns the request target the backend
// saw.
func backendURI(t *testing.T, url string) string {
	t.Helper()
	code, body := httpGet(t, url)
	if code != 200 {
		t.Fatalf("GET %s: %d %s", url, code, body)
	}
	var s seen
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatalf("backend answer %q: %v", body, err)
	}
	return s.URI
}
