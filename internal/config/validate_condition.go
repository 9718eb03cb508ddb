package config

import (
	"net/netip"
	"strings"

	rulematch "github.com/albatross-lb/albatross/internal/rule"
)

// Condition value limits (CND-*).
const (
	maxConditionValueLen = 128
	maxHeaderNameLen     = 40
	maxMethodLen         = 40
)

// conditionValues checks every value of a condition against its field's rules and returns how
// many values there are and how many wildcards they use (RUL-12 counts both per rule).
func (v *validator) conditionValues(p string, c *Condition) (n, wildcards int) {
	check := func(vp string, vals []string, one func(string, string) int) {
		for i, s := range vals {
			ip := idx(vp, i)
			if s == "" {
				v.ps.Add(ip, "must not be empty (RUL-12)")
			} else {
				wildcards += one(ip, s)
			}
		}
		n += len(vals)
	}
	switch c.Field {
	case FieldHostHeader:
		check(key(p, "values"), c.Values, v.hostValue)
		if h := c.HostHeaderConfig; h != nil {
			check(key(p, "host_header_config.values"), h.Values, v.hostValue)
		}
	case FieldPathPattern:
		check(key(p, "values"), c.Values, v.pathValue)
		if pc := c.PathPatternConfig; pc != nil {
			check(key(p, "path_pattern_config.values"), pc.Values, v.pathValue)
		}
	case FieldHTTPHeader:
		if h := c.HTTPHeaderConfig; h != nil {
			v.headerName(key(p, "http_header_config.http_header_name"), h.HTTPHeaderName)
			check(key(p, "http_header_config.values"), h.Values, v.headerValue)
		}
	case FieldHTTPRequestMethod:
		if mc := c.HTTPRequestMethodConfig; mc != nil {
			check(key(p, "http_request_method_config.values"), mc.Values, v.methodValue)
		}
	case FieldSourceIP:
		if sc := c.SourceIPConfig; sc != nil {
			check(key(p, "source_ip_config.values"), sc.Values, v.sourceIPValue)
		}
	case FieldQueryString:
		if q := c.QueryStringConfig; q != nil {
			for i, kv := range q.Values {
				wildcards += v.queryValue(idx(key(p, "query_string_config.values"), i), kv)
			}
			n += len(q.Values)
		}
	}
	return n + v.conditionRegexes(p, c), wildcards
}

// conditionRegexes checks the regex_values of a condition (RUL-15) and returns how many there
// are: they count as match evaluations (RUL-12) but not as wildcards.
func (v *validator) conditionRegexes(p string, c *Condition) int {
	var cp string
	var vals, regexVals []string
	switch {
	case c.Field == FieldHostHeader && c.HostHeaderConfig != nil:
		cp, vals, regexVals = "host_header_config", c.HostHeaderConfig.Values, c.HostHeaderConfig.RegexValues
	case c.Field == FieldPathPattern && c.PathPatternConfig != nil:
		cp, vals, regexVals = "path_pattern_config", c.PathPatternConfig.Values, c.PathPatternConfig.RegexValues
	case c.Field == FieldHTTPHeader && c.HTTPHeaderConfig != nil:
		cp, vals, regexVals = "http_header_config", c.HTTPHeaderConfig.Values, c.HTTPHeaderConfig.RegexValues
	case c.Field == FieldHTTPRequestMethod && c.HTTPRequestMethodConfig != nil:
		v.noRegex(key(p, "http_request_method_config.regex_values"), c.HTTPRequestMethodConfig.RegexValues)
		return 0
	case c.Field == FieldSourceIP && c.SourceIPConfig != nil:
		v.noRegex(key(p, "source_ip_config.regex_values"), c.SourceIPConfig.RegexValues)
		return 0
	default:
		return 0
	}
	v.exclusiveRegex(key(p, cp), vals, regexVals)
	check := v.regexValue(c.Field == FieldHostHeader)
	for i, s := range regexVals {
		ip := idx(key(p, cp+".regex_values"), i)
		if s == "" {
			v.ps.Add(ip, "must not be empty (RUL-12)")
			continue
		}
		check(ip, s)
	}
	return len(regexVals)
}

// hostValue checks a host-header value (CND-HOST): ≤128 characters of A-Z a-z 0-9 - . * ?, with
// at least one dot. [amb] after the last dot: letters and digits (and wildcards) are accepted —
// the newer documentation text — rather than letters only.
func (v *validator) hostValue(p, s string) int {
	switch {
	case len(s) > maxConditionValueLen:
		v.ps.Add(p, "must be at most 128 characters (CND-HOST), got %d", len(s))
	case !onlyChars(s, isAlnum, "-.*?"):
		v.ps.Add(p, "may contain only letters, digits, -, ., * and ? (CND-HOST), got %q", s)
	case !strings.Contains(s, "."):
		v.ps.Add(p, "must contain at least one \".\" (CND-HOST), got %q", s)
	case strings.HasSuffix(s, "."):
		v.ps.Add(p, "must have letters or digits after the last \".\" (CND-HOST), got %q", s)
	}
	return countWildcards(s)
}

// pathValue checks a path-pattern value (CND-PATH).
func (v *validator) pathValue(p, s string) int {
	switch {
	case len(s) > maxConditionValueLen:
		v.ps.Add(p, "must be at most 128 characters (CND-PATH), got %d", len(s))
	case !onlyChars(s, isAlnum, "_-.$/~\"'@:+&*?"):
		v.ps.Add(p, "may contain only letters, digits and _ - . $ / ~ \" ' @ : + & * ? (CND-PATH), got %q", s)
	}
	return countWildcards(s)
}

// regexValue returns the check of a regex condition value (RUL-15): ≤128 characters, RE2 syntax
// without \p{…} classes. It counts no wildcards.
func (v *validator) regexValue(fold bool) func(p, s string) int {
	return func(p, s string) int {
		if len(s) > rulematch.MaxRegexLen {
			v.ps.Add(p, "must be at most %d characters (RUL-15), got %d", rulematch.MaxRegexLen, len(s))
			return 0
		}
		if _, err := rulematch.CompileRegex(s, fold); err != nil {
			v.ps.Add(p, "%v", err)
		}
		return 0
	}
}

// exclusiveRegex refuses values and regex_values in one config, as the API does (RUL-15).
func (v *validator) exclusiveRegex(cp string, vals, regexVals []string) {
	if len(vals) > 0 && len(regexVals) > 0 {
		v.ps.Add(key(cp, "regex_values"), "give either values or regex_values, not both (RUL-15)")
	}
}

// noRegex refuses regex values on fields RUL-15 does not list.
func (v *validator) noRegex(p string, vals []string) {
	if len(vals) > 0 {
		v.ps.Add(p, "only host-header, path-pattern and http-header conditions take regex_values (RUL-15)")
	}
}

// headerName checks an http-header condition's header name (CND-HDR): an RFC 7230 token of at
// most 40 characters, without wildcards, and not Host (host-header exists for that).
func (v *validator) headerName(p, s string) {
	switch {
	case s == "":
		v.ps.Add(p, "is required")
	case len(s) > maxHeaderNameLen:
		v.ps.Add(p, "must be at most 40 characters (CND-HDR), got %d", len(s))
	case strings.ContainsAny(s, "*?"):
		v.ps.Add(p, "wildcards are not allowed in header names (CND-HDR), got %q", s)
	case !isToken(s):
		v.ps.Add(p, "must be an HTTP header name (RFC 7230 token characters) (CND-HDR), got %q", s)
	case strings.EqualFold(s, "Host"):
		v.ps.Add(p, "use a host-header condition for Host (CND-HDR)")
	}
}

// headerValue checks an http-header condition value (CND-HDR, RUL-13).
func (v *validator) headerValue(p, s string) int {
	switch {
	case len(s) > maxConditionValueLen:
		v.ps.Add(p, "must be at most 128 characters (CND-HDR), got %d", len(s))
	case hasControl(s):
		v.ps.Add(p, "must not contain control characters (RUL-13: they never match)")
	}
	return countWildcards(s)
}

// methodValue checks an http-request-method value (CND-METH): exact, A-Z - _, ≤40 characters.
func (v *validator) methodValue(p, s string) int {
	switch {
	case len(s) > maxMethodLen:
		v.ps.Add(p, "must be at most 40 characters (CND-METH), got %d", len(s))
	case !onlyChars(s, isUpper, "-_"):
		v.ps.Add(p, "may contain only A-Z, - and _ (CND-METH, case-sensitive, no wildcards), got %q", s)
	}
	return 0
}

// sourceIPValue checks a source-ip value (CND-SRC): an IPv4 or IPv6 CIDR, not 255.255.255.255/32.
func (v *validator) sourceIPValue(p, s string) int {
	pfx, err := netip.ParsePrefix(s)
	switch {
	case err != nil:
		v.ps.Add(p, "must be a CIDR block such as 10.0.0.0/8 or ::1/128 (CND-SRC), got %q", s)
	case pfx.Addr().Is4() && pfx.Bits() == 32 && pfx.Addr() == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		v.ps.Add(p, "255.255.255.255/32 is not allowed (CND-SRC)")
	}
	return 0
}

// queryValue checks one query-string key/value pair (CND-QS): value required, each part ≤128
// characters, a literal * or ? written \* or \?. Returns the unescaped wildcards of both parts.
func (v *validator) queryValue(p string, kv KeyValue) int {
	if kv.Value == "" {
		v.ps.Add(key(p, "value"), "is required (RUL-12: values may not be empty)")
	}
	w := 0
	for _, part := range []struct{ name, s string }{{"key", kv.Key}, {"value", kv.Value}} {
		pp := key(p, part.name)
		n, ok := queryWildcards(part.s)
		switch {
		case len(part.s) > maxConditionValueLen:
			v.ps.Add(pp, "must be at most 128 characters (CND-QS), got %d", len(part.s))
		case !ok:
			v.ps.Add(pp, "a backslash must escape *, ? or \\ (CND-QS), got %q", part.s)
		case hasControl(part.s):
			v.ps.Add(pp, "must not contain control characters (RUL-13: they never match)")
		}
		w += n
	}
	return w
}

// queryWildcards counts unescaped * and ? in a query-string pattern; ok is false when a
// backslash escapes something other than *, ? or \ (or ends the string).
func queryWildcards(s string) (n int, ok bool) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 >= len(s) || !strings.ContainsRune(`*?\`, rune(s[i+1])) {
				return n, false
			}
			i++
		case '*', '?':
			n++
		}
	}
	return n, true
}

func countWildcards(s string) int { return strings.Count(s, "*") + strings.Count(s, "?") }

func isAlnum(r rune) bool {
	return r < 128 && (isUpper(r) || r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
}

func isUpper(r rune) bool { return r >= 'A' && r <= 'Z' }

// onlyChars reports whether every rune of s satisfies class or is one of extra.
func onlyChars(s string, class func(rune) bool, extra string) bool {
	for _, r := range s {
		if !class(r) && !strings.ContainsRune(extra, r) {
			return false
		}
	}
	return true
}

// isToken reports whether s is an RFC 7230 token.
func isToken(s string) bool {
	return s != "" && onlyChars(s, isAlnum, "!#$%&'*+-.^_`|~")
}

// hasControl reports whether s holds 0x00-0x1F or 0x7F (RUL-13).
func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}
