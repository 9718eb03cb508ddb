package rule

import (
	"net/http"
	"net/url"
	"testing"
)

// TestHostNameCNDHOST covers the host-header subject decisions of §12.10.
func TestHostNameCNDHOST(t *testing.T) {
	t.Parallel()
	testCases := []struct{ desc, host, want string }{
		{desc: "plain name", host: "example.com", want: "example.com"},
		{desc: "port removed", host: "example.com:8080", want: "example.com"},
		{desc: "empty port removed", host: "example.com:", want: "example.com"},
		{desc: "case kept, folding happens when matching", host: "Example.COM", want: "Example.COM"},
		{desc: "trailing dot removed", host: "admin.example.com.", want: "admin.example.com"},
		{desc: "trailing dot and port removed", host: "admin.example.com.:443", want: "admin.example.com"},
		{desc: "IPv4 literal with port", host: "127.0.0.1:8080", want: "127.0.0.1"},
		{desc: "IPv6 literal with port", host: "[::1]:8080", want: "[::1]"},
		{desc: "IPv6 literal without port", host: "[::1]", want: "[::1]"},
		{desc: "bare IPv6 kept whole", host: "::1", want: "::1"},
		{desc: "unclosed bracket kept", host: "[::1", want: "[::1"},
		{desc: "empty host", host: "", want: ""},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := HostName(tc.host); got != tc.want {
				t.Errorf("HostName(%q) = %q, want %q", tc.host, got, tc.want)
			}
		})
	}
}

// TestRequestPathCNDPATH checks that the path is the raw request-target path without query
// (T25) in every request-target form, as net/http's server fills RequestURI (§12.7).
func TestRequestPathCNDPATH(t *testing.T) {
	t.Parallel()
	testCases := []struct{ desc, target, want string }{
		{desc: "origin form", target: "/a/b", want: "/a/b"},
		{desc: "query cut (T25)", target: "/img/a?x=/img/", want: "/img/a"},
		{desc: "escapes kept", target: "/a%20b/%2F?q=1", want: "/a%20b/%2F"},
		{desc: "dot segments kept", target: "/a/../b//c", want: "/a/../b//c"},
		{desc: "absolute form", target: "http://example.com/x/y?z", want: "/x/y"},
		{desc: "absolute form without path", target: "http://example.com?z", want: "/"},
		{desc: "asterisk form", target: "*", want: "*"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			u, err := url.ParseRequestURI(tc.target)
			if err != nil {
				t.Fatalf("ParseRequestURI(%q): %v", tc.target, err)
			}
			r := &http.Request{Method: "GET", URL: u, RequestURI: tc.target}
			if got := RequestPath(r); got != tc.want {
				t.Errorf("RequestPath(%q) = %q, want %q", tc.target, got, tc.want)
			}
		})
	}
}

// TestRequestPathWithoutRequestURI covers requests built in code, which have no RequestURI.
func TestRequestPathWithoutRequestURI(t *testing.T) {
	t.Parallel()
	r, err := http.NewRequest("GET", "http://example.com/a%2Fb/c?d=e", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := RequestPath(r), "/a%2Fb/c"; got != want {
		t.Errorf("RequestPath = %q, want %q", got, want)
	}
}

// TestNextPairCNDQS covers how a raw query splits into pairs (§12.8).
func TestNextPairCNDQS(t *testing.T) {
	t.Parallel()
	type pair struct{ key, value string }
	testCases := []struct {
		desc, query string
		want        []pair
	}{
		{desc: "empty", query: "", want: nil},
		{desc: "two pairs", query: "a=1&b=2", want: []pair{{"a", "1"}, {"b", "2"}}},
		{desc: "key without equals", query: "flag&a=1", want: []pair{{"flag", ""}, {"a", "1"}}},
		{desc: "empty key", query: "=v", want: []pair{{"", "v"}}},
		{desc: "empty pairs skipped", query: "&&a=1&", want: []pair{{"a", "1"}}},
		{desc: "semicolon is ordinary", query: "a=1;b=2", want: []pair{{"a", "1;b=2"}}},
		{desc: "only first equals splits", query: "a=b=c", want: []pair{{"a", "b=c"}}},
		{desc: "escapes not decoded here", query: "a%3D=b%26", want: []pair{{"a%3D", "b%26"}}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			var got []pair
			for q := tc.query; ; {
				key, value, rest, ok := nextPair(q)
				if !ok {
					break
				}
				got = append(got, pair{key, value})
				q = rest
			}
			if len(got) != len(tc.want) {
				t.Fatalf("pairs of %q = %q, want %q", tc.query, got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("pair %d of %q = %q, want %q", i, tc.query, got[i], tc.want[i])
				}
			}
		})
	}
}

// TestAppendUnescaped covers the two decoding modes (§12.7 for paths, §12.8 for queries).
func TestAppendUnescaped(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc, in       string
		unreservedOnly bool
		want           string
	}{
		{desc: "query: all escapes", in: "a%20b%2A%3f", want: "a b*?"},
		{desc: "query: plus stays", in: "a+b", want: "a+b"},
		{desc: "query: malformed kept", in: "%zz%4", want: "%zz%4"},
		{desc: "query: trailing percent", in: "100%", want: "100%"},
		{desc: "query: control decoded", in: "%00", want: "\x00"},
		{desc: "path: unreserved decoded", in: "/%61dmin/%7Ex%2d", unreservedOnly: true, want: "/admin/~x-"},
		{desc: "path: reserved kept", in: "/a%2Fb%3F%25", unreservedOnly: true, want: "/a%2Fb%3F%25"},
		{desc: "path: control kept encoded", in: "/%00", unreservedOnly: true, want: "/%00"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := string(appendUnescaped(nil, tc.in, tc.unreservedOnly)); got != tc.want {
				t.Errorf("appendUnescaped(%q, %v) = %q, want %q", tc.in, tc.unreservedOnly, got, tc.want)
			}
		})
	}
}
