package state

import (
	"reflect"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
)

// TestRuleShapesSurviveDisk: a rule's regex conditions (RUL-15) and transforms (TRF-01, TRF-02)
// made through the control API are written to the state file and read back unchanged, and the
// copy the store hands to its subscribers shares no memory with the stored record.
func TestRuleShapesSurviveDisk(t *testing.T) {
	t.Parallel()
	rule := config.Rule{Priority: 5,
		Conditions: []config.Condition{
			{Field: config.FieldHostHeader, HostHeaderConfig: &config.ValuesConfig{RegexValues: []string{`^(.+)\.example\.com$`}}},
			{Field: config.FieldHTTPHeader, HTTPHeaderConfig: &config.HTTPHeaderConfig{HTTPHeaderName: "User-Agent", RegexValues: []string{".+Mobile.+"}}},
		},
		Actions: []config.Action{{Type: "fixed-response", FixedResponseConfig: &config.FixedResponseConfig{StatusCode: "200"}}},
		Transforms: []config.Transform{
			{Type: config.TransformHostHeaderRewrite, HostHeaderRewriteConfig: &config.RewriteConfig{Rewrites: []config.Rewrite{{Regex: `^(.+)\.example\.com$`, Replace: "$1.internal"}}}},
			{Type: config.TransformURLRewrite, URLRewriteConfig: &config.RewriteConfig{Rewrites: []config.Rewrite{{Regex: "^/api/(.*)$", Replace: "/$1"}}}},
		},
	}
	dir := t.TempDir()
	d, _, err := openDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	in := &Resources{Rules: []Rule{{ARN: "arn:rule", ListenerARN: "arn:listener", Source: SourceAPI, Spec: rule}}}
	if err := d.save(in); err != nil {
		t.Fatal(err)
	}
	_, out, err := openDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Rules) != 1 || !reflect.DeepEqual(out.Rules[0].Spec, rule) {
		t.Fatalf("rule after a round trip through the state file:\n%+v\nwant\n%+v", out.Rules, rule)
	}
	c := clone(&out.Rules[0].Spec)
	c.Transforms[0].HostHeaderRewriteConfig.Rewrites[0].Replace = "changed"
	if out.Rules[0].Spec.Transforms[0].HostHeaderRewriteConfig.Rewrites[0].Replace != "$1.internal" {
		t.Error("a cloned rule shares its transforms with the original")
	}
}
