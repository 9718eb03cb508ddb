package rule

import (
	"errors"
	"fmt"
	"net/netip"
	"net/textproto"
	"regexp"
	"slices"
)

// Condition field names (RuleCondition.Field in the ELBv2 API, §2.3).
const (
	FieldHostHeader        = "host-header"
	FieldPathPattern       = "path-pattern"
	FieldHTTPHeader        = "http-header"
	FieldHTTPRequestMethod = "http-request-method"
	FieldQueryString       = "query-string"
	FieldSourceIP          = "source-ip"
)

// Condition is one rule condition as plain values. It is true when any of its values matches
// (RUL-11).
type Condition struct {
	// Field is one of the Field* constants.
	Field string
	// Values are the host, path, header-value or method patterns, or the source-ip CIDRs. Unused
	// for query-string.
	Values []string
	// RegexValues are RE2 regular expressions for host-header, path-pattern and http-header
	// conditions (RUL-15), OR-ed with Values; see CompileRegex for what is refused. A host regex
	// ignores case and sees the Host as sent, port included; the others are case-sensitive
	// unless they say (?i). A regex matches when it finds a match anywhere in the subject.
	RegexValues []string
	// HeaderName names the header of an http-header condition (any case); unused otherwise.
	HeaderName string
	// QueryValues are the pairs of a query-string condition; unused otherwise.
	QueryValues []KeyValue
}

// KeyValue is one query-string condition value. An empty Key matches Value under any key (CND-QS).
// In both, `\*` and `\?` stand for a literal `*` and `?`.
type KeyValue struct {
	Key, Value string
}

// queryPattern is a compiled KeyValue.
type queryPattern struct {
	key    pattern
	hasKey bool
	value  pattern
}

// matcher is a compiled Condition. It is a concrete struct rather than an interface so that
// request-scoped buffers handed to it stay on the stack.
type matcher struct {
	cond     Condition // as given, for Explain
	header   string    // canonical header name (http-header)
	patterns []pattern // host-header, path-pattern, http-header
	regexes  []*regexp.Regexp
	methods  []string
	pairs    []queryPattern
	prefixes []netip.Prefix
}

// compileCondition compiles c; errors carry the offending value's path below at.
func compileCondition(c Condition, at string) (matcher, error) {
	// Copies keep the Table immutable whatever the caller later does with its slices.
	c.Values, c.QueryValues = slices.Clone(c.Values), slices.Clone(c.QueryValues)
	c.RegexValues = slices.Clone(c.RegexValues)
	m := matcher{cond: c}
	var regexErrs []error
	if len(c.RegexValues) > 0 && c.Field != FieldHostHeader && c.Field != FieldPathPattern && c.Field != FieldHTTPHeader {
		regexErrs = append(regexErrs, fmt.Errorf("%s.regex_values: only host-header, path-pattern and http-header take regex values (RUL-15)", at))
	}
	switch c.Field {
	case FieldHostHeader, FieldHTTPHeader:
		m.patterns = compileAll(c.Values, true)
		m.regexes, regexErrs = compileRegexes(c.RegexValues, c.Field == FieldHostHeader, at)
	case FieldPathPattern:
		m.patterns = compileAll(c.Values, false)
		m.regexes, regexErrs = compileRegexes(c.RegexValues, false, at)
	case FieldHTTPRequestMethod:
		m.methods = c.Values
	case FieldQueryString:
		for _, kv := range c.QueryValues {
			m.pairs = append(m.pairs, queryPattern{
				key:    compilePattern(kv.Key, true, true),
				hasKey: kv.Key != "",
				value:  compilePattern(kv.Value, true, true),
			})
		}
	case FieldSourceIP:
		err := m.compilePrefixes(at)
		return m, errors.Join(append(regexErrs, err)...)
	default:
		return m, fmt.Errorf("%s.field: unknown condition field %q", at, c.Field)
	}
	// check fills m.header, so it must run before m is copied out.
	err := m.check(at)
	return m, errors.Join(append(regexErrs, err)...)
}

// check rejects conditions that could never be evaluated as AWS defines them.
func (m *matcher) check(at string) error {
	c := m.cond
	var errs []error
	if c.Field == FieldHTTPHeader {
		if c.HeaderName == "" {
			errs = append(errs, fmt.Errorf("%s.http_header_name: required", at))
		}
		m.header = textproto.CanonicalMIMEHeaderKey(c.HeaderName)
	}
	if c.Field == FieldQueryString {
		if len(c.QueryValues) == 0 {
			errs = append(errs, fmt.Errorf("%s.values: at least one value is required", at))
		}
		for i, kv := range c.QueryValues {
			if kv.Value == "" {
				errs = append(errs, fmt.Errorf("%s.values[%d].value: must not be empty (RUL-12)", at, i))
			}
		}
		return errors.Join(errs...)
	}
	if len(c.Values) == 0 && len(c.RegexValues) == 0 {
		errs = append(errs, fmt.Errorf("%s.values: at least one value is required", at))
	}
	for i, v := range c.Values {
		if v == "" {
			errs = append(errs, fmt.Errorf("%s.values[%d]: must not be empty (RUL-12)", at, i))
		}
	}
	return errors.Join(errs...)
}

// compilePrefixes parses source-ip CIDRs (CND-SRC). An IPv4-mapped IPv6 prefix
// (`::ffff:10.0.0.0/104`) is turned into its IPv4 form because peers are compared unmapped.
func (m *matcher) compilePrefixes(at string) error {
	if len(m.cond.Values) == 0 {
		return fmt.Errorf("%s.values: at least one value is required", at)
	}
	var errs []error
	for i, v := range m.cond.Values {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s.values[%d]: not a CIDR block: %w", at, i, err))
			continue
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		m.prefixes = append(m.prefixes, p.Masked())
	}
	return errors.Join(errs...)
}

// compileAll compiles values without escapes (only query-string values have them).
func compileAll(values []string, fold bool) []pattern {
	out := make([]pattern, len(values))
	for i, v := range values {
		out[i] = compilePattern(v, fold, false)
	}
	return out
}

// match reports whether the condition holds for the request.
func (m *matcher) match(q *request) bool {
	switch m.cond.Field {
	case FieldHostHeader:
		host, visible := q.hostName()
		return visible && matchVisible(m.patterns, host) || matchRegexes(m.regexes, q.r.Host)
	case FieldPathPattern:
		return m.matchPath(q.rawPath())
	case FieldHTTPHeader:
		return m.matchHeader(q.r.Header[m.header])
	case FieldHTTPRequestMethod:
		return m.matchMethod(q.r.Method)
	case FieldQueryString:
		return m.matchQuery(requestQuery(q.r))
	case FieldSourceIP:
		return m.matchSource(q.source)
	}
	return false
}

// matchPath matches the raw path (CND-PATH, §12.7). Escapes of unreserved characters are decoded
// first (`/%61dmin` is `/admin` to every server behind us, so it must not dodge an `/admin*` rule);
// all other escapes, `%2F` included, stay as sent.
func (m *matcher) matchPath(path string, visible, escaped bool) bool {
	switch {
	case !visible:
		return false
	case !escaped:
		return matchVisible(m.patterns, path) || matchRegexes(m.regexes, path)
	}
	var buf [decodeBufSize]byte
	decoded := appendUnescaped(buf[:0], path, true)
	// The copy keeps buf on the stack for rules without regexes.
	return matchVisible(m.patterns, decoded) || len(m.regexes) > 0 && matchRegexes(m.regexes, string(decoded))
}

// matchHeader tests each occurrence of the header in order until one matches (CND-HDR); an absent
// header matches nothing.
func (m *matcher) matchHeader(values []string) bool {
	for _, v := range values {
		if matchAny(m.patterns, v) || matchRegexes(m.regexes, v) {
			return true
		}
	}
	return false
}

// matchMethod compares exactly and case-sensitively, without wildcards (CND-METH, T24).
func (m *matcher) matchMethod(method string) bool {
	for _, v := range m.methods {
		if v == method {
			return true
		}
	}
	return false
}

// matchSource tests the TCP peer, never X-Forwarded-For (CND-SRC). IPv4-mapped IPv6 peers (from
// dual-stack sockets) are compared as IPv4, and link-local zones are ignored.
func (m *matcher) matchSource(source netip.Addr) bool {
	source = source.Unmap().WithZone("")
	for _, p := range m.prefixes {
		if p.Contains(source) {
			return true
		}
	}
	return false
}
