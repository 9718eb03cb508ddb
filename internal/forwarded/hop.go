package forwarded

import (
	"net/textproto"
	"strings"
)

// hopByHop are the connection-scoped headers of RFC 9110 §7.6.1 plus the legacy ones proxies
// strip (the same list httputil.ReverseProxy uses).
var hopByHop = map[string]bool{
	"Connection":          true,
	"Proxy-Connection":    true,
	"Keep-Alive":          true,
	"Proxy-Authenticate":  true,
	"Proxy-Authorization": true,
	"Te":                  true,
	"Trailer":             true,
	"Transfer-Encoding":   true,
	"Upgrade":             true,
}

// IsHopByHop reports whether the header name (any case) is connection-scoped and must not be
// copied from a Lambda function's response to the client (HOP-02, LAM-25, T14). HTTP targets need
// no such help: httputil.ReverseProxy strips these in both directions. Requests to Lambda keep
// them in the event (LAM-15), so this applies to responses only.
func IsHopByHop(name string) bool {
	return hopByHop[textproto.CanonicalMIMEHeaderKey(name)]
}

// connectionKept are the Connection tokens that survive ResolveConnection: they are about the
// client connection itself (TMO-04, HOP-01) or a WebSocket upgrade (WS-01), not header names.
var connectionKept = map[string]bool{"close": true, "keep-alive": true, "upgrade": true}

// ResolveConnection applies the client's Connection header on receipt (RFC 9110 §7.6.1): every
// header it names is connection-scoped and removed, and so are the names from Connection. It
// must run before the load balancer adds its own headers (X-Forwarded-*, X-Amzn-Trace-Id, the
// TLS and mTLS headers): a client that names them in Connection would otherwise have the proxy
// strip the load balancer's values on the way to the target (httputil.ReverseProxy honours
// Connection on the outbound copy). The tokens close, keep-alive and upgrade are kept, and so is
// every standard hop-by-hop header, which HTTP targets never see anyway and Lambda events carry
// (LAM-15). Connection is deleted when nothing is left of it.
func ResolveConnection(h map[string][]string) {
	values, ok := h["Connection"]
	if !ok {
		return
	}
	var kept []string
	for _, v := range values {
		for token := range strings.SplitSeq(v, ",") {
			token = strings.TrimSpace(token)
			switch {
			case token == "":
			case connectionKept[strings.ToLower(token)]:
				kept = append(kept, token)
			default:
				// Framing is never removed here: desync mitigation (DSY-01) must still see a
				// Content-Length the client tried to hide behind Connection.
				if name := textproto.CanonicalMIMEHeaderKey(token); !hopByHop[name] && name != "Content-Length" {
					delete(h, name)
				}
			}
		}
	}
	if len(kept) == 0 {
		delete(h, "Connection")
		return
	}
	h["Connection"] = []string{strings.Join(kept, ", ")}
}
