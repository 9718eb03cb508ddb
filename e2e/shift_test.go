package e2e

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// The shift command steers a gated shift of the real binary through the signed API, the weights
// it sets carry the traffic, and its state survives a restart with the same data directory
// (docs/strangler.md).
func TestShiftCommandAndRestart(t *testing.T) {
	t.Parallel()
	defer rescue(t)
	monolith := startBackend(t, "monolith", nil)
	fn := startBackend(t, "fn", nil)
	port := freePort(t)
	config := fmt.Sprintf(`
load_balancers:
  - name: web
    listeners:
      - port: %d
        address: 127.0.0.1
        default_actions: [{type: fixed-response, fixed_response_config: {status_code: "404"}}]
        rules:
          - priority: 20
            conditions: [{field: path-pattern, values: ["/api/*"]}]
            actions:
              - type: forward
                forward_config:
                  target_groups: [{target_group_name: monolith, weight: 100}, {target_group_name: fn, weight: 0}]
            albatross_attributes:
              albatross.shift.target_group: fn
              albatross.shift.steps: "0,100"
              albatross.shift.interval_seconds: "86400"
target_groups:
  - {name: monolith, port: %d, targets: [{id: 127.0.0.1}]}
  - {name: fn, port: %d, targets: [{id: 127.0.0.1}]}
`, port, monolith.port, fn.port)
	dataDir := filepath.Join(t.TempDir(), "data")
	a := startWithAPI(t, config, dataDir)
	a.waitPort(port)
	shift := func(api int, args ...string) string {
		t.Helper()
		out, err := exec.Command(binary, append([]string{"shift", "--api-addr", fmt.Sprintf("127.0.0.1:%d", api)}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("albatross shift %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	rule := fmt.Sprintf("web/%d/20", port)
	if out := shift(a.apiPort); !strings.Contains(out, "rule "+rule+": monolith → fn, running at 0% (weights monolith 100, fn 0)") {
		t.Fatalf("status:\n%s", out)
	}
	if out := shift(a.apiPort, "--rule", rule, "advance"); !strings.Contains(out, "done at 100% (weights monolith 0, fn 100)") {
		t.Fatalf("advance:\n%s", out)
	}
	// DescribeRules shows the weights the shift set, as ordinary ALB weights.
	ec, ctx := a.elbClient("id", "secret"), context.Background()
	lbs := need(ec.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{Names: []string{"web"}})).LoadBalancers
	ls := need(ec.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: lbs[0].LoadBalancerArn})).Listeners
	rules := need(ec.DescribeRules(ctx, &elb.DescribeRulesInput{ListenerArn: ls[0].ListenerArn})).Rules
	weights := map[string]int32{}
	for _, tg := range rules[0].Actions[0].ForwardConfig.TargetGroups {
		weights[strings.Split(aws.ToString(tg.TargetGroupArn), "/")[1]] = aws.ToInt32(tg.Weight)
	}
	if weights["monolith"] != 0 || weights["fn"] != 100 {
		t.Fatalf("DescribeRules weights %v, want the shift's", weights)
	}
	base := fmt.Sprintf("http://127.0.0.1:%d/api/x", port)
	if _, body := httpGet(t, base); !strings.Contains(body, `"backend":"fn"`) {
		t.Fatalf("after the shift the answer came from %s", body)
	}
	if err := a.stop(); err != nil {
		t.Fatal(err)
	}

	b := startWithAPI(t, config, dataDir)
	b.waitPort(port)
	if out := shift(b.apiPort, "--rule", rule); !strings.Contains(out, "done at 100%") {
		t.Fatalf("after restart:\n%s", out)
	}
	if _, body := httpGet(t, base); !strings.Contains(body, `"backend":"fn"`) {
		t.Fatalf("after restart the answer came from %s", body)
	}
	out, err := exec.Command(binary, "shift", "--api-addr", fmt.Sprintf("127.0.0.1:%d", b.apiPort), "--rule", "nope", "pause").CombinedOutput()
	if err == nil || !strings.Contains(string(out), `no shift on rule \"nope\"`) {
		t.Fatalf("a command to no shift: %v\n%s", err, out)
	}
}
