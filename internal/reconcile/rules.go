package reconcile

import (
	"sort"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/router"
	"github.com/albatross-lb/albatross/internal/rule"
)

// RuleSpec translates a configured rule into the matcher's plain values, transforms included
// (TRF-01..05: the table compiles them beside the conditions).
func RuleSpec(r *config.Rule) rule.Rule {
	spec := rule.Rule{Priority: r.Priority}
	for _, c := range r.Conditions {
		spec.Conditions = append(spec.Conditions, conditionSpec(&c))
	}
	for _, t := range r.Transforms {
		switch {
		case t.Type == config.TransformHostHeaderRewrite && t.HostHeaderRewriteConfig != nil:
			spec.Transforms.HostHeader = rewriteSpecs(t.HostHeaderRewriteConfig.Rewrites)
		case t.Type == config.TransformURLRewrite && t.URLRewriteConfig != nil:
			spec.Transforms.URL = rewriteSpecs(t.URLRewriteConfig.Rewrites)
		}
	}
	return spec
}

func rewriteSpecs(rws []config.Rewrite) []rule.Rewrite {
	out := make([]rule.Rewrite, len(rws))
	for i, rw := range rws {
		out[i] = rule.Rewrite{Regex: rw.Regex, Replace: rw.Replace}
	}
	return out
}

// responseHeaderAttributes maps the listener attributes of HDR-RESP-01 (§10.2) to the response
// headers they add.
var responseHeaderAttributes = map[string]string{
	"routing.http.response.strict_transport_security.header_value":        "Strict-Transport-Security",
	"routing.http.response.access_control_allow_origin.header_value":      "Access-Control-Allow-Origin",
	"routing.http.response.access_control_allow_methods.header_value":     "Access-Control-Allow-Methods",
	"routing.http.response.access_control_allow_headers.header_value":     "Access-Control-Allow-Headers",
	"routing.http.response.access_control_allow_credentials.header_value": "Access-Control-Allow-Credentials",
	"routing.http.response.access_control_expose_headers.header_value":    "Access-Control-Expose-Headers",
	"routing.http.response.access_control_max_age.header_value":           "Access-Control-Max-Age",
	"routing.http.response.content_security_policy.header_value":          "Content-Security-Policy",
	"routing.http.response.x_content_type_options.header_value":           "X-Content-Type-Options",
	"routing.http.response.x_frame_options.header_value":                  "X-Frame-Options",
}

// responseHeaders returns the headers a listener's attributes add to responses, in a stable
// order; unset or empty attributes add nothing (header modification is off by default).
func responseHeaders(l *config.Listener) []router.ResponseHeader {
	var out []router.ResponseHeader
	for attr, name := range responseHeaderAttributes {
		if v := l.Attributes[attr]; v != "" {
			out = append(out, router.ResponseHeader{Name: name, Value: v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func conditionSpec(c *config.Condition) rule.Condition {
	out := rule.Condition{Field: c.Field, Values: c.Values}
	switch {
	case c.HostHeaderConfig != nil:
		out.Values, out.RegexValues = c.HostHeaderConfig.Values, c.HostHeaderConfig.RegexValues
	case c.PathPatternConfig != nil:
		out.Values, out.RegexValues = c.PathPatternConfig.Values, c.PathPatternConfig.RegexValues
	case c.HTTPRequestMethodConfig != nil:
		out.Values = c.HTTPRequestMethodConfig.Values
	case c.SourceIPConfig != nil:
		out.Values = c.SourceIPConfig.Values
	case c.HTTPHeaderConfig != nil:
		out.HeaderName = c.HTTPHeaderConfig.HTTPHeaderName
		out.Values, out.RegexValues = c.HTTPHeaderConfig.Values, c.HTTPHeaderConfig.RegexValues
	case c.QueryStringConfig != nil:
		for _, kv := range c.QueryStringConfig.Values {
			out.QueryValues = append(out.QueryValues, rule.KeyValue{Key: kv.Key, Value: kv.Value})
		}
	}
	return out
}

// targetGroupOwners maps each target group name to the index of the load balancer that forwards
// to it (Validate guarantees at most one).
func targetGroupOwners(cfg *config.Config) map[string]int {
	owners := map[string]int{}
	for i := range cfg.LoadBalancers {
		for _, l := range cfg.LoadBalancers[i].Listeners {
			note := func(acts []config.Action) {
				for _, a := range acts {
					for _, name := range forwardTargets(&a) {
						owners[name] = i
					}
				}
			}
			note(l.DefaultActions)
			for _, r := range l.Rules {
				note(r.Actions)
			}
		}
	}
	return owners
}

func forwardTargets(a *config.Action) []string {
	if a.Type != config.ActionForward {
		return nil
	}
	name := func(n, arn string) string {
		if n != "" {
			return n
		}
		name, _ := config.ParseTargetGroupARN(arn)
		return name
	}
	if a.ForwardConfig == nil {
		return []string{name(a.TargetGroupName, a.TargetGroupARN)}
	}
	var out []string
	for _, t := range a.ForwardConfig.TargetGroups {
		out = append(out, name(t.TargetGroupName, t.TargetGroupARN))
	}
	return out
}
