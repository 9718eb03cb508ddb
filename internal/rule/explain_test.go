package rule

import (
	"net/netip"
	"testing"
)

// TestExplain checks the verdicts and reasons `albatross explain` prints, one per condition kind.
func TestExplain(t *testing.T) {
	t.Parallel()
	table, err := NewTable([]Rule{
		{Priority: 20, Conditions: []Condition{
			hostCond("*.example.com"),
			pathCond("/api/*"),
			{Field: FieldHTTPRequestMethod, Values: []string{"GET", "HEAD"}},
		}},
		{Priority: 10, Conditions: []Condition{
			{Field: FieldHTTPHeader, HeaderName: "x-env", Values: []string{"beta*"}},
			{Field: FieldQueryString, QueryValues: []KeyValue{{Key: "version", Value: "v2"}, {Value: "*debug*"}}},
			{Field: FieldSourceIP, Values: []string{"10.0.0.0/8"}},
		}},
		{Priority: 30, Conditions: []Condition{{Field: FieldHTTPHeader, HeaderName: "X-Missing", Values: []string{"a"}}}},
	})
	if err != nil {
		t.Fatalf("NewTable: %v", err)
	}
	r := newRequest("get", "/%61pi/x?a=1&Version=v2", "www.example.com:8080", "X-Env", "prod", "X-Env", "Beta-1")
	got := table.Explain(r, netip.MustParseAddr("::ffff:192.0.2.1"))
	want := []RuleResult{
		{Index: 1, Priority: 10, Conditions: []ConditionResult{
			{Field: FieldHTTPHeader, Matched: true, Reason: `header x-env value "Beta-1" matches "beta*"`},
			{Field: FieldQueryString, Matched: true, Reason: `query pair "Version"="v2" matches "version"="v2"`},
			{Field: FieldSourceIP, Reason: `source 192.0.2.1 is not in 10.0.0.0/8 (the TCP peer; X-Forwarded-For is never used)`},
		}},
		{Index: 0, Priority: 20, Conditions: []ConditionResult{
			{Field: FieldHostHeader, Matched: true, Reason: `host "www.example.com" matches "*.example.com"`},
			{Field: FieldPathPattern, Matched: true, Reason: `path "/%61pi/x" (read as "/api/x") matches "/api/*"`},
			{Field: FieldHTTPRequestMethod, Reason: `method "get" is not "GET" or "HEAD" (exact, case-sensitive)`},
		}},
		{Index: 2, Priority: 30, Conditions: []ConditionResult{
			{Field: FieldHTTPHeader, Reason: `header X-Missing is absent`},
		}},
	}
	if len(got) != len(want) {
		t.Fatalf("Explain returned %d results, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Index != w.Index || g.Priority != w.Priority || g.Matched != w.Matched || len(g.Conditions) != len(w.Conditions) {
			t.Errorf("result %d = %+v, want %+v", i, g, w)
			continue
		}
		for j := range w.Conditions {
			if g.Conditions[j] != w.Conditions[j] {
				t.Errorf("result %d condition %d = %+v, want %+v", i, j, g.Conditions[j], w.Conditions[j])
			}
		}
	}
}

// TestExplainMisses checks the wording of misses that TestExplain's request does not reach.
func TestExplainMisses(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, target, host string
		headers            []string
		cond               Condition
		want               string
	}{
		{desc: "host miss", host: "example.org", cond: hostCond("a.example.com", "b.example.com"),
			want: `host "example.org" does not match "a.example.com" or "b.example.com"`},
		{desc: "path miss", target: "/x?y=/api/", cond: pathCond("/api/*"), want: `path "/x" does not match "/api/*"`},
		{desc: "header miss", headers: []string{"X-Env", "prod"}, cond: Condition{Field: FieldHTTPHeader, HeaderName: "X-Env", Values: []string{"beta"}},
			want: `header X-Env values "prod" do not match "beta"`},
		{desc: "header control character", headers: []string{"X-Env", "be\tta"}, cond: Condition{Field: FieldHTTPHeader, HeaderName: "X-Env", Values: []string{"*"}},
			want: `header X-Env values "be\tta" do not match "*" (a value holding a control character matches nothing, RUL-13)`},
		{desc: "query miss", target: "/?a=1", cond: Condition{Field: FieldQueryString, QueryValues: []KeyValue{{Value: "*debug*"}}},
			want: `query "a=1" has no pair matching any key="*debug*"`},
		{desc: "method hit", cond: Condition{Field: FieldHTTPRequestMethod, Values: []string{"GET"}}, want: `method "GET" is listed`},
		{desc: "source hit", cond: Condition{Field: FieldSourceIP, Values: []string{"192.0.2.0/24"}}, want: `source 192.0.2.10 is in 192.0.2.0/24`},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			table, err := NewTable([]Rule{{Priority: 1, Conditions: []Condition{tc.cond}}})
			if err != nil {
				t.Fatalf("NewTable: %v", err)
			}
			target, host := tc.target, tc.host
			if target == "" {
				target = "/"
			}
			if host == "" {
				host = "example.com"
			}
			res := table.Explain(newRequest("GET", target, host, tc.headers...), peer)
			if got := res[0].Conditions[0].Reason; got != tc.want {
				t.Errorf("Reason = %s, want %s", got, tc.want)
			}
		})
	}
}
