package bundle

import (
	"maps"
	"slices"
	"testing"
)

// TestSourcesNameEntries: every item built is traced to its bundle entry, named by its ARN (or,
// in a hand-made bundle without one, its name; a target by the id and port the ALB knew). The
// configuration paths skip what was not built — a network load balancer, the default rule — so
// that each comment lands on the item it names.
func TestSourcesNameEntries(t *testing.T) {
	t.Parallel()
	code := t.TempDir()
	doc := `Bundle: albatross-describe-bundle/1
LoadBalancers:
  - LoadBalancer: {LoadBalancerName: nlb, Type: network, LoadBalancerArn: "arn:nlb"}
  - LoadBalancer: {LoadBalancerName: web, Type: application, LoadBalancerArn: "arn:web"}
    Listeners:
      - Listener: {Port: 80, Protocol: HTTP, DefaultActions: [{Type: forward, TargetGroupArn: "arn:tg"}]}
        Rules:
          - {RuleArn: "arn:default", Priority: default, IsDefault: true, Actions: [{Type: forward, TargetGroupArn: "arn:tg"}]}
          - RuleArn: "arn:rule"
            Priority: "5"
            Conditions: [{Field: path-pattern, PathPatternConfig: {Values: ["/fn"]}}]
            Actions: [{Type: forward, TargetGroupArn: "arn:fn"}]
TargetGroups:
  - TargetGroup: {TargetGroupName: tg, TargetGroupArn: "arn:tg", TargetType: ip, Protocol: HTTP, Port: 80}
    TargetHealthDescriptions:
      - Target: {Id: 127.0.0.1, Port: 9000}
  - TargetGroup: {TargetGroupName: fn, TargetGroupArn: "arn:fn", TargetType: lambda}
    TargetHealthDescriptions:
      - Target: {Id: "arn:aws:lambda:eu-west-1:123456789012:function:fn"}
Functions:
  - Configuration: {FunctionName: fn, Runtime: nodejs20.x, Handler: index.handler}
    Code: {Location: "file://` + code + `"}
`
	got := map[string]string{}
	cfg, err := parse("b.yaml", t.TempDir(), []byte(doc), Options{Source: func(cfgPath, from string) { got[cfgPath] = from }})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"load_balancers[0]":                       "b.yaml:4:5 LoadBalancers[1] (arn:web)",
		"load_balancers[0].listeners[0]":          "b.yaml:6:9 LoadBalancers[1].Listeners[0]",
		"load_balancers[0].listeners[0].rules[0]": "b.yaml:9:13 LoadBalancers[1].Listeners[0].Rules[1] (arn:rule)",
		"target_groups[0]":                        "b.yaml:14:5 TargetGroups[0] (arn:tg)",
		"target_groups[0].targets[0]":             "b.yaml:16:9 TargetGroups[0].TargetHealthDescriptions[0] (127.0.0.1:9000)",
		"target_groups[1]":                        "b.yaml:17:5 TargetGroups[1] (arn:fn)",
		"target_groups[1].targets[0]":             "b.yaml:19:9 TargetGroups[1].TargetHealthDescriptions[0] (arn:aws:lambda:eu-west-1:123456789012:function:fn)",
		"functions[0]":                            "b.yaml:21:5 Functions[0] (fn)",
	}
	if !maps.Equal(got, want) {
		for _, k := range slices.Sorted(maps.Keys(got)) {
			t.Logf("%s: %s", k, got[k])
		}
		t.Errorf("sources differ from %v", want)
	}
	if len(cfg.LoadBalancers) != 1 || cfg.LoadBalancers[0].Name != "web" || cfg.LoadBalancers[0].Listeners[0].Rules[0].Priority != 5 {
		t.Errorf("configuration = %+v", cfg.LoadBalancers)
	}
}
