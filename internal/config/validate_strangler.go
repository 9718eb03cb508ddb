package config

import (
	"maps"
	"slices"
	"strconv"
	"strings"
)

// ruleAttributes checks a rule's Albatross attributes (model_strangler.go): each value, then
// that the shadow and shift settings fit the rule's forward action.
func (v *validator) ruleAttributes(rp string, lb *LoadBalancer, r *Rule) {
	if len(r.AlbatrossAttributes) == 0 {
		return
	}
	ap := key(rp, "albatross_attributes")
	v.attributes(ap, r.AlbatrossAttributes, ruleAttributes, "")
	forward, ok := routingForward(r.Actions)
	targets := forwardNames(forward)
	v.partsNeed(ap, r, "albatross.shadow.", "albatross.compare.", AttrShadowTargetGroup)
	v.partsNeed(ap, r, "albatross.shift.", "", AttrShiftTargetGroup)
	if name := r.AlbatrossAttributes[AttrShadowTargetGroup]; name != "" {
		p := mapKey(ap, AttrShadowTargetGroup)
		switch {
		case !ok:
			v.ps.Add(p, "shadowing needs a rule whose action is forward")
		case slices.Contains(targets, name):
			v.ps.Add(p, "target group %q is one the rule forwards to; the shadow must be another one", name)
		default:
			v.targetGroupRef(p, lb, name, "")
		}
	}
	if name := r.AlbatrossAttributes[AttrShiftTargetGroup]; name != "" {
		p := mapKey(ap, AttrShiftTargetGroup)
		switch {
		case !ok || forward.ForwardConfig == nil || len(targets) != 2:
			v.ps.Add(p, "shifting needs a forward action with forward_config listing exactly two target groups, the old and the new")
		case !slices.Contains(targets, name):
			v.ps.Add(p, "target group %q is not one of the forward's target groups %s", name, strings.Join(targets, " and "))
		case forward.ForwardConfig.TargetGroupStickinessConfig != nil && forward.ForwardConfig.TargetGroupStickinessConfig.Enabled:
			// The controller picks the group of every request by its share; a stickiness cookie
			// would keep clients on a group the shift has left.
			v.ps.Add(p, "shifting cannot be combined with target_group_stickiness_config enabled")
		}
		if at, ok := r.AlbatrossAttributes[AttrShiftAtLeast]; ok && intRange(0, 100)(at) == "" {
			n, _ := strconv.Atoi(at)
			if steps := r.ShiftSteps(); steps != nil && !slices.Contains(steps, n) {
				v.ps.Add(mapKey(ap, AttrShiftAtLeast), "must be one of the steps %v, got %d", steps, n)
			}
		}
	}
}

// partsNeed reports attributes with one of the prefixes set without the key that turns the
// feature on.
func (v *validator) partsNeed(ap string, r *Rule, prefix, prefix2, on string) {
	if r.AlbatrossAttributes[on] != "" {
		return
	}
	for _, k := range slices.Sorted(maps.Keys(r.AlbatrossAttributes)) {
		if _, known := ruleAttributes[k]; known && k != on && (strings.HasPrefix(k, prefix) || prefix2 != "" && strings.HasPrefix(k, prefix2)) {
			v.ps.Add(mapKey(ap, k), "has no effect without %s", on)
		}
	}
}

// routingForward returns the rule's routing action when it is a forward.
func routingForward(acts []Action) (*Action, bool) {
	var last *Action
	for i := range acts {
		a := &acts[i]
		if IsAuthAction(a.Type) {
			continue
		}
		if last == nil || a.Order > last.Order {
			last = a
		}
	}
	return last, last != nil && last.Type == ActionForward
}

// forwardNames are the target group names a forward action names.
func forwardNames(a *Action) []string {
	if a == nil || a.Type != ActionForward {
		return nil
	}
	name := func(n, arn string) string {
		if n == "" {
			n, _ = ParseTargetGroupARN(arn)
		}
		return n
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
