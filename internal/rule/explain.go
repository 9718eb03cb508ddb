package rule

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// RuleResult is how one rule fared against a request, for `albatross explain`.
type RuleResult struct {
	// Index is the rule's position in the slice given to NewTable.
	Index int
	// Priority is the rule's priority.
	Priority int
	// Matched reports whether every condition held (RUL-11). The first matched result is the rule
	// Match picks; later ones would have matched but are never reached.
	Matched bool
	// Conditions are the verdicts in the rule's condition order.
	Conditions []ConditionResult
}

// ConditionResult is one condition's verdict.
type ConditionResult struct {
	// Field is the condition's field (Field* constants).
	Field string
	// Matched reports whether the condition held.
	Matched bool
	// Reason is a short human explanation, e.g. `path "/x" does not match "/api/*"`.
	Reason string
}

// Explain evaluates every condition of every rule against r, in ascending priority, without
// stopping at the first match, so a user can see why each rule did or did not apply. It agrees
// with Match (the first Matched result is Match's index) but allocates freely; it is meant for
// diagnostics, not for the request path.
func (t *Table) Explain(r *http.Request, source netip.Addr) []RuleResult {
	q := request{r: r, source: source}
	out := make([]RuleResult, 0, len(t.rules))
	for _, cr := range t.rules {
		res := RuleResult{Index: cr.index, Priority: cr.priority, Matched: true}
		for i := range cr.conds {
			m := &cr.conds[i]
			ok := m.match(&q)
			res.Matched = res.Matched && ok
			res.Conditions = append(res.Conditions, ConditionResult{Field: m.cond.Field, Matched: ok, Reason: m.explain(&q, ok)})
		}
		out = append(out, res)
	}
	return out
}

// explain words the verdict ok of m on q.
func (m *matcher) explain(q *request, ok bool) string {
	switch m.cond.Field {
	case FieldHostHeader:
		host, _ := q.hostName()
		if i := firstRegex(m.regexes, q.r.Host); i >= 0 {
			return fmt.Sprintf("host %s matches regex %q", quote(q.r.Host), m.cond.RegexValues[i])
		}
		return m.verdict("host "+quote(host), host)
	case FieldPathPattern:
		path, _, _ := q.rawPath()
		display, decoded := quote(path), string(appendUnescaped(nil, path, true))
		if decoded != path {
			display += fmt.Sprintf(" (read as %q)", decoded)
		}
		return m.verdict("path "+display, decoded)
	case FieldHTTPHeader:
		return m.explainHeader(q.r.Header[m.header])
	case FieldHTTPRequestMethod:
		if ok {
			return fmt.Sprintf("method %q is listed", q.r.Method)
		}
		return fmt.Sprintf("method %q is not %s (exact, case-sensitive)", q.r.Method, quoteAll(m.cond.Values))
	case FieldQueryString:
		return m.explainQuery(requestQuery(q.r))
	case FieldSourceIP:
		return m.explainSource(q.source, ok)
	}
	return ""
}

// firstPattern returns the first value matching s.
func (m *matcher) firstPattern(s string) (string, bool) {
	for i := range m.patterns {
		if matchAny(m.patterns[i:i+1], s) {
			return m.patterns[i].src, true
		}
	}
	return "", false
}

// verdict words a pattern verdict on subject, shown as display.
func (m *matcher) verdict(display, subject string) string {
	if hasControl(subject) {
		return display + " holds a control character, which matches nothing (RUL-13)"
	}
	if p, ok := m.firstPattern(subject); ok {
		return fmt.Sprintf("%s matches %q", display, p)
	}
	if i := firstRegex(m.regexes, subject); i >= 0 {
		return fmt.Sprintf("%s matches regex %q", display, m.cond.RegexValues[i])
	}
	return fmt.Sprintf("%s does not match %s", display, m.wanted())
}

// explainHeader words an http-header verdict over every occurrence (CND-HDR).
func (m *matcher) explainHeader(values []string) string {
	if len(values) == 0 {
		return fmt.Sprintf("header %s is absent", m.cond.HeaderName)
	}
	for _, v := range values {
		if p, ok := m.firstPattern(v); ok {
			return fmt.Sprintf("header %s value %q matches %q", m.cond.HeaderName, v, p)
		}
		if i := firstRegex(m.regexes, v); i >= 0 {
			return fmt.Sprintf("header %s value %q matches regex %q", m.cond.HeaderName, v, m.cond.RegexValues[i])
		}
	}
	reason := fmt.Sprintf("header %s values %s do not match %s", m.cond.HeaderName, quoteAll(values), m.wanted())
	for _, v := range values {
		if hasControl(v) {
			return reason + " (a value holding a control character matches nothing, RUL-13)"
		}
	}
	return reason
}

// explainQuery names the first pair and pattern that match, or lists the patterns.
func (m *matcher) explainQuery(raw string) string {
	for q := raw; ; {
		key, value, rest, ok := nextPair(q)
		if !ok {
			break
		}
		q = rest
		for i := range m.pairs {
			one := matcher{pairs: m.pairs[i : i+1]}
			if one.matchPair(key, value) {
				return fmt.Sprintf("query pair %q=%q matches %s", key, value, formatKeyValue(m.cond.QueryValues[i]))
			}
		}
	}
	wanted := make([]string, len(m.cond.QueryValues))
	for i, kv := range m.cond.QueryValues {
		wanted[i] = formatKeyValue(kv)
	}
	return fmt.Sprintf("query %q has no pair matching %s", raw, strings.Join(wanted, " or "))
}

// formatKeyValue shows a query-string condition value.
func formatKeyValue(kv KeyValue) string {
	if kv.Key == "" {
		return fmt.Sprintf("any key=%q", kv.Value)
	}
	return fmt.Sprintf("%q=%q", kv.Key, kv.Value)
}

// explainSource words a source-ip verdict (CND-SRC).
func (m *matcher) explainSource(source netip.Addr, ok bool) string {
	if !source.IsValid() {
		return "source address unknown"
	}
	if ok {
		return fmt.Sprintf("source %s is in %s", source.Unmap().WithZone(""), strings.Join(m.cond.Values, ", "))
	}
	return fmt.Sprintf("source %s is not in %s (the TCP peer; X-Forwarded-For is never used)", source.Unmap().WithZone(""), strings.Join(m.cond.Values, ", "))
}

// wanted lists the condition's values and regexes for a reason.
func (m *matcher) wanted() string {
	parts := make([]string, 0, 2)
	if len(m.cond.Values) > 0 {
		parts = append(parts, quoteAll(m.cond.Values))
	}
	if len(m.cond.RegexValues) > 0 {
		parts = append(parts, "regex "+quoteAll(m.cond.RegexValues))
	}
	return strings.Join(parts, " or ")
}

// quote quotes s for a reason, escaping control characters.
func quote(s string) string {
	return fmt.Sprintf("%q", s)
}

// quoteAll quotes and joins values with "or".
func quoteAll(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = quote(v)
	}
	return strings.Join(q, " or ")
}
