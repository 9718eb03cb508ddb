package reconcile

import (
	"slices"
	"testing"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/router"
	"github.com/albatross-lb/albatross/internal/rule"
)

// TestRuleSpecRegexAndTransforms: regex values and transforms reach the rule table (RUL-15,
// TRF-01..05).
func TestRuleSpecRegexAndTransforms(t *testing.T) {
	t.Parallel()
	r := config.Rule{Priority: 3,
		Conditions: []config.Condition{
			{Field: config.FieldHostHeader, HostHeaderConfig: &config.ValuesConfig{RegexValues: []string{`^a\.`}}},
			{Field: config.FieldPathPattern, PathPatternConfig: &config.ValuesConfig{RegexValues: []string{`^/p`}}},
			{Field: config.FieldHTTPHeader, HTTPHeaderConfig: &config.HTTPHeaderConfig{HTTPHeaderName: "X-A", RegexValues: []string{`^b`}}},
		},
		Transforms: []config.Transform{
			{Type: config.TransformHostHeaderRewrite, HostHeaderRewriteConfig: &config.RewriteConfig{Rewrites: []config.Rewrite{{Regex: "^a", Replace: "b"}}}},
			{Type: config.TransformURLRewrite, URLRewriteConfig: &config.RewriteConfig{Rewrites: []config.Rewrite{{Regex: "^/p", Replace: "/q"}}}},
		},
	}
	spec := RuleSpec(&r)
	for i, want := range [][]string{{`^a\.`}, {`^/p`}, {`^b`}} {
		if !slices.Equal(spec.Conditions[i].RegexValues, want) {
			t.Errorf("condition %d regex values %q, want %q", i, spec.Conditions[i].RegexValues, want)
		}
	}
	wantT := rule.Transforms{HostHeader: []rule.Rewrite{{Regex: "^a", Replace: "b"}}, URL: []rule.Rewrite{{Regex: "^/p", Replace: "/q"}}}
	if !slices.Equal(spec.Transforms.HostHeader, wantT.HostHeader) || !slices.Equal(spec.Transforms.URL, wantT.URL) {
		t.Errorf("transforms %+v, want %+v", spec.Transforms, wantT)
	}
}

// TestResponseHeadersFromAttributes maps HDR-RESP-01's listener attributes to headers, sorted,
// skipping unset ones.
func TestResponseHeadersFromAttributes(t *testing.T) {
	t.Parallel()
	l := config.Listener{Attributes: map[string]string{
		"routing.http.response.x_frame_options.header_value":           "DENY",
		"routing.http.response.strict_transport_security.header_value": "max-age=63072000",
		"routing.http.response.server.enabled":                         "false",
		"routing.http.response.content_security_policy.header_value":   "",
	}}
	got := responseHeaders(&l)
	want := []router.ResponseHeader{{Name: "Strict-Transport-Security", Value: "max-age=63072000"}, {Name: "X-Frame-Options", Value: "DENY"}}
	if !slices.Equal(got, want) {
		t.Errorf("responseHeaders = %+v, want %+v", got, want)
	}
	if len(responseHeaderAttributes) != 10 {
		t.Errorf("%d response header attributes, §10.2 lists 10", len(responseHeaderAttributes))
	}
}
