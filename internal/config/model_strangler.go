package config

import (
	"slices"
	"strconv"
	"strings"

	"github.com/albatross-lb/albatross/internal/compare"
)

// Albatross's own rule attributes (docs/strangler.md): no AWS key is behind any of them. They sit
// in a rule's albatross_attributes in the file and are the rule's "albatross." tags through the
// API.
const (
	// AttrShadowTargetGroup names the target group that gets copies of the rule's requests; set,
	// it turns shadowing on.
	AttrShadowTargetGroup = "albatross.shadow.target_group"
	AttrShadowPercentage  = "albatross.shadow.percentage"
	// AttrShadowMethods is "idempotent" (RFC 9110 section 9.2.2, the default) or "all".
	AttrShadowMethods      = "albatross.shadow.methods"
	AttrShadowTimeoutMS    = "albatross.shadow.timeout_milliseconds"
	AttrShadowMaxInFlight  = "albatross.shadow.max_in_flight"
	AttrShadowMaxBodyBytes = "albatross.shadow.max_body_bytes"
	// AttrCompareHeaders is a comma-separated list of response header names, or "none".
	AttrCompareHeaders         = "albatross.compare.headers"
	AttrCompareBody            = "albatross.compare.body"
	AttrCompareIgnoreJSONPaths = "albatross.compare.ignore_json_paths"
	AttrCompareIgnorePatterns  = "albatross.compare.ignore_patterns"

	// AttrShiftTargetGroup names the new target group of a two-group weighted forward whose
	// weight the shift controller moves; set, it turns shifting on.
	AttrShiftTargetGroup = "albatross.shift.target_group"
	// AttrShiftSteps are the new group's percentages, ascending, ending at 100.
	AttrShiftSteps           = "albatross.shift.steps"
	AttrShiftIntervalSeconds = "albatross.shift.interval_seconds"
	AttrShiftMax5XXPercent   = "albatross.shift.max_5xx_percentage"
	AttrShiftMaxP99Ratio     = "albatross.shift.max_p99_ratio"
	AttrShiftMaxMismatch     = "albatross.shift.max_mismatch_percentage"
	AttrShiftMinRequests     = "albatross.shift.min_requests"
	// AttrShiftOnFailure is where a failed gate sends the weight: "last_good" or "zero".
	AttrShiftOnFailure = "albatross.shift.on_failure"
	// AttrShiftState is "running", "paused" or "aborted": what a reload asks of the shift.
	AttrShiftState = "albatross.shift.state"
	// AttrShiftAtLeast advances a shift through a reload: one of the steps; when it changes to
	// one above the current step, the shift moves there at once.
	AttrShiftAtLeast = "albatross.shift.at_least"
)

// ruleAttributes are the rule attributes, all Albatross's own.
var ruleAttributes = map[string]attrSpec{
	AttrShadowTargetGroup:      {check: nonEmpty},
	AttrShadowPercentage:       {def: "100", check: percentage},
	AttrShadowMethods:          {def: "idempotent", check: enum("idempotent", "all")},
	AttrShadowTimeoutMS:        {def: "5000", check: intRange(1, 60000)},
	AttrShadowMaxInFlight:      {def: "16", check: intRange(1, 1024)},
	AttrShadowMaxBodyBytes:     {def: "65536", check: intRange(1, 1<<20)},
	AttrCompareHeaders:         {def: "Content-Type", check: headerList},
	AttrCompareBody:            {def: compare.BodyBytes, check: enum(compare.BodyBytes, compare.BodyJSON, compare.BodyText, compare.BodyNone)},
	AttrCompareIgnoreJSONPaths: {check: jsonPaths},
	AttrCompareIgnorePatterns:  {check: patterns},

	AttrShiftTargetGroup:     {check: nonEmpty},
	AttrShiftSteps:           {def: "0,5,25,50,100", check: shiftSteps},
	AttrShiftIntervalSeconds: {def: "300", check: intRange(1, 86400)},
	AttrShiftMax5XXPercent:   {def: "1", check: percentage},
	AttrShiftMaxP99Ratio:     {def: "1.5", check: ratio},
	AttrShiftMaxMismatch:     {def: "5", check: percentage},
	AttrShiftMinRequests:     {def: "20", check: intRange(1, 1000000)},
	AttrShiftOnFailure:       {def: "last_good", check: enum("last_good", "zero")},
	AttrShiftState:           {def: "running", check: enum("running", "paused", "aborted")},
	AttrShiftAtLeast:         {check: intRange(0, 100)},
}

// RuleAttributePrefix starts every rule attribute key, and the API rule tags that are attributes.
const RuleAttributePrefix = "albatross."

// Attribute returns the value of a rule attribute, or its default; "" for unknown keys.
func (r Rule) Attribute(key string) string {
	return orDefault(r.AlbatrossAttributes[key], ruleAttributes[key].def)
}

// Shadowed reports whether the rule copies requests to a shadow target group.
func (r Rule) Shadowed() bool { return r.AlbatrossAttributes[AttrShadowTargetGroup] != "" }

// Shifted reports whether the rule's weights are moved by the shift controller.
func (r Rule) Shifted() bool { return r.AlbatrossAttributes[AttrShiftTargetGroup] != "" }

// CompareRules returns the rule's comparison rules (the attributes are valid).
func (r Rule) CompareRules() *compare.Rules {
	out := &compare.Rules{Body: r.Attribute(AttrCompareBody)}
	if h := r.Attribute(AttrCompareHeaders); h != "none" {
		for name := range strings.SplitSeq(h, ",") {
			if name = strings.TrimSpace(name); name != "" {
				out.Headers = append(out.Headers, canonicalHeader(name))
			}
		}
	}
	out.IgnorePaths, _ = compare.ParsePaths(r.Attribute(AttrCompareIgnoreJSONPaths))
	out.IgnorePatterns, _ = compare.ParsePatterns(r.Attribute(AttrCompareIgnorePatterns))
	return out
}

// ShiftSteps returns the rule's shift steps in percent (the attributes are valid).
func (r Rule) ShiftSteps() []int {
	steps, _ := parseSteps(r.Attribute(AttrShiftSteps))
	return steps
}

// canonicalHeader is textproto's canonical form, without importing net/http here.
func canonicalHeader(s string) string {
	b := []byte(strings.ToLower(s))
	upper := true
	for i, c := range b {
		if upper && 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		upper = c == '-'
	}
	return string(b)
}

func nonEmpty(s string) string {
	if strings.TrimSpace(s) == "" {
		return "must not be empty"
	}
	return ""
}

func percentage(s string) string {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 100 || strings.ContainsAny(s, "eEnN+") {
		return "must be a number 0..100"
	}
	return ""
}

func ratio(s string) string {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 1 || f > 100 || strings.ContainsAny(s, "eEnN+") {
		return "must be a number 1..100"
	}
	return ""
}

func headerList(s string) string {
	if s == "none" {
		return ""
	}
	for name := range strings.SplitSeq(s, ",") {
		if !isToken(strings.TrimSpace(name)) {
			return `must be a comma-separated list of header names, or none`
		}
	}
	return ""
}

func jsonPaths(s string) string {
	if _, err := compare.ParsePaths(s); err != nil {
		return "must be comma-separated dotted JSON paths (" + err.Error() + ")"
	}
	return ""
}

func patterns(s string) string {
	if _, err := compare.ParsePatterns(s); err != nil {
		return "must be space-separated RE2 regular expressions (" + err.Error() + ")"
	}
	return ""
}

func shiftSteps(s string) string {
	if _, ok := parseSteps(s); !ok {
		return "must be ascending percentages 0..100, comma-separated, ending with 100"
	}
	return ""
}

func parseSteps(s string) ([]int, bool) {
	var out []int
	for part := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || n < 0 || n > 100 || len(out) > 0 && n <= out[len(out)-1] {
			return nil, false
		}
		out = append(out, n)
	}
	if len(out) == 0 || out[len(out)-1] != 100 || len(out) > 20 {
		return nil, false
	}
	return slices.Clip(out), true
}
