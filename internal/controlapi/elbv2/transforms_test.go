package elbv2

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
)

// transformScenario creates a rule with regex conditions (RUL-15) and both transforms
// (TRF-01, TRF-02), describes it, replaces its transforms, resets them, and describes it again;
// each response is compared with testdata/transforms-<n>-<action>.xml.
var transformScenario = []struct {
	action string
	pairs  []string
}{
	{"CreateRule", []string{"ListenerArn=" + listenerARN0(1), "Priority=30",
		"Conditions.member.1.Field=host-header", "Conditions.member.1.HostHeaderConfig.RegexValues.member.1=^(.+)\\.example\\.com$",
		"Conditions.member.2.Field=path-pattern", "Conditions.member.2.RegexValues.member.1=^/api/v[0-9]+/.*",
		"Conditions.member.3.Field=http-header", "Conditions.member.3.HttpHeaderConfig.HttpHeaderName=User-Agent",
		"Conditions.member.3.HttpHeaderConfig.RegexValues.member.1=.+Mobile.+",
		"Actions.member.1.Type=forward", "Actions.member.1.TargetGroupArn=" + tgARN0("web"),
		"Transforms.member.1.Type=host-header-rewrite",
		"Transforms.member.1.HostHeaderRewriteConfig.Rewrites.member.1.Regex=^(.+)\\.example\\.com$",
		"Transforms.member.1.HostHeaderRewriteConfig.Rewrites.member.1.Replace=$1.internal",
		"Transforms.member.2.Type=url-rewrite",
		"Transforms.member.2.UrlRewriteConfig.Rewrites.member.1.Regex=^/api/v[0-9]+/(.*)$",
		"Transforms.member.2.UrlRewriteConfig.Rewrites.member.1.Replace=/$1"}},
	{"DescribeRules", []string{"RuleArns.member.1=" + ruleARN0(1, 3)}},
	{"ModifyRule", []string{"RuleArn=" + ruleARN0(1, 3), "Transforms.member.1.Type=url-rewrite",
		"Transforms.member.1.UrlRewriteConfig.Rewrites.member.1.Regex=^/old/(.*)$",
		"Transforms.member.1.UrlRewriteConfig.Rewrites.member.1.Replace=/new/$1"}},
	{"ModifyRule", []string{"RuleArn=" + ruleARN0(1, 3), "Conditions.member.1.Field=path-pattern",
		"Conditions.member.1.PathPatternConfig.RegexValues.member.1=^/old/"}},
	{"ModifyRule", []string{"RuleArn=" + ruleARN0(1, 3), "ResetTransforms=true"}},
	{"DescribeRules", []string{"RuleArns.member.1=" + ruleARN0(1, 3)}},
}

// TestGoldenTransforms checks the exact XML of rules carrying RegexValues and Transforms, and
// that ModifyRule keeps transforms unless Transforms or ResetTransforms is sent.
func TestGoldenTransforms(t *testing.T) {
	file := testFileWithFunction()
	api := newTestAPI(t, file)
	for _, step := range goldenScenario[:9] {
		if status, body := api.call(step.action, step.pairs...); status != 200 {
			t.Fatalf("setup %s: %d %s", step.action, status, body)
		}
	}
	for i, step := range transformScenario {
		status, body := api.call(step.action, step.pairs...)
		name := filepath.Join("testdata", fmt.Sprintf("transforms-%d-%s.xml", i+1, step.action))
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

// testFileWithFunction is the file side of the golden scenario: the function its lambda group
// names.
func testFileWithFunction() *config.Config {
	return &config.Config{Functions: []config.Function{{FunctionName: "f", Runtime: "provided.al2023", Code: "/nonexistent"}}}
}

// TestModifyRuleTransforms: which ModifyRule inputs change the stored transforms.
func TestModifyRuleTransforms(t *testing.T) {
	api := newTestAPI(t, testFileWithFunction())
	for _, step := range goldenScenario[:9] {
		if status, body := api.call(step.action, step.pairs...); status != 200 {
			t.Fatalf("setup %s: %d %s", step.action, status, body)
		}
	}
	if status, body := api.call(transformScenario[0].action, transformScenario[0].pairs...); status != 200 {
		t.Fatalf("CreateRule: %d %s", status, body)
	}
	arn := ruleARN0(1, 3)
	testCases := []struct {
		desc  string
		pairs []string
		want  int // url-rewrite + host-header-rewrite transforms stored afterwards
	}{
		{"conditions only keep transforms", []string{"Conditions.member.1.Field=path-pattern", "Conditions.member.1.Values.member.1=/x"}, 2},
		{"ResetTransforms=false keeps transforms", []string{"ResetTransforms=false"}, 2},
		{"Transforms replace the list", []string{"Transforms.member.1.Type=host-header-rewrite",
			"Transforms.member.1.HostHeaderRewriteConfig.Rewrites.member.1.Regex=.*",
			"Transforms.member.1.HostHeaderRewriteConfig.Rewrites.member.1.Replace=h"}, 1},
		{"ResetTransforms=true removes them", []string{"ResetTransforms=true"}, 0},
	}
	for _, tc := range testCases { // sequential: each step changes the same rule
		status, body := api.call("ModifyRule", append([]string{"RuleArn=" + arn}, tc.pairs...)...)
		if status != 200 {
			t.Fatalf("%s: HTTP %d %s", tc.desc, status, body)
		}
		if got := len(api.store.Snapshot().Rule(arn).Spec.Transforms); got != tc.want {
			t.Errorf("%s: %d transforms stored; want %d", tc.desc, got, tc.want)
		}
		if got := strings.Count(body, "<Transforms>"); (got > 0) != (tc.want > 0) {
			t.Errorf("%s: response %s; want transforms shown: %v", tc.desc, body, tc.want > 0)
		}
	}
}
