package rule

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

// conditionCase is one request checked against one condition.
type conditionCase struct {
	desc    string
	cond    Condition
	method  string // default GET
	target  string // request target; default "/"
	host    string // default example.com
	headers []string
	source  string // TCP peer; default 192.0.2.10
	want    bool
}

// newRequest builds a server-side request as net/http's server would (RequestURI set).
func newRequest(method, target, host string, headers ...string) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	r.Host = host
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Add(headers[i], headers[i+1])
	}
	return r
}

// runConditionCases evaluates each case through a one-rule Table, the way Match sees it.
func runConditionCases(t *testing.T, testCases []conditionCase) {
	t.Helper()
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			table, err := NewTable([]Rule{{Priority: 1, Conditions: []Condition{tc.cond}}})
			if err != nil {
				t.Fatalf("NewTable: %v", err)
			}
			method, target, host, source := "GET", "/", "example.com", "192.0.2.10"
			for _, override := range []struct {
				dst *string
				v   string
			}{
				{&method, tc.method}, {&target, tc.target}, {&host, tc.host}, {&source, tc.source},
			} {
				if override.v != "" {
					*override.dst = override.v
				}
			}
			r := newRequest(method, target, host, tc.headers...)
			index, _ := table.Match(r, netip.MustParseAddr(source))
			if got := index == 0; got != tc.want {
				t.Errorf("match = %v, want %v", got, tc.want)
			}
		})
	}
}

func hostCond(values ...string) Condition {
	return Condition{Field: FieldHostHeader, Values: values}
}

func pathCond(values ...string) Condition {
	return Condition{Field: FieldPathPattern, Values: values}
}

// TestHostHeaderCNDHOST: case-insensitive, wildcards, port ignored (§12.10).
func TestHostHeaderCNDHOST(t *testing.T) {
	t.Parallel()
	runConditionCases(t, []conditionCase{
		{desc: "T23 case-insensitive", cond: hostCond("EXAMPLE.com"), host: "example.COM", want: true},
		{desc: "RUL-14 suffix wildcard", cond: hostCond("*.example.com"), host: "test.example.com", want: true},
		{desc: "RUL-14 suffix needs a label", cond: hostCond("*.example.com"), host: "example.com"},
		{desc: "RUL-14 question mark", cond: hostCond("api-?.example.com"), host: "api-2.example.com", want: true},
		{desc: "§12.10 port ignored", cond: hostCond("example.com"), host: "example.com:8080", want: true},
		{desc: "§12.10 trailing dot ignored", cond: hostCond("example.com"), host: "example.com.", want: true},
		{desc: "other host", cond: hostCond("example.com"), host: "example.org"},
		{desc: "RUL-11 values OR-ed", cond: hostCond("a.example.com", "b.example.com"), host: "b.example.com", want: true},
		{desc: "§12.10 IPv4 literal host", cond: hostCond("127.0.0.*"), host: "127.0.0.1:8080", want: true},
		{desc: "§12.10 IPv6 literal never equals a name", cond: hostCond("*.example.com"), host: "[::1]:8080"},
	})
}

// TestPathPatternCNDPATH: case-sensitive, path only, raw with unreserved escapes decoded (§12.7).
func TestPathPatternCNDPATH(t *testing.T) {
	t.Parallel()
	runConditionCases(t, []conditionCase{
		{desc: "RUL-14 prefix", cond: pathCond("/img/*"), target: "/img/picture.jpg", want: true},
		{desc: "T23 case-sensitive", cond: pathCond("/API/*"), target: "/api/x"},
		{desc: "T25 query not tested", cond: pathCond("/img/*"), target: "/a?x=/img/"},
		{desc: "T25 path tested without query", cond: pathCond("/img/a"), target: "/img/a?x=/img/", want: true},
		{desc: "§12.7 unreserved escape decoded", cond: pathCond("/admin*"), target: "/%61dmin/x", want: true},
		{desc: "§12.7 encoded slash stays encoded", cond: pathCond("/a/b"), target: "/a%2Fb"},
		{desc: "§12.7 escaped text reachable by wildcard", cond: pathCond("/files/*"), target: "/files/a%20b", want: true},
		{desc: "§12.7 dot segments not resolved", cond: pathCond("/admin/*"), target: "/public/../admin/x"},
		{desc: "absolute-form target", cond: pathCond("/x"), target: "http://example.com/x?y", want: true},
		{desc: "gRPC service path", cond: pathCond("/package.service/*"), target: "/package.service/Method", want: true},
	})
}

// TestHTTPHeaderCNDHDR: name and value case-insensitive, each occurrence tried in order.
func TestHTTPHeaderCNDHDR(t *testing.T) {
	t.Parallel()
	env := Condition{Field: FieldHTTPHeader, HeaderName: "x-ENV", Values: []string{"beta*"}}
	runConditionCases(t, []conditionCase{
		{desc: "name and value case-insensitive", cond: env, headers: []string{"X-Env", "BETA-2"}, want: true},
		{desc: "absent header", cond: env},
		{desc: "other value", cond: env, headers: []string{"X-Env", "prod"}},
		{desc: "second occurrence matches", cond: env, headers: []string{"X-Env", "prod", "X-Env", "beta"}, want: true},
		{desc: "comma list is one occurrence", cond: env, headers: []string{"X-Env", "prod, beta"}},
		{desc: "RUL-13 tab inside value", cond: env, headers: []string{"X-Env", "beta\tx"}},
		{desc: "XFF via http-header (CND-SRC)", cond: Condition{Field: FieldHTTPHeader, HeaderName: "X-Forwarded-For", Values: []string{"203.0.113.*"}},
			headers: []string{"X-Forwarded-For", "203.0.113.7"}, want: true},
	})
}

// TestMethodCNDMETH: exact, case-sensitive, no wildcards.
func TestMethodCNDMETH(t *testing.T) {
	t.Parallel()
	get := Condition{Field: FieldHTTPRequestMethod, Values: []string{"GET", "HEAD"}}
	runConditionCases(t, []conditionCase{
		{desc: "exact", cond: get, method: "GET", want: true},
		{desc: "RUL-11 second value", cond: get, method: "HEAD", want: true},
		{desc: "T24 lowercase does not match", cond: get, method: "get"},
		{desc: "no wildcard", cond: Condition{Field: FieldHTTPRequestMethod, Values: []string{"G*"}}, method: "GET"},
		{desc: "custom method", cond: Condition{Field: FieldHTTPRequestMethod, Values: []string{"PURGE_ALL"}}, method: "PURGE_ALL", want: true},
	})
}

// TestQueryStringCNDQS: pairs from the raw query, decoded escapes, literal escapes (§12.8).
func TestQueryStringCNDQS(t *testing.T) {
	t.Parallel()
	qs := func(pairs ...KeyValue) Condition { return Condition{Field: FieldQueryString, QueryValues: pairs} }
	runConditionCases(t, []conditionCase{
		{desc: "key and value", cond: qs(KeyValue{"version", "v2"}), target: "/?a=1&version=v2", want: true},
		{desc: "case-insensitive", cond: qs(KeyValue{"Version", "V2"}), target: "/?VERSION=v2", want: true},
		{desc: "value under another key", cond: qs(KeyValue{"version", "v2"}), target: "/?other=v2"},
		{desc: "any key", cond: qs(KeyValue{"", "*debug*"}), target: "/?x=1&trace=DEBUG-on", want: true},
		{desc: "value-only ignores keys", cond: qs(KeyValue{"", "debug"}), target: "/?debug=1"},
		{desc: "RUL-11 second pair", cond: qs(KeyValue{"a", "1"}, KeyValue{"b", "2"}), target: "/?b=2", want: true},
		{desc: "escaped star literal", cond: qs(KeyValue{"q", `\*`}), target: "/?q=*", want: true},
		{desc: "escaped star not wildcard", cond: qs(KeyValue{"q", `\*`}), target: "/?q=all"},
		{desc: "escaped question literal", cond: qs(KeyValue{"q", `why\?`}), target: "/?q=why%3F", want: true},
		{desc: "§12.8 percent-decoded value", cond: qs(KeyValue{"q", "hello world"}), target: "/?q=hello%20world", want: true},
		{desc: "§12.8 percent-decoded key", cond: qs(KeyValue{"a b", "1"}), target: "/?a%20b=1", want: true},
		{desc: "§12.8 plus is not a space", cond: qs(KeyValue{"q", "hello world"}), target: "/?q=hello+world"},
		{desc: "§12.8 plus is literal", cond: qs(KeyValue{"q", "a+b"}), target: "/?q=a+b", want: true},
		{desc: "§12.8 key without equals", cond: qs(KeyValue{"flag", "*"}), target: "/?flag", want: true},
		{desc: "§12.8 empty key", cond: qs(KeyValue{"", "v"}), target: "/?=v", want: true},
		{desc: "§12.8 semicolon is not a separator", cond: qs(KeyValue{"b", "2"}), target: "/?a=1;b=2"},
		{desc: "§12.8 long decoded value", cond: qs(KeyValue{"q", "*z"}), target: "/?q=" + strings.Repeat("%41", 300) + "z", want: true},
		{desc: "RUL-13 decoded NUL", cond: qs(KeyValue{"q", "*"}), target: "/?q=a%00"},
		{desc: "RUL-13 control in key spares value-only", cond: qs(KeyValue{"", "v"}), target: "/?k%0A=v", want: true},
		{desc: "RUL-13 control in key", cond: qs(KeyValue{"*", "v"}), target: "/?k%0A=v"},
		{desc: "no query", cond: qs(KeyValue{"", "*"}), target: "/"},
	})
}

// TestSourceIPCNDSRC: the TCP peer, IPv4 and IPv6, mapped addresses as IPv4, never XFF.
func TestSourceIPCNDSRC(t *testing.T) {
	t.Parallel()
	src := Condition{Field: FieldSourceIP, Values: []string{"10.0.0.0/8", "2001:db8::/32"}}
	runConditionCases(t, []conditionCase{
		{desc: "IPv4 inside", cond: src, source: "10.1.2.3", want: true},
		{desc: "IPv4 outside", cond: src, source: "11.0.0.1"},
		{desc: "IPv6 inside", cond: src, source: "2001:db8::1", want: true},
		{desc: "IPv4-mapped peer", cond: src, source: "::ffff:10.0.0.1", want: true},
		{desc: "zone ignored", cond: Condition{Field: FieldSourceIP, Values: []string{"fe80::/10"}}, source: "fe80::1%eth0", want: true},
		{desc: "mapped prefix", cond: Condition{Field: FieldSourceIP, Values: []string{"::ffff:10.0.0.0/104"}}, source: "10.9.9.9", want: true},
		{desc: "host bits in prefix", cond: Condition{Field: FieldSourceIP, Values: []string{"10.1.2.3/8"}}, source: "10.200.0.1", want: true},
		{desc: "XFF ignored", cond: src, source: "192.0.2.1", headers: []string{"X-Forwarded-For", "10.0.0.1"}},
	})
}
