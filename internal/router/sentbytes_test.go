package router

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/action"
	"github.com/albatross-lb/albatross/internal/elberr"
)

// countingReader counts the bytes the client read off the connection.
type countingReader struct {
	io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.Reader.Read(p)
	c.n += int64(n)
	return n, err
}

// TestSentBytesMatchTheWire: sent_bytes (§8.2 field 12) is exactly what the client received,
// headers net/http adds (Date, Content-Length, Content-Type, Connection, Transfer-Encoding) and
// chunk framing included, for the answers of every action kind and the request shapes that
// change them. Each case runs on a real server with the bytes on the socket counted.
func TestSentBytesMatchTheWire(t *testing.T) {
	t.Parallel()
	write := func(parts ...string) action.Handler {
		return handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			for _, p := range parts {
				if p == "<flush>" {
					http.NewResponseController(w).Flush()
					continue
				}
				_, _ = io.WriteString(w, p)
			}
			return nil
		})
	}
	withHeaders := func(status int, kv []string, body string) action.Handler {
		return handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			for i := 0; i < len(kv); i += 2 {
				w.Header()[kv[i]] = []string{kv[i+1]}
			}
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
			return nil
		})
	}
	get := "GET /a HTTP/1.1\r\nHost: h.example\r\n\r\n"
	testCases := []struct {
		desc     string
		handler  action.Handler
		request  string
		settings Settings
	}{
		{desc: "fixed response", handler: action.NewFixedResponse(200, "text/plain", "hello", true), request: get},
		{desc: "fixed response, client asks to close", handler: action.NewFixedResponse(200, "text/plain", "hello", true),
			request: "GET /a HTTP/1.1\r\nHost: h.example\r\nConnection: close\r\n\r\n"},
		{desc: "fixed response without content type", handler: action.NewFixedResponse(404, "", "gone", false), request: get},
		{desc: "redirect", handler: action.NewRedirect(action.RedirectConfig{Host: "x.example", Permanent: true}, true), request: get},
		{desc: "function answer: type, no length", handler: withHeaders(200, []string{"Content-Type", "application/json"}, `{"ok":true}`), request: get},
		{desc: "body sniffed for a type", handler: write("<html><body>hi</body></html>"), request: get},
		{desc: "target answer with its own date and length", handler: withHeaders(200, []string{"Date", "Mon, 07 Dec 2026 06:57:03 GMT", "Content-Length", "5", "Content-Type", "text/plain"}, "hello"), request: get},
		{desc: "target answer, client asks to close", handler: withHeaders(200, []string{"Date", "Mon, 07 Dec 2026 06:57:03 GMT", "Content-Length", "5"}, "hello"),
			request: "GET /a HTTP/1.1\r\nHost: h.example\r\nConnection: close\r\n\r\n"},
		{desc: "large body in one write is chunked", handler: write(strings.Repeat("x", 5000)), request: get},
		{desc: "body over the buffer in several writes", handler: write(strings.Repeat("a", 1000), strings.Repeat("b", 1000), strings.Repeat("c", 1000)), request: get},
		{desc: "body exactly the buffer", handler: write(strings.Repeat("a", 2048)), request: get},
		{desc: "streamed with flushes", handler: write("event: 1\n\n", "<flush>", "event: 2\n\n", "<flush>", "end"), request: get},
		{desc: "flush before any body", handler: write("<flush>", "late"), request: get},
		{desc: "handler-declared chunked", handler: withHeaders(200, []string{"Transfer-Encoding", "chunked"}, "abc"), request: get},
		{desc: "nothing written", handler: write(), request: get},
		{desc: "values trimmed, invalid names dropped", handler: withHeaders(200, []string{"X-Pad", "  v  ", "Bad Name", "x"}, "ok"), request: get},
		{desc: "HEAD with a declared length", handler: action.NewFixedResponse(200, "text/plain", "hello", true), request: "HEAD /a HTTP/1.1\r\nHost: h.example\r\n\r\n"},
		{desc: "HEAD with a body written anyway", handler: write("hello"), request: "HEAD /a HTTP/1.1\r\nHost: h.example\r\n\r\n"},
		{desc: "204 drops length", handler: withHeaders(204, []string{"Content-Length", "0", "Content-Type", "text/plain"}, ""), request: get},
		{desc: "304 drops type and length", handler: withHeaders(304, []string{"Content-Length", "5", "Content-Type", "text/plain", "Etag", `"x"`}, ""), request: get},
		{desc: "HTTP/1.0", handler: write("hello"), request: "GET /a HTTP/1.0\r\n\r\n"},
		{desc: "HTTP/1.0 keep-alive", handler: withHeaders(200, []string{"Content-Length", "5"}, "hello"), request: "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"},
		{desc: "HTTP/1.0 keep-alive, length unknown", handler: write(strings.Repeat("z", 3000)), request: "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"},
		{desc: "listener response headers", handler: write("ok"), request: get,
			settings: Settings{ResponseHeaders: []ResponseHeader{{Name: "strict-transport-security", Value: "max-age=31536000"}}}},
		{desc: "load balancer error page", handler: handlerFunc(func(http.ResponseWriter, *http.Request) error {
			return &elberr.Error{Status: http.StatusServiceUnavailable, Source: elberr.SourceTarget}
		}), request: get},
		{desc: "load balancer error page, client asks to close", handler: handlerFunc(func(http.ResponseWriter, *http.Request) error {
			return &elberr.Error{Status: http.StatusBadGateway, Source: elberr.SourceTarget}
		}), request: "GET /a HTTP/1.1\r\nHost: h.example\r\nConnection: close\r\n\r\n"},
		{desc: "TRACE refused before routing", handler: write("unreached"), request: "TRACE /a HTTP/1.1\r\nHost: h.example\r\n\r\n"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			s := tc.settings
			s.Protocol, s.Port = "HTTP", 80
			rt, obs := newRouter(s, alwaysMatch(-1, 0), nil, tc.handler)
			wire, logged := exchangeOnTheWire(t, rt, obs, tc.request)
			if wire != logged {
				t.Errorf("sent_bytes %d, the client received %d", logged, wire)
			}
		})
	}
}

// exchangeOnTheWire sends request to rt on a real server and reads the whole answer; it returns
// the bytes the client received and the sent_bytes recorded for the exchange.
func exchangeOnTheWire(t *testing.T, rt *Router, obs observerChan, request string) (wire, logged int64) {
	t.Helper()
	c, err := net.Dial("tcp", serveRouter(t, rt))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, request); err != nil {
		t.Fatal(err)
	}
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(request)))
	if err != nil {
		t.Fatal(err)
	}
	received := &countingReader{Reader: c}
	resp, err := http.ReadResponse(bufio.NewReader(received), req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); err != nil {
		t.Fatal(err)
	}
	ex := <-obs
	return received.n, ex.SentHeaderBytes + ex.BytesSent
}
