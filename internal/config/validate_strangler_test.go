package config

import (
	"slices"
	"testing"
)

// ruleAttrs sets the base rule's Albatross attributes.
func ruleAttrs(kv ...string) mutation {
	return func(c *Config) {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		rule(c).AlbatrossAttributes = m
	}
}

func TestValidateRuleAttributes(t *testing.T) {
	t.Parallel()
	ap := rule0 + ".albatross_attributes"
	at := func(k string) string { return ap + `["` + k + `"]` }
	weighted := acts(`[{type: forward, forward_config: {target_groups: [{target_group_name: site, weight: 100}, {target_group_name: api, weight: 0}]}}]`)
	runValidation(t, []validationCase{
		{desc: "shadow to another group", mutate: ruleAttrs(AttrShadowTargetGroup, "site", AttrShadowPercentage, "12.5",
			AttrShadowMethods, "all", AttrCompareBody, "json", AttrCompareIgnoreJSONPaths, "id,items.*.at", AttrCompareHeaders, "content-type, ETag",
			AttrCompareIgnorePatterns, `\d{4}-\d\d req-\w+`)},
		{desc: "unknown key", want: paths(at("albatross.shadow.target")), mutate: ruleAttrs("albatross.shadow.target", "site")},
		{desc: "shadow group undefined", want: paths(at(AttrShadowTargetGroup)), mutate: ruleAttrs(AttrShadowTargetGroup, "nope")},
		{desc: "shadow group is the primary", want: paths(at(AttrShadowTargetGroup)), mutate: ruleAttrs(AttrShadowTargetGroup, "api")},
		{desc: "shadow needs a forward", want: paths(at(AttrShadowTargetGroup)), mutate: both(
			acts(`[{type: fixed-response, fixed_response_config: {status_code: "200"}}]`), ruleAttrs(AttrShadowTargetGroup, "site"))},
		{desc: "every bad value at once", want: paths(at(AttrCompareBody), at(AttrCompareHeaders), at(AttrCompareIgnoreJSONPaths),
			at(AttrCompareIgnorePatterns), at(AttrShadowMaxInFlight), at(AttrShadowMethods), at(AttrShadowPercentage), at(AttrShadowTimeoutMS)),
			mutate: ruleAttrs(AttrShadowTargetGroup, "site", AttrShadowPercentage, "101", AttrShadowMethods, "GET",
				AttrShadowTimeoutMS, "0", AttrShadowMaxInFlight, "x", AttrCompareBody, "xml", AttrCompareHeaders, "a b",
				AttrCompareIgnoreJSONPaths, "a..b", AttrCompareIgnorePatterns, "(")},
		{desc: "comparison without a shadow", want: paths(at(AttrCompareBody)), mutate: ruleAttrs(AttrCompareBody, "json")},
		{desc: "shift between two weighted groups", mutate: both(weighted, ruleAttrs(AttrShiftTargetGroup, "api",
			AttrShiftSteps, "0,10,100", AttrShiftIntervalSeconds, "60", AttrShiftOnFailure, "zero", AttrShiftState, "paused"))},
		{desc: "shift needs two groups", want: paths(at(AttrShiftTargetGroup)), mutate: ruleAttrs(AttrShiftTargetGroup, "api")},
		{desc: "shift group not in the forward", want: paths(at(AttrShiftTargetGroup)), mutate: both(weighted, ruleAttrs(AttrShiftTargetGroup, "other"))},
		{desc: "shift and group stickiness", want: paths(at(AttrShiftTargetGroup)), mutate: both(
			acts(`[{type: forward, forward_config: {target_groups: [{target_group_name: site, weight: 1}, {target_group_name: api, weight: 1}],
				target_group_stickiness_config: {enabled: true, duration_seconds: 60}}}]`), ruleAttrs(AttrShiftTargetGroup, "api"))},
		{desc: "shift advanced by a reload", mutate: both(weighted, ruleAttrs(AttrShiftTargetGroup, "api", AttrShiftAtLeast, "25"))},
		{desc: "shift at_least not a step", want: paths(at(AttrShiftAtLeast)), mutate: both(weighted, ruleAttrs(AttrShiftTargetGroup, "api", AttrShiftAtLeast, "30"))},
		{desc: "shift steps", want: paths(at(AttrShiftSteps)), mutate: both(weighted, ruleAttrs(AttrShiftTargetGroup, "api", AttrShiftSteps, "0,50,25,100"))},
		{desc: "shift steps end at 100", want: paths(at(AttrShiftSteps)), mutate: both(weighted, ruleAttrs(AttrShiftTargetGroup, "api", AttrShiftSteps, "0,50"))},
		{desc: "shift settings without a shift", want: paths(at(AttrShiftState)), mutate: ruleAttrs(AttrShiftState, "paused")},
	})
}

func TestRuleAttributeAccessors(t *testing.T) {
	t.Parallel()
	r := Rule{AlbatrossAttributes: map[string]string{AttrCompareHeaders: "content-type,x-request-id", AttrCompareIgnoreJSONPaths: "a.b"}}
	cr := r.CompareRules()
	if !slices.Equal(cr.Headers, []string{"Content-Type", "X-Request-Id"}) || cr.Body != "bytes" || len(cr.IgnorePaths) != 1 {
		t.Fatalf("compare rules = %+v", cr)
	}
	if got := (Rule{AlbatrossAttributes: map[string]string{AttrCompareHeaders: "none"}}).CompareRules().Headers; got != nil {
		t.Fatalf("none gave headers %v", got)
	}
	if got := (Rule{}).ShiftSteps(); !slices.Equal(got, []int{0, 5, 25, 50, 100}) {
		t.Fatalf("default steps = %v", got)
	}
	if (Rule{}).Attribute(AttrShadowPercentage) != "100" || (Rule{}).Shadowed() || (Rule{}).Shifted() {
		t.Fatal("defaults")
	}
}
