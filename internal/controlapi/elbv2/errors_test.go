package elbv2

import (
	"regexp"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
)

var codeRe = regexp.MustCompile(`<Code>([^<]*)</Code>`)

// setupErrors builds: TG web (instance), TG fn (lambda), LB demo with a listener on 8080
// forwarding to web and one rule (priority 10); plus a file-defined target group and load
// balancer.
func setupErrors(t *testing.T) *testAPI {
	t.Helper()
	file := &config.Config{
		TargetGroups: []config.TargetGroup{{Name: "file-tg", Port: 80, Targets: []config.Target{{ID: "10.0.0.1"}}},
			{Name: "file-fn", TargetType: config.TargetTypeLambda, Targets: []config.Target{{ID: "f"}}}},
		LoadBalancers: []config.LoadBalancer{{Name: "file-lb"}},
		Functions:     []config.Function{{FunctionName: "f", Runtime: "provided.al2023", Code: "/nonexistent"}},
	}
	api := newTestAPI(t, file)
	for _, step := range goldenScenario[:11] {
		if status, body := api.call(step.action, step.pairs...); status != 200 {
			t.Fatalf("setup %s: %d %s", step.action, status, body)
		}
	}
	return api
}

// TestErrorCodes: each refusal has the model's code (not the shape name) and status (A.4).
func TestErrorCodes(t *testing.T) {
	api := setupErrors(t)
	l, r10 := listenerARN0(1), ruleARN0(1, 3)
	fileTG := testIdentity.TargetGroupARN("file-tg")
	testCases := []struct {
		desc, action string
		pairs        []string
		status       int
		code         string
	}{
		{"unknown action", "DescribeNothing", nil, 400, "InvalidAction"},
		{"unknown load balancer name", "DescribeLoadBalancers", []string{"Names.member.1=nope"}, 400, "LoadBalancerNotFound"},
		{"unknown load balancer ARN", "DescribeLoadBalancerAttributes", []string{"LoadBalancerArn=" + lbARN0("nope")}, 400, "LoadBalancerNotFound"},
		{"duplicate load balancer", "CreateLoadBalancer", []string{"Name=demo"}, 400, "DuplicateLoadBalancerName"},
		{"load balancer named like a file one", "CreateLoadBalancer", []string{"Name=file-lb"}, 400, "DuplicateLoadBalancerName"},
		{"invalid load balancer name", "CreateLoadBalancer", []string{"Name=-bad-"}, 400, "ValidationError"},
		{"network load balancer", "CreateLoadBalancer", []string{"Name=nlb", "Type=network"}, 400, "ValidationError"},
		{"missing name", "CreateTargetGroup", nil, 400, "ValidationError"},
		{"duplicate target group", "CreateTargetGroup", []string{"Name=web", "Port=1", "Protocol=HTTP", "VpcId=v"}, 400, "DuplicateTargetGroupName"},
		{"lambda target group with a port", "CreateTargetGroup", []string{"Name=x", "TargetType=lambda", "Port=80"}, 400, "ValidationError"},
		{"instance target group without a port", "CreateTargetGroup", []string{"Name=x", "TargetType=instance"}, 400, "ValidationError"},
		{"unknown target group", "DescribeTargetGroups", []string{"TargetGroupArns.member.1=" + tgARN0("nope")}, 400, "TargetGroupNotFound"},
		{"page size too large", "DescribeTargetGroups", []string{"PageSize=401"}, 400, "ValidationError"},
		{"bad marker", "DescribeTargetGroups", []string{"Marker=zzz"}, 400, "ValidationError"},
		{"target group in use", "DeleteTargetGroup", []string{"TargetGroupArn=" + tgARN0("web")}, 400, "ResourceInUse"},
		{"deregister a target the file lists", "DeregisterTargets", []string{"TargetGroupArn=" + fileTG, "Targets.member.1.Id=10.0.0.1"}, 400, "OperationNotPermitted"},
		{"deregister from a file group a target never registered", "DeregisterTargets", []string{"TargetGroupArn=" + fileTG, "Targets.member.1.Id=10.0.0.9"}, 400, "InvalidTarget"},
		{"register on a file lambda group", "RegisterTargets", []string{"TargetGroupArn=" + testIdentity.TargetGroupARN("file-fn"), "Targets.member.1.Id=g"}, 400, "OperationNotPermitted"},
		{"register an invalid target on a file group", "RegisterTargets", []string{"TargetGroupArn=" + fileTG, "Targets.member.1.Id=not an address"}, 400, "ValidationError"},
		{"delete file target group", "DeleteTargetGroup", []string{"TargetGroupArn=" + fileTG}, 400, "OperationNotPermitted"},
		{"deregister unknown target", "DeregisterTargets", []string{"TargetGroupArn=" + tgARN0("web"), "Targets.member.1.Id=10.0.0.9"}, 400, "InvalidTarget"},
		{"second function in a lambda group", "RegisterTargets", []string{"TargetGroupArn=" + tgARN0("fn"), "Targets.member.1.Id=other"}, 400, "ValidationError"},
		{"unknown attribute", "ModifyTargetGroupAttributes", []string{"TargetGroupArn=" + tgARN0("web"), "Attributes.member.1.Key=nope", "Attributes.member.1.Value=1"}, 400, "ValidationError"},
		{"duplicate listener port", "CreateListener", []string{"LoadBalancerArn=" + lbARN0("demo"), "Port=8080",
			"DefaultActions.member.1.Type=fixed-response", "DefaultActions.member.1.FixedResponseConfig.StatusCode=200"}, 400, "DuplicateListener"},
		{"listener on an unknown load balancer", "CreateListener", []string{"LoadBalancerArn=" + lbARN0("nope"), "Port=1",
			"DefaultActions.member.1.Type=fixed-response", "DefaultActions.member.1.FixedResponseConfig.StatusCode=200"}, 400, "LoadBalancerNotFound"},
		{"listener on a file load balancer", "CreateListener", []string{"LoadBalancerArn=" + testIdentity.LoadBalancerARN("file-lb"), "Port=1",
			"DefaultActions.member.1.Type=fixed-response", "DefaultActions.member.1.FixedResponseConfig.StatusCode=200"}, 400, "OperationNotPermitted"},
		{"HTTPS listener without a certificate", "CreateListener", []string{"LoadBalancerArn=" + lbARN0("demo"), "Port=443", "Protocol=HTTPS",
			"DefaultActions.member.1.Type=fixed-response", "DefaultActions.member.1.FixedResponseConfig.StatusCode=200"}, 400, "ValidationError"},
		{"HTTPS listener with a certificate nobody provides", "CreateListener", []string{"LoadBalancerArn=" + lbARN0("demo"), "Port=443", "Protocol=HTTPS",
			"Certificates.member.1.CertificateArn=arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-0000-0000-000000000000",
			"DefaultActions.member.1.Type=fixed-response", "DefaultActions.member.1.FixedResponseConfig.StatusCode=200"}, 400, "CertificateNotFound"},
		{"HTTPS listener naming a file path instead of an ARN", "CreateListener", []string{"LoadBalancerArn=" + lbARN0("demo"), "Port=443", "Protocol=HTTPS",
			"Certificates.member.1.CertificateArn=/etc/ssl/private/server.key",
			"DefaultActions.member.1.Type=fixed-response", "DefaultActions.member.1.FixedResponseConfig.StatusCode=200"}, 400, "CertificateNotFound"},
		{"HTTPS listener with two certificates", "CreateListener", []string{"LoadBalancerArn=" + lbARN0("demo"), "Port=443", "Protocol=HTTPS",
			"Certificates.member.1.CertificateArn=a", "Certificates.member.2.CertificateArn=b",
			"DefaultActions.member.1.Type=fixed-response", "DefaultActions.member.1.FixedResponseConfig.StatusCode=200"}, 400, "ValidationError"},
		{"HTTP listener with a certificate", "CreateListener", []string{"LoadBalancerArn=" + lbARN0("demo"), "Port=444",
			"Certificates.member.1.CertificateArn=a",
			"DefaultActions.member.1.Type=fixed-response", "DefaultActions.member.1.FixedResponseConfig.StatusCode=200"}, 400, "ValidationError"},
		{"listener forwarding to an unknown group", "CreateListener", []string{"LoadBalancerArn=" + lbARN0("demo"), "Port=9",
			"DefaultActions.member.1.Type=forward", "DefaultActions.member.1.TargetGroupArn=" + tgARN0("nope")}, 400, "ValidationError"},
		{"unknown listener", "DescribeListeners", []string{"ListenerArns.member.1=" + l + "x"}, 400, "ListenerNotFound"},
		{"priority in use", "CreateRule", []string{"ListenerArn=" + l, "Priority=10", "Conditions.member.1.Field=path-pattern",
			"Conditions.member.1.Values.member.1=/x", "Actions.member.1.Type=fixed-response", "Actions.member.1.FixedResponseConfig.StatusCode=200"}, 400, "PriorityInUse"},
		{"rule with a bad condition", "CreateRule", []string{"ListenerArn=" + l, "Priority=11", "Conditions.member.1.Field=cookie",
			"Actions.member.1.Type=fixed-response", "Actions.member.1.FixedResponseConfig.StatusCode=200"}, 400, "ValidationError"},
		{"transform without rewrites (TRF-02)", "CreateRule", []string{"ListenerArn=" + l, "Priority=12", "Conditions.member.1.Field=path-pattern",
			"Conditions.member.1.Values.member.1=/t", "Actions.member.1.Type=fixed-response", "Actions.member.1.FixedResponseConfig.StatusCode=200",
			"Transforms.member.1.Type=url-rewrite"}, 400, "ValidationError"},
		{"two url-rewrite transforms (TRF-01)", "CreateRule", []string{"ListenerArn=" + l, "Priority=13", "Conditions.member.1.Field=path-pattern",
			"Conditions.member.1.Values.member.1=/t", "Actions.member.1.Type=fixed-response", "Actions.member.1.FixedResponseConfig.StatusCode=200",
			"Transforms.member.1.Type=url-rewrite", "Transforms.member.1.UrlRewriteConfig.Rewrites.member.1.Regex=^/t$", "Transforms.member.1.UrlRewriteConfig.Rewrites.member.1.Replace=/u",
			"Transforms.member.2.Type=url-rewrite", "Transforms.member.2.UrlRewriteConfig.Rewrites.member.1.Regex=^/t$", "Transforms.member.2.UrlRewriteConfig.Rewrites.member.1.Replace=/v"}, 400, "ValidationError"},
		{"regex on a method condition (RUL-15)", "CreateRule", []string{"ListenerArn=" + l, "Priority=14", "Conditions.member.1.Field=http-request-method",
			"Conditions.member.1.RegexValues.member.1=^G", "Actions.member.1.Type=fixed-response", "Actions.member.1.FixedResponseConfig.StatusCode=200"}, 400, "ValidationError"},
		{"invalid path regex (RUL-15)", "CreateRule", []string{"ListenerArn=" + l, "Priority=15", "Conditions.member.1.Field=path-pattern",
			"Conditions.member.1.PathPatternConfig.RegexValues.member.1=(", "Actions.member.1.Type=fixed-response", "Actions.member.1.FixedResponseConfig.StatusCode=200"}, 400, "ValidationError"},
		{"Transforms with ResetTransforms", "ModifyRule", []string{"RuleArn=" + r10, "ResetTransforms=true",
			"Transforms.member.1.Type=url-rewrite", "Transforms.member.1.UrlRewriteConfig.Rewrites.member.1.Regex=^/t$", "Transforms.member.1.UrlRewriteConfig.Rewrites.member.1.Replace=/u"}, 400, "ValidationError"},
		{"swap into a used priority", "SetRulePriorities", []string{"RulePriorities.member.1.RuleArn=" + r10, "RulePriorities.member.1.Priority=20"}, 400, "PriorityInUse"},
		{"default rule", "DeleteRule", []string{"RuleArn=" + ruleARN0(1, 2)}, 400, "OperationNotPermitted"},
		{"unknown rule", "ModifyRule", []string{"RuleArn=" + r10 + "0"}, 400, "RuleNotFound"},
		{"rules without a listener", "DescribeRules", nil, 400, "ValidationError"},
		{"duplicate tag keys", "AddTags", []string{"ResourceArns.member.1=" + lbARN0("demo"), "Tags.member.1.Key=a", "Tags.member.2.Key=a"}, 400, "DuplicateTagKeys"},
		{"tags of an unknown rule", "DescribeTags", []string{"ResourceArns.member.1=" + r10 + "0"}, 400, "RuleNotFound"},
		{"albatross rule tag with a bad value (docs/strangler.md)", "AddTags", []string{"ResourceArns.member.1=" + r10,
			"Tags.member.1.Key=albatross.shadow.percentage", "Tags.member.1.Value=200"}, 400, "ValidationError"},
		{"albatross rule tag without the key that turns it on", "AddTags", []string{"ResourceArns.member.1=" + r10,
			"Tags.member.1.Key=albatross.compare.body", "Tags.member.1.Value=json"}, 400, "ValidationError"},
		{"tag a file resource", "AddTags", []string{"ResourceArns.member.1=" + fileTG, "Tags.member.1.Key=a"}, 400, "OperationNotPermitted"},
		{"wrong version", "DescribeLoadBalancers", nil, 400, "InvalidParameterValue"},
		{"bad number", "CreateTargetGroup", []string{"Name=n", "Port=eighty"}, 400, "ValidationError"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			action := tc.action
			status, body := api.call(action, tc.pairs...)
			if tc.desc == "wrong version" {
				status, body = api.callVersion(action, "2012-06-01")
			}
			m := codeRe.FindStringSubmatch(body)
			if status != tc.status || m == nil || m[1] != tc.code {
				t.Errorf("%s: HTTP %d %s; want %d %s", action, status, body, tc.status, tc.code)
			}
		})
	}
}

// TestDeleteMissingIsNotAnError: deleting a load balancer or target group that does not exist
// succeeds (A.6 "Semantics").
func TestDeleteMissingIsNotAnError(t *testing.T) {
	api := newTestAPI(t, nil)
	for _, c := range [][2]string{{"DeleteLoadBalancer", "LoadBalancerArn=" + lbARN0("gone")}, {"DeleteTargetGroup", "TargetGroupArn=" + tgARN0("gone")}} {
		if status, body := api.call(c[0], c[1]); status != 200 {
			t.Errorf("%s of a missing resource: %d %s; want 200", c[0], status, body)
		}
	}
}

// TestCreateIsIdempotent: creating a load balancer, target group or listener again with the same
// settings succeeds and returns the existing resource; different settings are refused.
func TestCreateIsIdempotent(t *testing.T) {
	api := setupErrors(t)
	testCases := []struct {
		desc, action string
		pairs        []string
		status       int
	}{
		{"same target group", "CreateTargetGroup", goldenScenario[0].pairs, 200},
		{"same load balancer", "CreateLoadBalancer", []string{"Name=demo", "Scheme=internal"}, 200},
		{"load balancer with another scheme", "CreateLoadBalancer", []string{"Name=demo"}, 400},
		{"same listener", "CreateListener", goldenScenario[8].pairs, 200},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			status, body := api.call(tc.action, tc.pairs...)
			if status != tc.status {
				t.Fatalf("HTTP %d %s; want %d", status, body, tc.status)
			}
			if tc.status == 200 && !strings.Contains(body, "arn:aws:elasticloadbalancing") {
				t.Errorf("no resource returned: %s", body)
			}
		})
	}
	if _, body := api.call("DescribeListeners", "LoadBalancerArn="+lbARN0("demo")); strings.Count(body, "<ListenerArn>") != 1 {
		t.Errorf("listeners after the repeated CreateListener: %s; want still one", body)
	}
}
