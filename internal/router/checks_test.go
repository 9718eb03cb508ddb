package router

import (
	"bufio"
	"net/http"
	"strings"
	"testing"
)

// TestCheckRequest pins the load balancer's own rejections and their LIM-01 boundaries (LIM-02,
// LST-06, T29): the request line counts method, target, version, two spaces and CRLF; a header
// line counts name, ": ", value and CRLF.
func TestCheckRequest(t *testing.T) {
	const k16 = 16 << 10
	line := func(n int) string { // a request line of exactly n bytes with CRLF
		return "GET /" + strings.Repeat("a", n-len("GET / HTTP/1.1\r\n")) + " HTTP/1.1\r\n"
	}
	header := func(name string, n int) string { // a header line of exactly n bytes with CRLF
		return name + ": " + strings.Repeat("v", n-len(name)-4) + "\r\n"
	}
	block := func(lines, each int) string {
		var b strings.Builder
		for i := range lines {
			b.WriteString(header("X-H"+string(rune('a'+i)), each))
		}
		return b.String()
	}
	testCases := []struct {
		desc string
		head string // request line and headers, without Host and the blank line
		want int    // 0: accepted
	}{
		{desc: "plain GET", head: "GET / HTTP/1.1\r\n"},
		{desc: "T29 TRACE -> 405", head: "TRACE / HTTP/1.1\r\n", want: 405},
		{desc: "request line of exactly 16 K", head: line(k16)},
		{desc: "request line over 16 K -> 414", head: line(k16 + 1), want: 414},
		{desc: "over-long TRACE is a 414 first", head: "TRACE /" + strings.Repeat("a", k16) + " HTTP/1.1\r\n", want: 414},
		{desc: "header line of exactly 16 K", head: "GET / HTTP/1.1\r\n" + header("X-Long", k16)},
		{desc: "header line over 16 K -> 400", head: "GET / HTTP/1.1\r\n" + header("X-Long", k16+1), want: 400},
		{desc: "header block of 64 K", head: "GET / HTTP/1.1\r\n" + block(4, k16)},
		{desc: "header block over 64 K -> 400", head: "GET / HTTP/1.1\r\n" + block(4, k16) + header("X-One", 10), want: 400},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(tc.head + "Host: h\r\n\r\n")))
			if err != nil {
				t.Fatal(err)
			}
			got := 0
			if e := checkRequest(r); e != nil {
				got = e.Status
			}
			if got != tc.want {
				t.Errorf("checkRequest = %d, want %d", got, tc.want)
			}
		})
	}
}

// TestRequestHost: the host redirects expand #{host} to (RDR-02, RDR-04): lowercase, no port,
// IPv6 brackets kept so that the Location stays a valid URL.
func TestRequestHost(t *testing.T) {
	testCases := []struct{ desc, host, want string }{
		{desc: "name", host: "example.com", want: "example.com"},
		{desc: "name with port", host: "Example.COM:8080", want: "example.com"},
		{desc: "empty port", host: "example.com:", want: "example.com"},
		{desc: "IPv4 with port", host: "127.0.0.1:80", want: "127.0.0.1"},
		{desc: "IPv6 with port", host: "[::1]:8080", want: "[::1]"},
		{desc: "IPv6 without port", host: "[2001:DB8::1]", want: "[2001:db8::1]"},
		{desc: "bare IPv6 is not split", host: "::1", want: "::1"},
		{desc: "empty", host: "", want: ""},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			if got := requestHost(tc.host); got != tc.want {
				t.Errorf("requestHost(%q) = %q, want %q", tc.host, got, tc.want)
			}
		})
	}
}
