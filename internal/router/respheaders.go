package router

import (
	"net/http"
	"net/textproto"
)

// ResponseHeader is a header a listener attribute adds to responses (HDR-RESP-01): HSTS, CORS,
// Content-Security-Policy, X-Content-Type-Options or X-Frame-Options.
type ResponseHeader struct {
	Name, Value string
}

// headerValue is a ResponseHeader ready to be assigned: canonical key, one-element slice whose
// capacity is full so that a later Add copies instead of writing into the shared array.
type headerValue struct {
	key    string
	values []string
}

// compileResponseHeaders prepares the headers once per configuration.
func compileResponseHeaders(hs []ResponseHeader) []headerValue {
	if len(hs) == 0 {
		return nil
	}
	out := make([]headerValue, len(hs))
	for i, h := range hs {
		out[i] = headerValue{key: textproto.CanonicalMIMEHeaderKey(h.Name), values: []string{h.Value}[:1:1]}
	}
	return out
}

// finalHeaders applies, just before the status line goes out, what the load balancer imposes on
// every response: the configured headers replace any the target or function sent (§12.19:
// the listener's value wins, as a security policy must), and Connection: close after an
// Ambiguous request in defensive mode (DSY-02).
func (w *recorder) finalHeaders() {
	if len(w.respHeaders) == 0 && !w.closeConn {
		return
	}
	h := w.Header()
	for _, hv := range w.respHeaders {
		h[hv.key] = hv.values
	}
	if w.closeConn && !isUpgrade(h) {
		h.Set("Connection", "close")
	}
}

// isUpgrade reports a response that switches protocols (its Connection header says upgrade):
// closing it would break the WebSocket the client asked for.
func isUpgrade(h http.Header) bool {
	return len(h["Upgrade"]) > 0
}
