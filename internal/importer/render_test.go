package importer

import (
	"reflect"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
)

func TestRenderRoundTrips(t *testing.T) {
	zero, on := 0, true
	query := ""
	cfg := &config.Config{
		LoadBalancers: []config.LoadBalancer{{Name: "web", Attributes: map[string]string{"idle_timeout.timeout_seconds": "60"},
			Listeners: []config.Listener{{Port: 8080,
				DefaultActions: []config.Action{{Type: "redirect", RedirectConfig: &config.RedirectConfig{Query: &query, StatusCode: "HTTP_301"}}},
				Rules: []config.Rule{{Priority: 1, Conditions: []config.Condition{{Field: "path-pattern", Values: []string{"/true", "200"}}},
					Actions: []config.Action{{Type: "forward", TargetGroupName: "fn"}}}}}}}},
		TargetGroups: []config.TargetGroup{{Name: "fn", TargetType: "lambda", HealthCheckEnabled: &on, HealthCheckIntervalSeconds: &zero,
			Targets: []config.Target{{ID: "fn"}}}},
		Functions: []config.Function{{FunctionName: "fn", Runtime: "nodejs20.x", Handler: "index.handler", Code: "/code",
			Environment: &config.Environment{Variables: map[string]string{"A": "on", "B": "line1\nline2"}}}},
	}
	res := &Result{Config: cfg, Sources: map[string]string{"functions[0]": "serverless.yml:3:3 functions.fn (AWS::Lambda::Function)"}}
	out, err := RenderYAML(res, "generated")
	if err != nil {
		t.Fatal(err)
	}
	back, err := config.Parse(out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !reflect.DeepEqual(back, cfg) {
		t.Errorf("round trip differs:\n%s", out)
	}
	if !strings.Contains(string(out), "# from serverless.yml:3:3 functions.fn") || !strings.HasPrefix(string(out), "# generated") {
		t.Errorf("comments missing:\n%s", out)
	}
}
