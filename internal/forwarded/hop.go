package forwarded

import "net/textproto"

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
