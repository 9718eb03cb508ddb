package e2e

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/smithy-go"
)

// TestAPIStateSurvivesKill: resources made through the API persist in --data-dir and come back
// after a kill -9, listeners open again and functions run their latest code: what the API
// accepted is never lost.
func TestAPIStateSurvivesKill(t *testing.T) {
	t.Parallel()
	defer rescue(t)
	api := startWithAPI(t, "", "")
	ctx := context.Background()
	ec, lc := api.elbClient("test", "test"), api.lambdaClient("test", "test")
	fnARN := createPyFunction(t, lc, "keep", "v1")
	tg := need(ec.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String("keep"), TargetType: elbtypes.TargetTypeEnumLambda})).TargetGroups[0]
	need(ec.RegisterTargets(ctx, &elb.RegisterTargetsInput{TargetGroupArn: tg.TargetGroupArn, Targets: []elbtypes.TargetDescription{{Id: aws.String(fnARN)}}}))
	lb := need(ec.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{Name: aws.String("keep"), Scheme: elbtypes.LoadBalancerSchemeEnumInternal})).LoadBalancers[0]
	port := freePort(t)
	l := need(ec.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancerArn, Port: aws.Int32(int32(port)),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: tg.TargetGroupArn}}})).Listeners[0]
	// UpdateFunctionCode from a zip: the next request runs the new code.
	need(lc.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("keep"),
		ZipFile: zipOf(t, map[string]string{"app.py": pyFunction("v2")})}))
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	if code, body := httpGet(t, base+"/a"); code != 200 || !strings.Contains(body, `"fn": "v2"`) {
		t.Fatalf("after UpdateFunctionCode: %d %s; want the v2 code's answer", code, body)
	}

	api.kill()
	again := startWithAPI(t, "", api.dataDir)
	again.waitPort(port)
	ec = again.elbClient("test", "test")
	if code, body := httpGet(t, base+"/b"); code != 200 || !strings.Contains(body, `"fn": "v2"`) {
		t.Fatalf("after restart: %d %s; want the v2 function behind the restored listener", code, body)
	}
	ls := need(ec.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: lb.LoadBalancerArn})).Listeners
	if len(ls) != 1 || aws.ToString(ls[0].ListenerArn) != aws.ToString(l.ListenerArn) {
		t.Errorf("listeners after restart: %+v; want the same listener ARN %s", ls, aws.ToString(l.ListenerArn))
	}
}

// TestAPIFileResources: the file's resources are visible through the API, a reload re-merges
// with the API's, and a name the API already uses is refused in the file: each resource has one
// source of truth.
func TestAPIFileResources(t *testing.T) {
	t.Parallel()
	defer rescue(t)
	api := startWithAPI(t, fileOwnedConfig, "")
	ctx := context.Background()
	ec := api.elbClient("test", "test")
	need(ec.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String("from-api"), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(80), VpcId: aws.String("vpc-1")}))
	_, err := ec.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String("from-file"), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(80), VpcId: aws.String("vpc-1")})
	var dup *elbtypes.DuplicateTargetGroupNameException
	if !errors.As(err, &dup) {
		t.Errorf("creating a target group named like a file one: %v; want DuplicateTargetGroupName", err)
	}
	api.rewrite(fileOwnedConfig + "  - {name: second-file, target_type: instance, port: 10}\n")
	api.waitLog("configuration reloaded", 1)
	names := map[string]bool{}
	for _, tg := range need(ec.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{})).TargetGroups {
		names[aws.ToString(tg.TargetGroupName)] = true
	}
	if !names["from-file"] || !names["second-file"] || !names["from-api"] {
		t.Errorf("target groups after reload: %v; want the file's two and the API's one", names)
	}
	api.rewrite(fileOwnedConfig + "  - {name: from-api, target_type: instance, port: 10}\n")
	api.waitLog("configuration rejected", 1)
	_, err = ec.DeleteTargetGroup(ctx, &elb.DeleteTargetGroupInput{TargetGroupArn: aws.String(
		"arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/second-file/x")})
	if err != nil {
		t.Errorf("DeleteTargetGroup of an unknown ARN: %v; want success (no NotFound is modelled)", err)
	}
}

// TestAPISignatures: with --api-credentials, requests signed with them pass and others get 403
// in the AWS error shape, so that clients report the refusal as AWS would.
func TestAPISignatures(t *testing.T) {
	t.Parallel()
	api := startWithAPI(t, "", "", "--api-credentials", "AKIDALBATROSS:s3cret")
	ctx := context.Background()
	if _, err := api.elbClient("AKIDALBATROSS", "s3cret").DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{}); err != nil {
		t.Fatalf("signed with the right secret: %v", err)
	}
	var apiErr smithy.APIError
	_, err := api.elbClient("AKIDALBATROSS", "wrong").DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{})
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "SignatureDoesNotMatch" {
		t.Errorf("ELBv2 signed with a wrong secret: %v; want SignatureDoesNotMatch", err)
	}
	_, err = api.lambdaClient("OTHER", "s3cret").ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidClientTokenId" {
		t.Errorf("Lambda with an unknown key: %v; want InvalidClientTokenId", err)
	}
	resp, _ := do(t, client(), newRequest(t, "GET", api.apiURL+"/healthz", nil))
	if resp.StatusCode != 200 {
		t.Errorf("/healthz without a signature: %d; want 200", resp.StatusCode)
	}
}

// TestAPIRefusesRemoteWithoutCredentials: a non-loopback API address needs credentials or an
// explicit override: an unsigned API must not be reachable from the network by accident.
func TestAPIRefusesRemoteWithoutCredentials(t *testing.T) {
	t.Parallel()
	out, err := execCombined(binary, "serve", "--api-addr", "0.0.0.0:0", "--data-dir", t.TempDir())
	if exitCode(err) == 0 || !strings.Contains(out, "--api-credentials") {
		t.Errorf("serve --api-addr 0.0.0.0:0: exit %d, output %q; want a refusal naming --api-credentials", exitCode(err), out)
	}
}
