package elbv2

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/controlapi"
	"github.com/albatross-lb/albatross/internal/state"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testAPI is an ELBv2 handler over an in-memory store with a fixed clock and sequential IDs.
type testAPI struct {
	t     *testing.T
	h     http.Handler
	store *state.Store
}

func newTestAPI(t *testing.T, file *config.Config) *testAPI {
	t.Helper()
	now := time.Date(2026, 11, 24, 10, 30, 0, 123e6, time.UTC)
	store, err := state.Open(state.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SetFile(context.Background(), file); err != nil {
		t.Fatal(err)
	}
	n := 0
	h := New(Options{Store: store, NewID: func() string { n++; return fmt.Sprintf("%016x", n) }})
	return &testAPI{t: t, h: controlapi.WithRequestID(h), store: store}
}

// call sends an action with form pairs given as "Key=Value" strings, as a client would.
func (a *testAPI) call(action string, pairs ...string) (int, string) {
	a.t.Helper()
	return a.callVersion(action, "2015-12-01", pairs...)
}

// callVersion is call with another API version.
func (a *testAPI) callVersion(action, version string, pairs ...string) (int, string) {
	a.t.Helper()
	form := url.Values{"Action": {action}, "Version": {version}}
	for _, p := range pairs {
		k, v, _ := strings.Cut(p, "=")
		form.Add(k, v)
	}
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, req)
	return w.Code, requestIDRe.ReplaceAllString(w.Body.String(), "<RequestId>REQUEST-ID</RequestId>")
}

var requestIDRe = regexp.MustCompile(`<RequestId>[^<]*</RequestId>`)

// goldenScenario is every action of the minimum subset, in an order that builds, changes and
// deletes a load balancer; each response is compared with testdata/<n>-<action>.xml.
var goldenScenario = []struct {
	action string
	pairs  []string
}{
	{"CreateTargetGroup", []string{"Name=web", "Protocol=HTTP", "Port=8081", "VpcId=vpc-1", "Matcher.HttpCode=200-299", "HealthCheckPath=/health"}},
	{"CreateTargetGroup", []string{"Name=fn", "TargetType=lambda"}},
	{"RegisterTargets", []string{"TargetGroupArn=" + tgARN0("web"), "Targets.member.1.Id=127.0.0.1", "Targets.member.2.Id=127.0.0.1", "Targets.member.2.Port=8082"}},
	{"RegisterTargets", []string{"TargetGroupArn=" + tgARN0("fn"), "Targets.member.1.Id=arn:aws:lambda:us-east-1:000000000000:function:f"}},
	{"DescribeTargetHealth", []string{"TargetGroupArn=" + tgARN0("web")}},
	{"DescribeTargetHealth", []string{"TargetGroupArn=" + tgARN0("fn")}},
	{"CreateLoadBalancer", []string{"Name=demo", "Scheme=internal", "Subnets.member.1=subnet-1", "SecurityGroups=", "Tags.member.1.Key=env", "Tags.member.1.Value=dev"}},
	{"DescribeLoadBalancers", []string{"Names.member.1=demo"}},
	{"CreateListener", []string{"LoadBalancerArn=" + lbARN0("demo"), "Protocol=HTTP", "Port=8080",
		"DefaultActions.member.1.Type=forward", "DefaultActions.member.1.TargetGroupArn=" + tgARN0("web")}},
	{"CreateRule", []string{"ListenerArn=" + listenerARN0(1), "Priority=10",
		"Conditions.member.1.Field=path-pattern", "Conditions.member.1.PathPatternConfig.Values.member.1=/api/*",
		"Conditions.member.2.Field=query-string", "Conditions.member.2.QueryStringConfig.Values.member.1.Key=v", "Conditions.member.2.QueryStringConfig.Values.member.1.Value=2",
		"Actions.member.1.Type=forward", "Actions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn=" + tgARN0("fn"),
		"Actions.member.1.ForwardConfig.TargetGroups.member.1.Weight=3", "Actions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn=" + tgARN0("web"),
		"Actions.member.1.ForwardConfig.TargetGroups.member.2.Weight=1"}},
	{"CreateRule", []string{"ListenerArn=" + listenerARN0(1), "Priority=20",
		"Conditions.member.1.Field=host-header", "Conditions.member.1.Values.member.1=old.example.com",
		"Actions.member.1.Type=redirect", "Actions.member.1.RedirectConfig.Host=new.example.com", "Actions.member.1.RedirectConfig.StatusCode=HTTP_301"}},
	{"SetRulePriorities", []string{"RulePriorities.member.1.RuleArn=" + ruleARN0(1, 3), "RulePriorities.member.1.Priority=5"}},
	{"ModifyRule", []string{"RuleArn=" + ruleARN0(1, 4), "Actions.member.1.Type=fixed-response",
		"Actions.member.1.FixedResponseConfig.StatusCode=418", "Actions.member.1.FixedResponseConfig.ContentType=text/plain", "Actions.member.1.FixedResponseConfig.MessageBody=teapot"}},
	{"DescribeRules", []string{"ListenerArn=" + listenerARN0(1)}},
	{"DescribeListeners", []string{"LoadBalancerArn=" + lbARN0("demo")}},
	{"ModifyListener", []string{"ListenerArn=" + listenerARN0(1), "Port=8090"}},
	{"DescribeLoadBalancerAttributes", []string{"LoadBalancerArn=" + lbARN0("demo")}},
	{"ModifyLoadBalancerAttributes", []string{"LoadBalancerArn=" + lbARN0("demo"), "Attributes.member.1.Key=idle_timeout.timeout_seconds", "Attributes.member.1.Value=120"}},
	{"DescribeTargetGroupAttributes", []string{"TargetGroupArn=" + tgARN0("fn")}},
	{"ModifyTargetGroupAttributes", []string{"TargetGroupArn=" + tgARN0("web"), "Attributes.member.1.Key=deregistration_delay.timeout_seconds", "Attributes.member.1.Value=5"}},
	{"ModifyTargetGroup", []string{"TargetGroupArn=" + tgARN0("web"), "HealthCheckIntervalSeconds=10"}},
	{"DescribeTargetGroups", []string{"PageSize=1"}},
	{"DescribeTargetGroups", []string{"PageSize=1", "Marker=" + encodeMarker(1)}},
	{"AddTags", []string{"ResourceArns.member.1=" + tgARN0("web"), "Tags.member.1.Key=team", "Tags.member.1.Value=edge"}},
	{"RemoveTags", []string{"ResourceArns.member.1=" + lbARN0("demo"), "TagKeys.member.1=env"}},
	{"DescribeTags", []string{"ResourceArns.member.1=" + tgARN0("web"), "ResourceArns.member.2=" + lbARN0("demo")}},
	{"DeregisterTargets", []string{"TargetGroupArn=" + tgARN0("web"), "Targets.member.1.Id=127.0.0.1", "Targets.member.1.Port=8082"}},
	{"DeleteRule", []string{"RuleArn=" + ruleARN0(1, 4)}},
	{"DeleteListener", []string{"ListenerArn=" + listenerARN0(1)}},
	{"DeleteLoadBalancer", []string{"LoadBalancerArn=" + lbARN0("demo")}},
	{"DeleteTargetGroup", []string{"TargetGroupArn=" + tgARN0("web")}},
	{"DescribeLoadBalancers", []string{"Names.member.1=demo"}},
}

// testIdentity computes the ARNs the scenario's resources get (IDs 1, 2, ... in creation order).
var testIdentity = config.Config{}

func tgARN0(name string) string { return testIdentity.TargetGroupARN(name) }
func lbARN0(name string) string { return testIdentity.LoadBalancerARN(name) }
func listenerARN0(n int) string {
	return strings.Replace(lbARN0("demo"), ":loadbalancer/", ":listener/", 1) + fmt.Sprintf("/%016x", n)
}
func ruleARN0(listener, n int) string {
	return strings.Replace(listenerARN0(listener), ":listener/", ":listener-rule/", 1) + fmt.Sprintf("/%016x", n)
}

// TestGoldenResponses checks the exact XML of every action's response (A.3-A.5).
func TestGoldenResponses(t *testing.T) {
	file := &config.Config{Functions: []config.Function{{FunctionName: "f", Runtime: "provided.al2023", Code: "/nonexistent"}}}
	api := newTestAPI(t, file)
	for i, step := range goldenScenario {
		status, body := api.call(step.action, step.pairs...)
		name := filepath.Join("testdata", fmt.Sprintf("%02d-%s.xml", i+1, step.action))
		got := fmt.Sprintf("HTTP %d\n%s", status, body)
		if *update {
			if err := os.WriteFile(name, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if got != string(want) {
			t.Errorf("%s: response differs from %s\ngot:\n%s\nwant:\n%s", step.action, name, got, want)
		}
	}
}
