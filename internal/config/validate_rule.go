package config

// Rule limits (RUL-01, RUL-12; §2.5 quotas "condition values per rule", "condition wildcards per
// rule", "match evaluations per rule", none adjustable).
const (
	minPriority           = 1
	maxPriority           = 50000
	maxValuesPerCondition = 3
	maxValuesPerRule      = 5
	maxWildcardsPerRule   = 5
)

// rules checks the rules of one listener.
func (v *validator) rules(p string, lb *LoadBalancer, l *Listener) {
	priorities := map[int]int{}
	for i := range l.Rules {
		r := &l.Rules[i]
		rp := idx(key(p, "rules"), i)
		// RUL-01: priority 1..50000, unique per listener.
		if r.Priority < minPriority || r.Priority > maxPriority {
			v.ps.Add(key(rp, "priority"), "must be 1..50000 (RUL-01), got %d", r.Priority)
		} else if j, dup := priorities[r.Priority]; dup {
			v.ps.Add(key(rp, "priority"), "priority %d is already used by rules[%d] (RUL-01: unique per listener)", r.Priority, j)
		} else {
			priorities[r.Priority] = i
		}
		v.conditions(rp, r.Conditions)
		if len(r.Actions) == 0 {
			v.ps.Add(key(rp, "actions"), "is required (RUL-03)")
		}
		v.actions(key(rp, "actions"), lb, l, r.Actions)
		v.transforms(key(rp, "transforms"), r.Transforms)
		v.ruleAttributes(rp, lb, r)
	}
}

// conditionTally counts what RUL-10 and RUL-12 limit across the conditions of one rule.
type conditionTally struct {
	once      map[string]int // field -> index of the condition, for the once-per-rule fields
	values    int
	wildcards int
}

// conditions checks the conditions of one rule, then the per-rule limits.
func (v *validator) conditions(rp string, conds []Condition) {
	cp := key(rp, "conditions")
	if len(conds) == 0 {
		// RUL-03 [amb]: CreateRule requires Conditions; a rule without any would shadow the
		// default rule, so we refuse it (decision recorded in docs/configuration.md).
		v.ps.Add(cp, "a rule needs at least one condition (RUL-03); use default_actions for a catch-all")
		return
	}
	t := conditionTally{once: map[string]int{}}
	for i := range conds {
		v.condition(idx(cp, i), &conds[i], i, &t)
	}
	if t.values > maxValuesPerRule {
		v.ps.Add(cp, "at most %d condition values per rule (RUL-12), got %d", maxValuesPerRule, t.values)
	}
	if t.wildcards > maxWildcardsPerRule {
		v.ps.Add(cp, "at most %d wildcards (* or ?) per rule (RUL-12), got %d", maxWildcardsPerRule, t.wildcards)
	}
}

// condition checks one condition's field, shape and values, and adds to the rule's tally.
func (v *validator) condition(p string, c *Condition, i int, t *conditionTally) {
	switch c.Field {
	case FieldHostHeader, FieldPathPattern, FieldHTTPRequestMethod, FieldSourceIP:
		// RUL-10: at most one each of these per rule.
		if j, dup := t.once[c.Field]; dup {
			v.ps.Add(key(p, "field"), "only one %s condition per rule (RUL-10), also conditions[%d]", c.Field, j)
		} else {
			t.once[c.Field] = i
		}
	case FieldHTTPHeader, FieldQueryString:
	case "":
		v.ps.Add(key(p, "field"), "is required")
		return
	default:
		v.ps.Add(key(p, "field"), "unknown condition field %q (want host-header, path-pattern, http-header, http-request-method, query-string or source-ip)", c.Field)
		return
	}
	shapeOK := v.conditionShape(p, c)
	n, w := v.conditionValues(p, c)
	if n == 0 && shapeOK {
		v.ps.Add(p, "needs at least one value in %s", configKey(c.Field))
	}
	if n > maxValuesPerCondition {
		v.ps.Add(p, "at most %d values per condition (RUL-12), got %d", maxValuesPerCondition, n)
	}
	t.values += n
	t.wildcards += w
}

// conditionShape checks that exactly the *_config that matches Field is set, and that the short
// form Values is used only where the ELBv2 API accepts it, and never beside the config. It
// reports whether the shape is sound (so that value counts mean something).
func (v *validator) conditionShape(p string, c *Condition) bool {
	set := map[string]bool{
		FieldHostHeader:        c.HostHeaderConfig != nil,
		FieldPathPattern:       c.PathPatternConfig != nil,
		FieldHTTPHeader:        c.HTTPHeaderConfig != nil,
		FieldHTTPRequestMethod: c.HTTPRequestMethodConfig != nil,
		FieldQueryString:       c.QueryStringConfig != nil,
		FieldSourceIP:          c.SourceIPConfig != nil,
	}
	ok := true
	for _, f := range conditionFields {
		if set[f] && f != c.Field {
			v.ps.Add(key(p, configKey(f)), "does not match field %q", c.Field)
			ok = false
		}
	}
	if len(c.Values) == 0 {
		return ok
	}
	switch {
	case c.Field != FieldHostHeader && c.Field != FieldPathPattern:
		v.ps.Add(key(p, "values"), "the short form is only for host-header and path-pattern; use %s", configKey(c.Field))
		return false
	case set[c.Field]:
		v.ps.Add(key(p, "values"), "give either values or %s, not both", configKey(c.Field))
		return false
	}
	return ok
}

// conditionFields lists the condition fields in a stable order for messages.
var conditionFields = []string{
	FieldHostHeader, FieldPathPattern, FieldHTTPHeader, FieldHTTPRequestMethod, FieldQueryString, FieldSourceIP,
}

// configKey is the YAML key of a field's typed config, e.g. host_header_config.
func configKey(field string) string {
	switch field {
	case FieldHostHeader:
		return "host_header_config"
	case FieldPathPattern:
		return "path_pattern_config"
	case FieldHTTPHeader:
		return "http_header_config"
	case FieldHTTPRequestMethod:
		return "http_request_method_config"
	case FieldQueryString:
		return "query_string_config"
	default:
		return "source_ip_config"
	}
}
