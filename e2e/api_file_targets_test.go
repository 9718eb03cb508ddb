package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/smithy-go"
)

// fileTargetsConfig is a file load balancer forwarding to a file target group that lists one
// backend; the test registers a second one through the API.
func fileTargetsConfig(port, backendPort int) string {
	return fmt.Sprintf(`
load_balancers:
  - name: web
    listeners:
      - port: %d
        address: 127.0.0.1
        default_actions:
          - {type: forward, target_group_name: site}
target_groups:
  - name: site
    port: %d
    health_check_interval_seconds: 5
    health_check_timeout_seconds: 2
    healthy_threshold_count: 2
    attributes: {deregistration_delay.timeout_seconds: "30"}
    targets:
      - {id: 127.0.0.1}
`, port, backendPort)
}

// TestAPITargetsOfFileGroup drives targets of a file-defined target group through
// aws-sdk-go-v2: a registered target takes traffic beside the file's, both show in
// DescribeTargetHealth, the file's cannot be deregistered, and the registered one survives a
// reload and a kill -9, then drains when deregistered (issue 18 item 2).
func TestAPITargetsOfFileGroup(t *testing.T) {
	t.Parallel()
	defer rescue(t)
	b1, b2 := startBackend(t, "file", nil), startBackend(t, "api", nil)
	port := freePort(t)
	cfg := fileTargetsConfig(port, b1.port)
	api := startWithAPI(t, cfg, "")
	api.waitPort(port)
	ctx := context.Background()
	ec := api.elbClient("test", "test")
	arn := need(ec.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{Names: []string{"site"}})).TargetGroups[0].TargetGroupArn
	apiTarget := elbtypes.TargetDescription{Id: aws.String("127.0.0.1"), Port: aws.Int32(int32(b2.port))}
	need(ec.RegisterTargets(ctx, &elb.RegisterTargetsInput{TargetGroupArn: arn, Targets: []elbtypes.TargetDescription{apiTarget}}))
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)
	reaches := func(what string, backends ...string) {
		t.Helper()
		seen := map[string]bool{}
		eventually(t, what, func() error {
			resp, _ := do(t, client(), newRequest(t, http.MethodGet, url, nil))
			seen[resp.Header.Get("X-Backend")] = true
			for _, b := range backends {
				if !seen[b] {
					return fmt.Errorf("backends seen %v; want %v", seen, backends)
				}
			}
			return nil
		})
	}
	health := func() map[string]elbtypes.TargetHealthStateEnum {
		out := map[string]elbtypes.TargetHealthStateEnum{}
		for _, d := range need(ec.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: arn})).TargetHealthDescriptions {
			out[fmt.Sprintf("%s:%d", aws.ToString(d.Target.Id), aws.ToInt32(d.Target.Port))] = d.TargetHealth.State
		}
		return out
	}
	fileKey, apiKey := fmt.Sprintf("127.0.0.1:%d", b1.port), fmt.Sprintf("127.0.0.1:%d", b2.port)
	reaches("traffic to the file's and the registered target", "file", "api")
	if h := health(); len(h) != 2 || h[fileKey] == "" || h[apiKey] == "" {
		t.Errorf("DescribeTargetHealth: %v; want the file's and the registered target", h)
	}

	_, err := ec.DeregisterTargets(ctx, &elb.DeregisterTargetsInput{TargetGroupArn: arn, Targets: []elbtypes.TargetDescription{{Id: aws.String("127.0.0.1")}}})
	var refused smithy.APIError
	if !errors.As(err, &refused) || refused.ErrorCode() != "OperationNotPermitted" || !strings.Contains(refused.ErrorMessage(), "configuration file") {
		t.Errorf("deregistering the file's target: %v; want OperationNotPermitted naming the configuration file", err)
	}

	api.rewrite(cfg + "# touched\n")
	api.waitLog("configuration reloaded", 1)
	if h := health(); h[apiKey] == "" {
		t.Errorf("after a reload: %v; want the registered target still there", h)
	}
	api.kill()
	again := startWithAPI(t, cfg, api.dataDir)
	again.waitPort(port)
	ec = again.elbClient("test", "test")
	reaches("traffic to both targets after a restart", "file", "api")

	need(ec.DeregisterTargets(ctx, &elb.DeregisterTargetsInput{TargetGroupArn: arn, Targets: []elbtypes.TargetDescription{apiTarget}}))
	if h := health(); h[apiKey] != elbtypes.TargetHealthStateEnumDraining || h[fileKey] == "" {
		t.Errorf("after deregistering the registered target: %v; want it draining and the file's kept", h)
	}
}
