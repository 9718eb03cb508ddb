package rule

import (
	"net/netip"
	"strings"
	"testing"
)

// TestRegexConditions covers RUL-15 and the §12.9 decisions on anchoring, case and subjects.
func TestRegexConditions(t *testing.T) {
	t.Parallel()
	host := func(res ...string) Condition { return Condition{Field: FieldHostHeader, RegexValues: res} }
	path := func(res ...string) Condition { return Condition{Field: FieldPathPattern, RegexValues: res} }
	header := func(res ...string) Condition {
		return Condition{Field: FieldHTTPHeader, HeaderName: "x-env", RegexValues: res}
	}
	runConditionCases(t, []conditionCase{
		{desc: "RUL-15 host regex searches unanchored", cond: host(`example`), host: "www.example.com", want: true},
		{desc: "RUL-15 anchored host regex needs the whole host", cond: host(`^example\.com$`), host: "www.example.com", want: false},
		{desc: "§12.9 host regex ignores case", cond: host(`^www\.example\.com$`), host: "WWW.Example.COM", want: true},
		{desc: "§12.9 host regex sees the port", cond: host(`^example\.com:8443$`), host: "example.com:8443", want: true},
		{desc: "§12.9 host regex without port part fails anchored on port", cond: host(`^example\.com$`), host: "example.com:8443", want: false},
		{desc: "RUL-11 any regex value matches", cond: host(`^a\.`, `^b\.`), host: "b.example.com", want: true},
		{desc: "RUL-15 path regex case-sensitive", cond: path(`^/API/`), target: "/api/x", want: false},
		{desc: "RUL-15 path regex (?i) opts into folding", cond: path(`(?i)^/API/`), target: "/api/x", want: true},
		{desc: "RUL-15 path regex never sees the query", cond: path(`debug`), target: "/x?debug=1", want: false},
		{desc: "RUL-15 path regex capture and classes", cond: path(`^/dp/[A-Za-z0-9]+/?$`), target: "/dp/B00X1/", want: true},
		{desc: "CND-PATH path regex sees unreserved escapes decoded", cond: path(`^/admin`), target: "/%61dmin", want: true},
		{desc: "RUL-15 header regex on any occurrence", cond: header(`^beta-\d+$`), headers: []string{"X-Env", "prod", "X-Env", "beta-7"}, want: true},
		{desc: "RUL-15 header regex case-sensitive", cond: header(`^BETA`), headers: []string{"X-Env", "beta"}, want: false},
		{desc: "RUL-15 absent header matches nothing", cond: header(`.*`), want: false},
		{desc: "RUL-13 control character in header value matches no regex", cond: header(`.*`), headers: []string{"X-Env", "a\x01b"}, want: false},
		{desc: "RUL-11 values and regex values are OR-ed", cond: Condition{Field: FieldPathPattern, Values: []string{"/a/*"}, RegexValues: []string{`^/b/`}}, target: "/b/1", want: true},
	})
}

// TestRegexRejected covers the RUL-15 list of unsupported features and the 128-character limit.
func TestRegexRejected(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, re, want string
	}{
		{desc: "RUL-15 lookahead", re: `^/a(?=b)`, want: "not a supported regular expression"},
		{desc: "RUL-15 lookbehind", re: `(?<=a)b`, want: "not a supported regular expression"},
		{desc: "RUL-15 backreference", re: `(a)\1`, want: "not a supported regular expression"},
		{desc: "RUL-15 atomic group", re: `(?>a)`, want: "not a supported regular expression"},
		{desc: "RUL-15 possessive quantifier", re: `a++`, want: "not a supported regular expression"},
		{desc: "RUL-15 recursion", re: `(?R)`, want: "not a supported regular expression"},
		{desc: "RUL-15 unicode class", re: `^\p{L}+$`, want: "unicode character classes"},
		{desc: "RUL-15 negated short unicode class", re: `\PN`, want: "unicode character classes"},
		{desc: "RUL-15 limit 128", re: "^" + strings.Repeat("a", 128), want: "at most 128"},
		{desc: "RUL-12 empty", re: "", want: "must not be empty"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			_, err := NewTable([]Rule{{Priority: 1, Conditions: []Condition{{Field: FieldPathPattern, RegexValues: []string{tc.re}}}}})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "rules[0].conditions[0].regex_values[0]") {
				t.Fatalf("err = %v, want path and %q", err, tc.want)
			}
		})
	}
}

// TestRegexEscapedBackslashP keeps `\\p` (a backslash, then p) legal: only `\p` classes are refused.
func TestRegexEscapedBackslashP(t *testing.T) {
	t.Parallel()
	if _, err := CompileRegex(`^a\\p$`, false); err != nil {
		t.Fatalf("CompileRegex: %v", err)
	}
}

// TestRegexOnlyOnTextFields refuses regex values on fields RUL-15 does not list.
func TestRegexOnlyOnTextFields(t *testing.T) {
	t.Parallel()
	_, err := NewTable([]Rule{{Priority: 1, Conditions: []Condition{{Field: FieldHTTPRequestMethod, Values: []string{"GET"}, RegexValues: []string{"G"}}}}})
	if err == nil || !strings.Contains(err.Error(), "only host-header, path-pattern and http-header") {
		t.Fatalf("err = %v", err)
	}
}

// TestExplainRegex words regex verdicts for `albatross explain` (RUL-15).
func TestExplainRegex(t *testing.T) {
	t.Parallel()
	table, err := NewTable([]Rule{{Priority: 1, Conditions: []Condition{
		{Field: FieldHostHeader, RegexValues: []string{`:8443$`}},
		{Field: FieldPathPattern, RegexValues: []string{`^/v[0-9]+/`}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	res := table.Explain(newRequest("GET", "/x/1", "a.example.com:8443"), netip.MustParseAddr("192.0.2.1"))
	host, path := res[0].Conditions[0], res[0].Conditions[1]
	if !host.Matched || !strings.Contains(host.Reason, `matches regex ":8443$"`) {
		t.Errorf("host verdict %+v", host)
	}
	if path.Matched || !strings.Contains(path.Reason, `does not match regex "^/v[0-9]+/"`) {
		t.Errorf("path verdict %+v", path)
	}
}
