package router

import (
	"net/http"
	"strings"

	"github.com/albatross-lb/albatross/internal/elberr"
)

// headerLineExtra is what a header line adds to its name and value.
const headerLineExtra = len(": \r\n")

// checkRequest applies the load balancer's own rejections before routing. Malformed requests
// that net/http refuses itself (no Host on HTTP/1.1, unsupported Transfer-Encoding) are turned
// into ALB pages by the listener.
func checkRequest(r *http.Request) *elberr.Error {
	if len(r.Method)+len(r.RequestURI)+len(r.Proto)+4 > elberr.MaxRequestLineBytes {
		return elberr.RequestLineTooLarge() // §12.14: an over-long request line is a too-long URL
	}
	if r.Method == http.MethodTrace {
		return &elberr.Error{Status: http.StatusMethodNotAllowed, Source: elberr.SourceClient} // LST-06
	}
	total := 0
	for name, values := range r.Header {
		for _, v := range values {
			line := len(name) + len(v) + headerLineExtra
			if line > elberr.MaxHeaderLineBytes {
				return elberr.HeaderTooLarge() // LIM-02
			}
			total += line
		}
	}
	if total > elberr.MaxRequestHeaderBytes {
		return elberr.HeaderTooLarge() // LIM-02
	}
	return nil
}

// requestHost returns host lowercased without its port; an IPv6 literal keeps its brackets, so
// that a redirect's #{host} still makes a valid URL ("[::1]:8080" -> "[::1]"). It does not
// allocate for a host that is already lowercase.
func requestHost(host string) string {
	if i := strings.LastIndexByte(host, ':'); i >= 0 && i > strings.LastIndexByte(host, ']') &&
		(strings.HasPrefix(host, "[") || strings.IndexByte(host[:i], ':') < 0) {
		host = host[:i]
	}
	return strings.ToLower(host)
}

// absoluteHost returns the host of an absolute-form request target ("GET http://h/ HTTP/1.1"),
// which HOST-01 forwards instead of the Host header.
func absoluteHost(r *http.Request) string {
	if r.URL.IsAbs() {
		return r.URL.Host
	}
	return ""
}

// wantsWebSocket reports an Upgrade: websocket request (RFC 6455), for the access log's type.
func wantsWebSocket(h http.Header) bool {
	for _, v := range h["Upgrade"] {
		for token := range strings.SplitSeq(v, ",") {
			name, _, _ := strings.Cut(strings.TrimSpace(token), "/")
			if strings.EqualFold(name, "websocket") {
				return true
			}
		}
	}
	return false
}
