package reconcile

import (
	"github.com/albatross-lb/albatross/internal/config"
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
				if name := r.AlbatrossAttributes[config.AttrShadowTargetGroup]; name != "" {
					owners[name] = i // a shadow target group is in use: its health is checked
				}
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
