package rule

import (
	"fmt"
	"net/http"
	"net/netip"
	"testing"
)

// typicalRules is a listener with the rules real deployments write: literal, prefix and suffix
// patterns, headers, methods, query strings and CIDRs.
func typicalRules() []Rule {
	return []Rule{
		{Priority: 10, Conditions: []Condition{hostCond("*.example.com"), pathCond("/api/*")}},
		{Priority: 20, Conditions: []Condition{pathCond("/teapot", "/health")}},
		{Priority: 30, Conditions: []Condition{{Field: FieldHTTPHeader, HeaderName: "X-Env", Values: []string{"beta*"}}}},
		{Priority: 40, Conditions: []Condition{{Field: FieldHTTPRequestMethod, Values: []string{"POST", "PUT"}}, pathCond("/upload/*")}},
		{Priority: 50, Conditions: []Condition{{Field: FieldQueryString, QueryValues: []KeyValue{{Key: "version", Value: "v2"}, {Value: "*debug*"}}}}},
		{Priority: 60, Conditions: []Condition{{Field: FieldSourceIP, Values: []string{"10.0.0.0/8", "2001:db8::/32"}}, pathCond("/admin/*")}},
		{Priority: 70, Conditions: []Condition{hostCond("static.example.org"), pathCond("/img/*/thumb-?.png")}},
	}
}

// TestMatchDoesNotAllocate asserts that matching typical rules allocates nothing, including the
// stack-decoded path and query cases.
func TestMatchDoesNotAllocate(t *testing.T) {
	table, err := NewTable(typicalRules())
	if err != nil {
		t.Fatalf("NewTable: %v", err)
	}
	testCases := []struct {
		desc, method, target, host string
		headers                    []string
		wantIndex                  int
	}{
		{desc: "host and prefix", method: "GET", target: "/api/users?id=7", host: "api.example.com:8080", wantIndex: 0},
		{desc: "exact path", method: "GET", target: "/health", host: "x.org", wantIndex: 1},
		{desc: "header", method: "GET", target: "/", host: "x.org", headers: []string{"X-Env", "other", "X-Env", "beta-3"}, wantIndex: 2},
		{desc: "query decoded", method: "GET", target: "/?a=1&Version=%76%32", host: "x.org", wantIndex: 4},
		{desc: "path decoded", method: "GET", target: "/%61dmin/x", host: "x.org", wantIndex: 5},
		{desc: "glob", method: "GET", target: "/img/a/b/thumb-1.png", host: "static.example.org", wantIndex: 6},
		{desc: "default rule", method: "DELETE", target: "/nothing?x=y", host: "x.org", wantIndex: -1},
	}
	source := netip.MustParseAddr("::ffff:10.1.1.1")
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			r := newRequest(tc.method, tc.target, tc.host, tc.headers...)
			if index, _ := table.Match(r, source); index != tc.wantIndex {
				t.Fatalf("Match index = %d, want %d", index, tc.wantIndex)
			}
			if allocs := testing.AllocsPerRun(100, func() { table.Match(r, source) }); allocs != 0 {
				t.Errorf("Match allocates %v times per request, want 0", allocs)
			}
		})
	}
}

// BenchmarkMatch100RulesLastMatches is the worst realistic listener: 100 rules (the default ALB
// quota), only the last one matching.
func BenchmarkMatch100RulesLastMatches(b *testing.B) {
	rules := make([]Rule, 100)
	for i := range rules {
		rules[i] = Rule{Priority: i + 1, Conditions: []Condition{
			hostCond(fmt.Sprintf("svc%d.example.com", i)),
			pathCond(fmt.Sprintf("/svc%d/*", i)),
		}}
	}
	benchmarkMatch(b, rules, newRequest("GET", "/svc99/items?id=1", "svc99.example.com"), 99)
}

// BenchmarkMatch10Rules is a typical listener.
func BenchmarkMatch10Rules(b *testing.B) {
	rules := append(typicalRules(),
		Rule{Priority: 80, Conditions: []Condition{pathCond("/v1/*")}},
		Rule{Priority: 90, Conditions: []Condition{hostCond("*.example.net")}},
		Rule{Priority: 100, Conditions: []Condition{pathCond("*")}},
	)
	benchmarkMatch(b, rules, newRequest("GET", "/shop/cart?item=3", "www.example.net"), 8)
}

// BenchmarkMatchGlobHeavy uses general globs that need backtracking on long subjects.
func BenchmarkMatchGlobHeavy(b *testing.B) {
	rules := []Rule{
		{Priority: 1, Conditions: []Condition{pathCond("/*/a*b*c*d/?.json")}},
		{Priority: 2, Conditions: []Condition{{Field: FieldHTTPHeader, HeaderName: "User-Agent", Values: []string{"*Mozilla*Gecko*Firefox/1??.1*"}}}},
		{Priority: 3, Conditions: []Condition{{Field: FieldQueryString, QueryValues: []KeyValue{{Key: "t?ace*", Value: "*on*x?z"}}}}},
	}
	r := newRequest("GET", "/aaaa/bbbb/aXbXcXd/aabbccdd/xy.json?q=1&trace_id=ononononxyz", "example.com",
		"User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
	benchmarkMatch(b, rules, r, 2)
}

func benchmarkMatch(b *testing.B, rules []Rule, r *http.Request, wantIndex int) {
	table, err := NewTable(rules)
	if err != nil {
		b.Fatalf("NewTable: %v", err)
	}
	source := netip.MustParseAddr("192.0.2.10")
	if index, _ := table.Match(r, source); index != wantIndex {
		b.Fatalf("Match index = %d, want %d", index, wantIndex)
	}
	b.ReportAllocs()
	for b.Loop() {
		table.Match(r, source)
	}
}
