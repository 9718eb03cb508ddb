package rule

import (
	"net/http"
	"net/netip"
	"net/url"
	"testing"
)

// FuzzMatch feeds arbitrary patterns and arbitrary request fields, including ones net/http's
// parser would reject, through NewTable and Match: it must never panic, must return an index
// given to NewTable or -1, and must agree with Explain on the winner.
func FuzzMatch(f *testing.F) {
	f.Add("*.example.com", "/api/*", `k\*`, "GET", "test.example.com:80", "/api/x?k=*", "k=*", "beta", []byte{10, 0, 0, 1})
	f.Add("?", "*?*", "*", "get", "[::1", "http://h", "%", "\x00", []byte{})
	f.Add("", "", "", "", "", "", "=&&=", "", []byte{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, host, path, query, method, reqHost, target, rawQuery, header string, ip []byte) {
		rules := []Rule{
			{Priority: 3, Conditions: []Condition{hostCond(host), pathCond(path)}},
			{Priority: 1, Conditions: []Condition{{Field: FieldQueryString, QueryValues: []KeyValue{{Key: query, Value: query}, {Value: path}}}}},
			{Priority: 2, Conditions: []Condition{{Field: FieldHTTPHeader, HeaderName: "X-H", Values: []string{host, path}}}},
			{Priority: 4, Conditions: []Condition{{Field: FieldHTTPRequestMethod, Values: []string{method}}}},
			{Priority: 5, Conditions: []Condition{{Field: FieldSourceIP, Values: []string{host}}}},
		}
		table, err := NewTable(rules)
		if err != nil {
			return // empty or malformed values are rejected, by design
		}
		r := &http.Request{
			Method:     method,
			Host:       reqHost,
			RequestURI: target,
			URL:        &url.URL{Path: target, RawQuery: rawQuery},
			Header:     http.Header{"X-H": {header, target}},
		}
		source, _ := netip.AddrFromSlice(ip)
		index, evaluated := table.Match(r, source)
		if index < -1 || index >= len(rules) || evaluated < 0 || evaluated > len(rules) {
			t.Fatalf("Match = (%d, %d) for %d rules", index, evaluated, len(rules))
		}
		winner := -1
		for _, res := range table.Explain(r, source) {
			if res.Matched {
				winner = res.Index
				break
			}
		}
		if winner != index {
			t.Fatalf("Explain winner %d, Match %d", winner, index)
		}
	})
}
