package reconcile

import (
	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/rule"
)

// ruleSpec translates a configured rule into the matcher's plain values.
func ruleSpec(r *config.Rule) rule.Rule {
	spec := rule.Rule{Priority: r.Priority}
	for _, c := range r.Conditions {
		spec.Conditions = append(spec.Conditions, conditionSpec(&c))
	}
	return spec
}

func conditionSpec(c *config.Condition) rule.Condition {
	out := rule.Condition{Field: c.Field, Values: c.Values}
	switch {
	case c.HostHeaderConfig != nil:
		out.Values = c.HostHeaderConfig.Values
	case c.PathPatternConfig != nil:
		out.Values = c.PathPatternConfig.Values
	case c.HTTPRequestMethodConfig != nil:
		out.Values = c.HTTPRequestMethodConfig.Values
	case c.SourceIPConfig != nil:
		out.Values = c.SourceIPConfig.Values
	case c.HTTPHeaderConfig != nil:
		out.HeaderName = c.HTTPHeaderConfig.HTTPHeaderName
		out.Values = c.HTTPHeaderConfig.Values
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
