package rule

import (
	"net/netip"
	"strings"
	"testing"
)

// TestTransformApply covers TRF-02..05 and the §12.9 decisions on what a rewrite sees and when
// it fails.
func TestTransformApply(t *testing.T) {
	t.Parallel()
	rw := func(re, rep string) []Rewrite { return []Rewrite{{Regex: re, Replace: rep}} }
	testCases := []struct {
		desc                 string
		tf                   Transforms
		host, target         string
		wantHost, wantTarget string
		want                 TransformStatus
	}{
		{desc: "TRF-05 url example", tf: Transforms{URL: rw(`^/dp/([A-Za-z0-9]+)/?$`, `/product.php?id=$1`)},
			host: "shop.example.com", target: "/dp/B0042/", wantHost: "shop.example.com", wantTarget: "/product.php?id=B0042", want: TransformApplied},
		{desc: "TRF-05 host example", tf: Transforms{HostHeader: rw(`^mywebsite-(.+).com$`, `internal.dev.$1.myweb.com`)},
			host: "mywebsite-eu.com", target: "/", wantHost: "internal.dev.eu.myweb.com", wantTarget: "/", want: TransformApplied},
		{desc: "TRF-04 no match leaves the request unchanged", tf: Transforms{URL: rw(`^/old/`, `/new/`)},
			host: "a.example.com", target: "/other", wantHost: "a.example.com", wantTarget: "/other", want: TransformNone},
		{desc: "§12.9 url rewrite sees the query", tf: Transforms{URL: rw(`^/s\?q=(\w+)$`, `/search/$1`)},
			host: "a.example.com", target: "/s?q=go", wantHost: "a.example.com", wantTarget: "/search/go", want: TransformApplied},
		{desc: "§12.9 only the leftmost match is replaced", tf: Transforms{URL: rw(`v1`, `v2`)},
			host: "h.example.com", target: "/v1/x/v1", wantHost: "h.example.com", wantTarget: "/v2/x/v1", want: TransformApplied},
		{desc: "§12.9 host regex ignores case", tf: Transforms{HostHeader: rw(`^API\.`, `internal.`)},
			host: "api.example.com", target: "/", wantHost: "internal.example.com", wantTarget: "/", want: TransformApplied},
		{desc: "TRF-02 named group and literal dollar", tf: Transforms{URL: rw(`^/u/(?P<id>\d+)$`, `/user?id=${id}&cost=$$5`)},
			host: "h.example.com", target: "/u/42", wantHost: "h.example.com", wantTarget: "/user?id=42&cost=$5", want: TransformApplied},
		{desc: "TRF-02 rewrites run in order", tf: Transforms{URL: []Rewrite{{Regex: `^/a`, Replace: `/b`}, {Regex: `^/b`, Replace: `/c`}}},
			host: "h.example.com", target: "/a", wantHost: "h.example.com", wantTarget: "/c", want: TransformApplied},
		{desc: "TRF-01 both transforms on one rule", tf: Transforms{HostHeader: rw(`^www\.`, ``), URL: rw(`^/$`, `/index.html`)},
			host: "www.example.com", target: "/", wantHost: "example.com", wantTarget: "/index.html", want: TransformApplied},
		{desc: "TRF-04 url without leading slash fails", tf: Transforms{URL: rw(`^/(.*)$`, `$1`)},
			host: "h.example.com", target: "/x", wantHost: "h.example.com", wantTarget: "/x", want: TransformFailed},
		{desc: "TRF-05 url rewrite cannot make an authority", tf: Transforms{URL: rw(`^/go/(.*)$`, `//$1`)},
			host: "h.example.com", target: "/go/evil.com", wantHost: "h.example.com", wantTarget: "/go/evil.com", want: TransformFailed},
		{desc: "TRF-04 url with a space fails", tf: Transforms{URL: rw(`^/x$`, `/a b`)},
			host: "h.example.com", target: "/x", wantHost: "h.example.com", wantTarget: "/x", want: TransformFailed},
		{desc: "TRF-04 empty host fails", tf: Transforms{HostHeader: rw(`^.*$`, ``)},
			host: "h.example.com", target: "/", wantHost: "h.example.com", wantTarget: "/", want: TransformFailed},
		{desc: "TRF-04 host with a slash fails", tf: Transforms{HostHeader: rw(`^h\.`, `h/`)},
			host: "h.example.com", target: "/", wantHost: "h.example.com", wantTarget: "/", want: TransformFailed},
		{desc: "TRF-04 host with a bad port fails", tf: Transforms{HostHeader: rw(`$`, `:x`)},
			host: "h.example.com", target: "/", wantHost: "h.example.com", wantTarget: "/", want: TransformFailed},
		{desc: "TRF-04 host with a port is valid", tf: Transforms{HostHeader: rw(`$`, `:8080`)},
			host: "h.example.com", target: "/", wantHost: "h.example.com:8080", wantTarget: "/", want: TransformApplied},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			tr, err := NewTransformer(tc.tf, "rules[0].transforms")
			if err != nil {
				t.Fatalf("NewTransformer: %v", err)
			}
			host, target, status := tr.Apply(tc.host, tc.target)
			if host != tc.wantHost || target != tc.wantTarget || status != tc.want {
				t.Errorf("Apply = %q, %q, %d; want %q, %q, %d", host, target, status, tc.wantHost, tc.wantTarget, tc.want)
			}
		})
	}
}

// TestNewTransformerErrors covers TRF-02's limits and the RUL-15 feature list for transforms.
func TestNewTransformerErrors(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc string
		tf   Transforms
		want string
	}{
		{desc: "TRF-02 regex required", tf: Transforms{URL: []Rewrite{{Replace: "/"}}}, want: "url_rewrite_config.rewrites[0].regex: is required"},
		{desc: "TRF-02 regex limit", tf: Transforms{URL: []Rewrite{{Regex: strings.Repeat("a", 1025)}}}, want: "at most 1024"},
		{desc: "TRF-02 replace limit", tf: Transforms{HostHeader: []Rewrite{{Regex: "a", Replace: strings.Repeat("a", 1025)}}}, want: "host_header_rewrite_config.rewrites[0].replace"},
		{desc: "RUL-15 lookahead in a transform", tf: Transforms{URL: []Rewrite{{Regex: `a(?=b)`}}}, want: "not a supported"},
		{desc: "RUL-15 unicode class in a transform", tf: Transforms{URL: []Rewrite{{Regex: `\p{Greek}`}}}, want: "unicode"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			_, err := NewTransformer(tc.tf, "rules[0].transforms")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestNewTransformerEmpty returns nil for a rule without transforms, the router's fast path.
func TestNewTransformerEmpty(t *testing.T) {
	t.Parallel()
	if tr, err := NewTransformer(Transforms{}, "x"); tr != nil || err != nil {
		t.Fatalf("NewTransformer(empty) = %v, %v; want nil, nil", tr, err)
	}
}

// TestTableTransformer finds each rule's transforms by Match's index and none for the default
// rule (TRF-01, TRF-03: transforms do not take part in matching).
func TestTableTransformer(t *testing.T) {
	t.Parallel()
	table, err := NewTable([]Rule{
		{Priority: 20, Conditions: []Condition{{Field: FieldPathPattern, Values: []string{"/a/*"}}},
			Transforms: Transforms{URL: []Rewrite{{Regex: "^/a/", Replace: "/b/"}}}},
		{Priority: 10, Conditions: []Condition{{Field: FieldPathPattern, Values: []string{"/b/*"}}}},
	})
	if err != nil {
		t.Fatalf("NewTable: %v", err)
	}
	index, _ := table.Match(newRequest("GET", "/a/x", "h.example.com"), netip.MustParseAddr("192.0.2.1"))
	if index != 0 || table.Transformer(0) == nil || table.Transformer(1) != nil || table.Transformer(-1) != nil {
		t.Fatalf("index %d, transformers %v %v %v", index, table.Transformer(0), table.Transformer(1), table.Transformer(-1))
	}
	_, target, _ := table.Transformer(0).Apply("h.example.com", "/a/x")
	if index, _ := table.Match(newRequest("GET", target, "h.example.com"), netip.MustParseAddr("192.0.2.1")); index != 1 {
		t.Fatalf("rewritten target %q would match rule %d; the test needs it to differ", target, index)
	}
	if _, err := NewTable([]Rule{{Priority: 1, Conditions: []Condition{{Field: FieldPathPattern, Values: []string{"/"}}},
		Transforms: Transforms{HostHeader: []Rewrite{{Regex: "(?=x)"}}}}}); err == nil ||
		!strings.Contains(err.Error(), "rules[0].transforms.host_header_rewrite_config.rewrites[0].regex") {
		t.Fatalf("NewTable error = %v", err)
	}
}

// FuzzTransform: Apply never panics, a failed or unmatched transform returns its inputs, and an
// applied one returns only a host and target that can be sent (TRF-04, TRF-05).
func FuzzTransform(f *testing.F) {
	f.Add(`^/dp/([A-Za-z0-9]+)/?$`, `/product.php?id=$1`, `^(.+)\.com$`, `$1.net`, "shop.com:8080", "/dp/B1/")
	f.Add(`.*`, `$9${x}$$`, `$`, ``, "", "")
	f.Fuzz(func(t *testing.T, urlRe, urlRep, hostRe, hostRep, host, target string) {
		tr, err := NewTransformer(Transforms{URL: []Rewrite{{Regex: urlRe, Replace: urlRep}}, HostHeader: []Rewrite{{Regex: hostRe, Replace: hostRep}}}, "t")
		if err != nil {
			return
		}
		h, u, status := tr.Apply(host, target)
		switch status {
		case TransformApplied:
			if (h != host && !validHost(h)) || (u != target && !validTarget(u)) {
				t.Fatalf("applied but invalid: host %q target %q", h, u)
			}
		default:
			if h != host || u != target {
				t.Fatalf("status %d changed %q %q to %q %q", status, host, target, h, u)
			}
		}
	})
}
