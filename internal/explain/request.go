package explain

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// Input is a request to explain, as `albatross explain` and the API take it.
type Input struct {
	// Method and URL are the request line; the URL's port (80/443 by default) picks the listener.
	Method, URL string
	// Headers are "Name: value" lines, in order.
	Headers []string
	// SourceIP is the client address; "" means 127.0.0.1.
	SourceIP string
	// Body is the request body.
	Body string
}

// Request turns in into the request a listener would read from the wire (request line, Host,
// headers, body), and the listener port its URL names.
func (in Input) Request() (*http.Request, int, error) {
	u, err := url.Parse(in.URL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, 0, fmt.Errorf("URL %q: want http://host[:port]/path or https://host[:port]/path", in.URL)
	}
	port := map[bool]int{true: 443, false: 80}[u.Scheme == "https"]
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, 0, fmt.Errorf("URL %q: bad port", in.URL)
		}
	}
	var raw strings.Builder
	fmt.Fprintf(&raw, "%s %s HTTP/1.1\r\nHost: %s\r\n", in.Method, u.RequestURI(), u.Host)
	for _, h := range in.Headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok || strings.TrimSpace(name) == "" {
			return nil, 0, fmt.Errorf("header %q: want 'Name: value'", h)
		}
		fmt.Fprintf(&raw, "%s: %s\r\n", strings.TrimSpace(name), strings.TrimSpace(value))
	}
	if in.Body != "" {
		fmt.Fprintf(&raw, "Content-Length: %d\r\n", len(in.Body))
	}
	raw.WriteString("\r\n" + in.Body)
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw.String())))
	if err != nil {
		return nil, 0, fmt.Errorf("request: %w", err)
	}
	source := in.SourceIP
	if source == "" {
		source = "127.0.0.1"
	}
	addr, err := netip.ParseAddr(source)
	if err != nil {
		return nil, 0, fmt.Errorf("source IP %q: %w", source, err)
	}
	r.RemoteAddr = net.JoinHostPort(addr.String(), "50000")
	return r, port, nil
}
