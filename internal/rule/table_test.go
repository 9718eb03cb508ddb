package rule

import (
	"net/netip"
	"strings"
	"testing"
)

var peer = netip.MustParseAddr("192.0.2.10")

// TestMatchPriorityRUL01 checks ascending-priority evaluation, first match wins, -1 for the
// default rule (RUL-01), and the RuleEvaluations count (RUL-04).
func TestMatchPriorityRUL01(t *testing.T) {
	t.Parallel()
	rules := []Rule{
		{Priority: 10, Conditions: []Condition{pathCond("/img/*")}},           // index 0
		{Priority: 5, Conditions: []Condition{hostCond("*.example.com")}},     // index 1
		{Priority: 20, Conditions: []Condition{pathCond("/*")}},               // index 2
		{Priority: 1, Conditions: []Condition{hostCond("never.example.org")}}, // index 3
	}
	table, err := NewTable(rules)
	if err != nil {
		t.Fatalf("NewTable: %v", err)
	}
	testCases := []struct {
		desc, host, target string
		wantIndex, wantN   int
	}{
		{desc: "T22 lower priority number wins", host: "test.example.com", target: "/img/x", wantIndex: 1, wantN: 2},
		{desc: "later rule when earlier miss", host: "other.org", target: "/img/x", wantIndex: 0, wantN: 3},
		{desc: "last rule", host: "other.org", target: "/css/x", wantIndex: 2, wantN: 4},
		{desc: "default rule", host: "other.org", target: "*", wantIndex: -1, wantN: 4},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			index, n := table.Match(newRequest("OPTIONS", tc.target, tc.host), peer)
			if index != tc.wantIndex || n != tc.wantN {
				t.Errorf("Match = (%d, %d), want (%d, %d)", index, n, tc.wantIndex, tc.wantN)
			}
		})
	}
	if got := table.Len(); got != len(rules) {
		t.Errorf("Len = %d, want %d", got, len(rules))
	}
}

// TestMatchEmptyTableRUL04: no rules means the default rule, with nothing evaluated.
func TestMatchEmptyTableRUL04(t *testing.T) {
	t.Parallel()
	table, err := NewTable(nil)
	if err != nil {
		t.Fatalf("NewTable: %v", err)
	}
	if index, n := table.Match(newRequest("GET", "/", "example.com"), peer); index != -1 || n != 0 {
		t.Errorf("Match = (%d, %d), want (-1, 0)", index, n)
	}
}

// TestMatchConditionsANDedRUL11: every condition must hold; values inside one are OR-ed.
func TestMatchConditionsANDedRUL11(t *testing.T) {
	t.Parallel()
	table, err := NewTable([]Rule{{Priority: 1, Conditions: []Condition{
		pathCond("/api/*", "/v2/*"),
		{Field: FieldHTTPHeader, HeaderName: "X-Env", Values: []string{"beta"}},
		{Field: FieldHTTPHeader, HeaderName: "X-Team", Values: []string{"core"}},
	}}})
	if err != nil {
		t.Fatalf("NewTable: %v", err)
	}
	testCases := []struct {
		desc, target string
		headers      []string
		want         bool
	}{
		{desc: "all hold", target: "/v2/x", headers: []string{"X-Env", "beta", "X-Team", "core"}, want: true},
		{desc: "one header missing", target: "/api/x", headers: []string{"X-Env", "beta"}},
		{desc: "path fails", target: "/x", headers: []string{"X-Env", "beta", "X-Team", "core"}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			index, _ := table.Match(newRequest("GET", tc.target, "example.com", tc.headers...), peer)
			if got := index == 0; got != tc.want {
				t.Errorf("match = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestNewTableErrors checks that every problem is reported with its path.
func TestNewTableErrors(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc  string
		rules []Rule
		want  []string
	}{
		{desc: "RUL-01 duplicate priority", rules: []Rule{
			{Priority: 5, Conditions: []Condition{pathCond("/a")}},
			{Priority: 5, Conditions: []Condition{pathCond("/b")}},
		}, want: []string{"rules[1].priority: 5 is already used by rules[0]"}},
		{desc: "RUL-03 no conditions", rules: []Rule{{Priority: 1}},
			want: []string{"rules[0].conditions: a rule needs at least one condition"}},
		{desc: "unknown field", rules: []Rule{{Priority: 1, Conditions: []Condition{{Field: "cookie", Values: []string{"a"}}}}},
			want: []string{`rules[0].conditions[0].field: unknown condition field "cookie"`}},
		{desc: "RUL-12 empty value and missing values", rules: []Rule{{Priority: 1, Conditions: []Condition{
			pathCond("/a", ""), hostCond(),
		}}}, want: []string{"rules[0].conditions[0].values[1]: must not be empty", "rules[0].conditions[1].values: at least one value"}},
		{desc: "header without name", rules: []Rule{{Priority: 1, Conditions: []Condition{{Field: FieldHTTPHeader, Values: []string{"x"}}}}},
			want: []string{"rules[0].conditions[0].http_header_name: required"}},
		{desc: "query without values", rules: []Rule{{Priority: 1, Conditions: []Condition{
			{Field: FieldQueryString}, {Field: FieldQueryString, QueryValues: []KeyValue{{Key: "k"}}},
		}}}, want: []string{"rules[0].conditions[0].values: at least one value", "rules[0].conditions[1].values[0].value: must not be empty"}},
		{desc: "bad CIDR", rules: []Rule{{Priority: 1, Conditions: []Condition{{Field: FieldSourceIP, Values: []string{"10.0.0.1", "10.0.0.0/8"}}}}},
			want: []string{"rules[0].conditions[0].values[0]: not a CIDR block"}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			table, err := NewTable(tc.rules)
			if err == nil {
				t.Fatalf("NewTable = %v, want an error", table)
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}
