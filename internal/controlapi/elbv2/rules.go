package elbv2

import (
	"cmp"
	"slices"
	"strings"

	"github.com/albatross-lb/albatross/internal/controlapi"
	"github.com/albatross-lb/albatross/internal/state"
)

var ruleOps = map[string]operation{
	"CreateRule":        createRule,
	"DescribeRules":     describeRules,
	"ModifyRule":        modifyRule,
	"SetRulePriorities": setRulePriorities,
	"DeleteRule":        deleteRule,
}

// maxRulesPerLB is the "rules per load balancer, excluding default rules" quota (§2.5).
const maxRulesPerLB = 100

type rulesResult struct {
	Rules      []xmlRule `xml:"Rules>member"`
	NextMarker string    `xml:"NextMarker,omitempty"`
}

func createRule(c *call) (any, error) {
	f := c.form
	if err := f.Require("ListenerArn", "Priority", "Conditions", "Actions"); err != nil {
		return nil, err
	}
	prio, err := f.Int("Priority")
	if err != nil {
		return nil, err
	}
	actions, err := parseActions(f, "Actions")
	if err != nil {
		return nil, err
	}
	tags, err := parseTags(f)
	if err != nil {
		return nil, err
	}
	lARN := f.String("ListenerArn")
	var rule state.Rule
	err = c.update(func(snap *state.Snapshot, api *state.Resources) error {
		l := snap.Listener(lARN)
		switch {
		case l == nil:
			return listenerNotFound()
		case l.Source == state.SourceFile:
			return fileOwned("Listener", lARN)
		}
		if priorityInUse(snap, lARN, "", *prio) {
			return controlapi.Errorf("PriorityInUse", "Priority '%d' is currently in use", *prio)
		}
		if rulesOfLoadBalancer(snap, l.LoadBalancerARN) >= maxRulesPerLB {
			return controlapi.Errorf("TooManyRules", "You've reached the limit on the number of rules per load balancer (%d)", maxRulesPerLB)
		}
		rule = state.Rule{ARN: strings.Replace(lARN, ":listener/", ":listener-rule/", 1) + "/" + c.h.newID(),
			ListenerARN: lARN, Source: state.SourceAPI, Tags: tags}
		rule.Spec.Priority, rule.Spec.Conditions, rule.Spec.Actions = *prio, parseConditions(f, "Conditions"), actions
		rule.Spec.Transforms = parseTransforms(f)
		api.Rules = append(api.Rules, rule)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rulesResult{Rules: []xmlRule{renderRule(&rule, c.snap.Config)}}, nil
}

func priorityInUse(snap *state.Snapshot, listenerARN, except string, prio int) bool {
	for _, r := range snap.RulesOf(listenerARN) {
		if r.ARN != except && r.Spec.Priority == prio {
			return true
		}
	}
	return false
}

func rulesOfLoadBalancer(snap *state.Snapshot, lbARN string) int {
	n := 0
	for _, l := range snap.ListenersOf(lbARN) {
		n += len(snap.RulesOf(l.ARN))
	}
	return n
}

// describeRules returns a listener's rules by priority with the default rule last, or the rules
// named by RuleArns (which may name default rules).
func describeRules(c *call) (any, error) {
	arns, lARN := c.form.Strings("RuleArns"), c.form.String("ListenerArn")
	var out []xmlRule
	switch {
	case len(arns) > 0:
		for _, arn := range arns {
			x, ok := c.findRule(arn)
			if !ok {
				return nil, ruleNotFound()
			}
			out = append(out, x)
		}
	case lARN != "":
		l := c.snap.Listener(lARN)
		if l == nil {
			return nil, listenerNotFound()
		}
		rules := c.snap.RulesOf(lARN)
		slices.SortFunc(rules, func(a, b *state.Rule) int { return cmp.Compare(a.Spec.Priority, b.Spec.Priority) })
		for _, r := range rules {
			out = append(out, c.withLiveWeights(r, renderRule(r, c.snap.Config)))
		}
		out = append(out, renderDefaultRule(l, c.snap.Config))
	default:
		return nil, controlapi.Errorf("ValidationError", "You must specify either listener or rules")
	}
	start, end, next, err := page(c.form, len(out))
	if err != nil {
		return nil, err
	}
	return rulesResult{Rules: out[start:end], NextMarker: next}, nil
}

// findRule renders the rule or default rule with the given ARN.
func (c *call) findRule(arn string) (xmlRule, bool) {
	if r := c.snap.Rule(arn); r != nil {
		return c.withLiveWeights(r, renderRule(r, c.snap.Config)), true
	}
	for i := range c.snap.Listeners {
		if l := &c.snap.Listeners[i]; l.DefaultRuleARN == arn {
			return renderDefaultRule(l, c.snap.Config), true
		}
	}
	return xmlRule{}, false
}

func modifyRule(c *call) (any, error) {
	f := c.form
	if err := f.Require("RuleArn"); err != nil {
		return nil, err
	}
	transforms, err := parseTransformChange(f)
	if err != nil {
		return nil, err
	}
	actions, err := parseActions(f, "Actions")
	if err != nil {
		return nil, err
	}
	conditions := parseConditions(f, "Conditions")
	arn := f.String("RuleArn")
	var rule state.Rule
	err = c.update(func(snap *state.Snapshot, api *state.Resources) error {
		rec, err := apiRule(snap, api, arn)
		if err != nil {
			return err
		}
		if conditions != nil {
			rec.Spec.Conditions = conditions
		}
		if actions != nil {
			keepClientSecrets(rec.Spec.Actions, actions)
			rec.Spec.Actions = actions
		}
		transforms.apply(&rec.Spec)
		rule = *rec
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rulesResult{Rules: []xmlRule{renderRule(&rule, c.h.store.Snapshot().Config)}}, nil
}

// apiRule returns the API-made rule arn from api, or the error for a default, file-owned or
// unknown rule.
func apiRule(snap *state.Snapshot, api *state.Resources, arn string) (*state.Rule, error) {
	if rec := api.Rule(arn); rec != nil {
		return rec, nil
	}
	if r := snap.Rule(arn); r != nil {
		return nil, fileOwned("Rule", arn)
	}
	for _, l := range snap.Listeners {
		if l.DefaultRuleARN == arn {
			return nil, controlapi.Errorf("OperationNotPermitted", "The default rule cannot be changed this way; use ModifyListener to change its actions")
		}
	}
	return nil, ruleNotFound()
}

// setRulePriorities changes several priorities at once; the result must leave every priority
// unique within each listener (PriorityInUse otherwise). Rule ARNs do not change.
func setRulePriorities(c *call) (any, error) {
	pairs := c.form.Members("RulePriorities")
	if len(pairs) == 0 {
		return nil, controlapi.Errorf("ValidationError", "1 validation error detected: Value null at 'rulePriorities' failed to satisfy constraint: Member must not be null")
	}
	var changed []string
	err := c.update(func(snap *state.Snapshot, api *state.Resources) error {
		for _, p := range pairs {
			prio, err := p.Int("Priority")
			if err != nil {
				return err
			}
			rec, err := apiRule(snap, api, p.String("RuleArn"))
			if err != nil {
				return err
			}
			if prio == nil {
				return controlapi.Errorf("ValidationError", "A priority must be specified for rule '%s'", rec.ARN)
			}
			rec.Spec.Priority = *prio
			changed = append(changed, rec.ARN)
		}
		return uniquePriorities(api)
	})
	if err != nil {
		return nil, err
	}
	snap := c.h.store.Snapshot()
	out := rulesResult{Rules: []xmlRule{}}
	for _, arn := range changed {
		out.Rules = append(out.Rules, renderRule(snap.Rule(arn), snap.Config))
	}
	return out, nil
}

func uniquePriorities(api *state.Resources) error {
	seen := map[string]map[int]bool{}
	for _, r := range api.Rules {
		if seen[r.ListenerARN] == nil {
			seen[r.ListenerARN] = map[int]bool{}
		}
		if seen[r.ListenerARN][r.Spec.Priority] {
			return controlapi.Errorf("PriorityInUse", "Priority '%d' is currently in use", r.Spec.Priority)
		}
		seen[r.ListenerARN][r.Spec.Priority] = true
	}
	return nil
}

func deleteRule(c *call) (any, error) {
	if err := c.form.Require("RuleArn"); err != nil {
		return nil, err
	}
	arn := c.form.String("RuleArn")
	return nil, c.update(func(snap *state.Snapshot, api *state.Resources) error {
		if _, err := apiRule(snap, api, arn); err != nil {
			return err
		}
		api.DeleteRule(arn)
		return nil
	})
}

func ruleNotFound() error {
	return controlapi.Errorf("RuleNotFound", "One or more rules not found")
}
