package e2e

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
)

// clusterNode is one albatross node of the cluster test, bound to its own loopback address.
type clusterNode struct {
	*apiInstance
	ip string
	ec *elb.Client
}

// TestClusterThreeNodes runs three real nodes sharing one real etcd (docs/cluster.md): a change
// made through one node's API routes on the others; a function uploaded to one runs on the
// others; a gated shift advanced through one node moves the share on all; a stickiness cookie
// one node set is honoured by another; concurrent changes through two nodes are both kept; with
// a node killed and etcd stopped the others keep serving, writes answer 503 and /healthz says
// degraded; the killed node restarts while etcd is away and serves its copies of the state and
// of the shift; when etcd comes back no acknowledged write is lost.
func TestClusterThreeNodes(t *testing.T) {
	t.Parallel()
	defer rescue(t)
	etcd := startEtcd(t)
	store := etcd.endpoint("e2e")
	startNode := func(i int, dataDir string) *clusterNode {
		ip := fmt.Sprintf("127.0.0.%d", i)
		api := startWithAPI(t, "", dataDir, "--store", store, "--node-name", fmt.Sprintf("node%d", i), "--bind-address", ip)
		// No retries: a 503 must be seen as the answer it is.
		cfg := sdkConfig("test", "test")
		// A connection per call: aws-sdk-go-v2 sometimes reads a kept-alive connection its own
		// write loop closed (aws/aws-sdk-go-v2 issue 2737), which a test must not mistake for
		// the node's answer.
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
		ec := elb.NewFromConfig(cfg, func(o *elb.Options) {
			o.BaseEndpoint = aws.String(api.apiURL)
			o.Retryer = aws.NopRetryer{}
		})
		return &clusterNode{apiInstance: api, ip: ip, ec: ec}
	}
	nodes := []*clusterNode{startNode(1, ""), startNode(2, ""), startNode(3, "")}
	ctx := context.Background()
	b1, b2 := startBackend(t, "b1", nil), startBackend(t, "b2", nil)
	port := freePort(t)
	acknowledged := []string{"web"}

	// Made on node 1 ...
	ec := nodes[0].ec
	web := need(ec.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String("web"),
		Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(int32(b1.port)), VpcId: aws.String("vpc-1"),
		TargetType: elbtypes.TargetTypeEnumInstance})).TargetGroups[0]
	need(ec.RegisterTargets(ctx, &elb.RegisterTargetsInput{TargetGroupArn: web.TargetGroupArn, Targets: []elbtypes.TargetDescription{
		{Id: aws.String("127.0.0.1"), Port: aws.Int32(int32(b1.port))}, {Id: aws.String("127.0.0.1"), Port: aws.Int32(int32(b2.port))}}}))
	need(ec.ModifyTargetGroupAttributes(ctx, &elb.ModifyTargetGroupAttributesInput{TargetGroupArn: web.TargetGroupArn,
		Attributes: []elbtypes.TargetGroupAttribute{{Key: aws.String("stickiness.enabled"), Value: aws.String("true")},
			{Key: aws.String("stickiness.type"), Value: aws.String("lb_cookie")}}}))
	lb := need(ec.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{Name: aws.String("shared")})).LoadBalancers[0]
	listener := need(ec.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(int32(port)), DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: web.TargetGroupArn}}})).Listeners[0]
	// A function uploaded to node 1 runs on the others: they fetch its code from etcd.
	lc := nodes[0].lambdaClient("test", "test")
	need(lc.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("shared-fn"),
		Runtime: lambdatypes.RuntimePython312, Handler: aws.String("app.handler"), Role: aws.String("arn:aws:iam::000000000000:role/x"),
		Code: &lambdatypes.FunctionCode{ZipFile: zipOf(t, map[string]string{"app.py": pyFunction("uploaded-to-node1")})}}))
	fnTG := need(ec.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String("fn"), TargetType: elbtypes.TargetTypeEnumLambda})).TargetGroups[0]
	need(ec.RegisterTargets(ctx, &elb.RegisterTargetsInput{TargetGroupArn: fnTG.TargetGroupArn,
		Targets: []elbtypes.TargetDescription{{Id: aws.String("shared-fn")}}}))
	need(ec.CreateRule(ctx, &elb.CreateRuleInput{ListenerArn: listener.ListenerArn, Priority: aws.Int32(10),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/fn/*"}}},
		Actions:    []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: fnTG.TargetGroupArn}}}))
	acknowledged = append(acknowledged, "fn")

	// ... routes on every node, each on its own address.
	c := client()
	url := func(n *clusterNode) string { return fmt.Sprintf("http://%s:%d/", n.ip, port) }
	for _, n := range nodes {
		eventually(t, "routing on "+n.ip, func() error {
			code, _, _, err := getFrom(c, url(n))
			if err == nil && code != http.StatusOK {
				err = fmt.Errorf("status %d", code)
			}
			return err
		})
	}

	for _, n := range nodes[1:] {
		eventually(t, "the uploaded function on "+n.ip, func() error {
			code, body, err := readBody(fmt.Sprintf("http://%s:%d/fn/x", n.ip, port))
			if err == nil && (code != http.StatusOK || !strings.Contains(body, "uploaded-to-node1")) {
				err = fmt.Errorf("%d %s", code, body)
			}
			return err
		})
	}

	// A gated shift made through node 1 is driven by one node and followed by all: advanced
	// through node 1, every node sends the rule's requests to the new group.
	monolith := need(ec.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String("monolith"),
		Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(int32(b1.port)), VpcId: aws.String("vpc-1"),
		TargetType: elbtypes.TargetTypeEnumInstance})).TargetGroups[0]
	need(ec.RegisterTargets(ctx, &elb.RegisterTargetsInput{TargetGroupArn: monolith.TargetGroupArn,
		Targets: []elbtypes.TargetDescription{{Id: aws.String("127.0.0.1"), Port: aws.Int32(int32(b1.port))}}}))
	need(ec.CreateRule(ctx, &elb.CreateRuleInput{ListenerArn: listener.ListenerArn, Priority: aws.Int32(20),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/shift/*"}}},
		Actions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{
			TargetGroups: []elbtypes.TargetGroupTuple{{TargetGroupArn: monolith.TargetGroupArn, Weight: aws.Int32(100)},
				{TargetGroupArn: fnTG.TargetGroupArn, Weight: aws.Int32(0)}}}}},
		Tags: []elbtypes.Tag{{Key: aws.String("albatross.shift.target_group"), Value: aws.String("fn")},
			{Key: aws.String("albatross.shift.steps"), Value: aws.String("0,100")},
			{Key: aws.String("albatross.shift.interval_seconds"), Value: aws.String("86400")}}}))
	acknowledged = append(acknowledged, "monolith")
	shiftRule := fmt.Sprintf("shared/%d/20", port)
	shiftCommand := func(n *clusterNode, args ...string) (string, error) {
		return execCombined(binary, append([]string{"shift", "--api-addr", fmt.Sprintf("127.0.0.1:%d", n.apiPort), "--rule", shiftRule}, args...)...)
	}
	eventually(t, "the shift on node 1", func() error {
		out, err := shiftCommand(nodes[0])
		if err == nil && !strings.Contains(out, "running at 0%") {
			err = errors.New(out)
		}
		return err
	})
	if out, err := shiftCommand(nodes[0], "advance"); err != nil || !strings.Contains(out, "done at 100%") {
		t.Fatalf("advance through node 1: %v\n%s", err, out)
	}
	routesToTheNewGroup := func(n *clusterNode) func() error {
		return func() error {
			code, body, err := readBody(fmt.Sprintf("http://%s:%d/shift/x", n.ip, port))
			if err == nil && (code != http.StatusOK || !strings.Contains(body, "uploaded-to-node1")) {
				err = fmt.Errorf("%d %s; want the function's answer", code, body)
			}
			return err
		}
	}
	for _, n := range nodes[1:] {
		eventually(t, "the shifted share on "+n.ip, routesToTheNewGroup(n))
	}

	// Metrics are each node's own, labelled with it.
	resp, err := c.Get(nodes[1].apiURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("X-Albatross-Node") != "node2" || !regexp.MustCompile(`(?m)^alb_request_count_total\{[^}]*\bnode="node2"`).Match(metrics) {
		t.Errorf("node 2's /metrics (X-Albatross-Node %q) lacks its node label:\n%s", resp.Header.Get("X-Albatross-Node"), metrics)
	}

	// Without a cookie node 2 spreads requests over both targets; with node 1's cookie, every
	// node sends them to the target node 1 chose.
	eventually(t, "node 2 uses both targets", func() error {
		seen := map[string]bool{}
		for range 6 {
			_, backend, _, err := getFrom(c, url(nodes[1]))
			if err != nil {
				return err
			}
			seen[backend] = true
		}
		if !seen["b1"] || !seen["b2"] {
			return fmt.Errorf("saw %v", seen)
		}
		return nil
	})
	_, first, resp, err := getFrom(c, url(nodes[0]))
	if err != nil {
		t.Fatal(err)
	}
	cookies := resp.Cookies()
	if !slices.ContainsFunc(cookies, func(ck *http.Cookie) bool { return ck.Name == "AWSALB" }) {
		t.Fatalf("node 1 set no AWSALB cookie: %v", cookies)
	}
	for _, n := range nodes[1:] {
		for range 4 {
			code, backend, _, err := getFrom(c, url(n), cookies...)
			if err != nil || code != http.StatusOK || backend != first {
				t.Fatalf("%s with node 1's cookie: %d %q %v; want target %s", n.ip, code, backend, err, first)
			}
		}
	}

	// Concurrent changes through nodes 2 and 3 are all kept.
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i := range 8 {
		n := nodes[1+i%2]
		name := fmt.Sprintf("tg-%s-%d", strings.ReplaceAll(n.ip, ".", "-"), i)
		wg.Go(func() {
			_, err := n.ec.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String(name),
				Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80), VpcId: aws.String("vpc-1")})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("CreateTargetGroup %s on %s: %v", name, n.ip, err)
				return
			}
			acknowledged = append(acknowledged, name)
		})
	}
	wg.Wait()
	for _, n := range nodes {
		waitTargetGroups(t, n, acknowledged)
	}

	// Node 3 dies; etcd stops. Nodes 1 and 2 keep routing with what they have, refuse writes
	// with 503 and say they are degraded.
	nodes[2].kill()
	etcd.stop()
	for _, n := range nodes[:2] {
		if code, _, _, err := getFrom(c, url(n)); err != nil || code != http.StatusOK {
			t.Fatalf("%s while etcd is down: %d %v; want 200", n.ip, code, err)
		}
	}
	_, err = ec.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String("during-outage"),
		Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80), VpcId: aws.String("vpc-1")})
	var apiErr smithy.APIError
	var httpErr *awshttp.ResponseError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ServiceUnavailable" || !errors.As(err, &httpErr) || httpErr.HTTPStatusCode() != http.StatusServiceUnavailable {
		t.Fatalf("a write while etcd is down: %v; want 503 ServiceUnavailable", err)
	}
	if _, body, err := readBody(nodes[0].apiURL + "/healthz"); err != nil || !strings.HasPrefix(body, "degraded") {
		t.Fatalf("/healthz while etcd is down: %q %v; want degraded", body, err)
	}
	if _, body, err := readBody(nodes[0].apiURL + "/dashboard/"); err != nil || body == "" {
		t.Fatalf("the dashboard while etcd is down: %v", err)
	}

	// Node 3 comes back while etcd is still away: it serves the copy of the state it kept, and
	// honours node 1's cookie with the copy of the cluster's key.
	nodes[2] = startNode(3, nodes[2].dataDir)
	waitTargetGroups(t, nodes[2], acknowledged)
	routesWithCookie := func() error {
		code, backend, _, err := getFrom(c, url(nodes[2]), cookies...)
		if err == nil && (code != http.StatusOK || backend != first) {
			err = fmt.Errorf("status %d from %q; want 200 from %s (node 1's cookie)", code, backend, first)
		}
		return err
	}
	eventually(t, "routing on node 3 restarted while etcd is away", routesWithCookie)
	// and goes on with the shift from its copy of the state, not from step 0.
	eventually(t, "the shifted share on node 3 restarted while etcd is away", routesToTheNewGroup(nodes[2]))

	// etcd returns: writes go through again and reach every node, node 3 included.
	etcd.start()
	eventuallyWithin(t, 60*time.Second, "a write after etcd returned", func() error {
		_, err := ec.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String("after-outage"),
			Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80), VpcId: aws.String("vpc-1")})
		return err
	})
	acknowledged = append(acknowledged, "after-outage")
	for _, n := range nodes[1:] {
		waitTargetGroups(t, n, acknowledged)
	}
	eventually(t, "/healthz ok again", func() error {
		if _, body, err := readBody(nodes[0].apiURL + "/healthz"); err != nil || body != "ok\n" {
			return fmt.Errorf("%q %v", body, err)
		}
		return nil
	})
	if err := routesWithCookie(); err != nil {
		t.Fatalf("node 3 after etcd returned: %v", err)
	}
	for _, n := range nodes {
		var names []string
		eventually(t, "describing "+n.ip, func() (err error) { names, err = targetGroupNames(n); return err })
		if slices.Contains(names, "during-outage") {
			t.Errorf("%s has the write refused while etcd was down", n.ip)
		}
	}
}

// targetGroupNames lists the target groups node n describes.
func targetGroupNames(n *clusterNode) ([]string, error) {
	out, err := n.ec.DescribeTargetGroups(context.Background(), &elb.DescribeTargetGroupsInput{})
	if err != nil {
		return nil, fmt.Errorf("DescribeTargetGroups on %s: %w", n.ip, err)
	}
	var names []string
	for _, tg := range out.TargetGroups {
		names = append(names, aws.ToString(tg.TargetGroupName))
	}
	return names, nil
}

// waitTargetGroups waits until node n describes every target group of want.
func waitTargetGroups(t *testing.T, n *clusterNode, want []string) {
	t.Helper()
	eventually(t, n.ip+" has every acknowledged target group", func() error {
		names, err := targetGroupNames(n)
		if err != nil {
			return err
		}
		for _, w := range want {
			if !slices.Contains(names, w) {
				return fmt.Errorf("%s is missing; has %v", w, names)
			}
		}
		return nil
	})
}
