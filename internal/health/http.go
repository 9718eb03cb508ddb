package health

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
)

// HTTPOptions describe the health check of one instance or ip target (HC-02).
type HTTPOptions struct {
	// Protocol is HTTP or HTTPS ("" means HTTP).
	Protocol string
	// IP is the target's address and Port the health-check port (the traffic port unless the
	// target group names another).
	IP   string
	Port int
	// Path is the request path, possibly with "?query" ("" means "/").
	Path string
	// Codes are the accepted status codes (empty means 200).
	Codes Codes
	// HTTP2 sends the check over HTTP/2 (h2 over TLS, h2c with prior knowledge over plain TCP),
	// as for target groups of protocol version HTTP2. Zero means HTTP/1.1.
	HTTP2 bool
}

// HTTPProber checks a target with GET <path> over a fresh connection per check (HC-02). It is
// safe for concurrent use.
type HTTPProber struct{ checkClient }

var _ Prober = (*HTTPProber)(nil)

// NewHTTPProber returns the prober for o.
func NewHTTPProber(o HTTPOptions) *HTTPProber {
	if o.Path == "" {
		o.Path = "/"
	}
	if len(o.Codes) == 0 {
		o.Codes = Codes{{200, 200}}
	}
	return &HTTPProber{newCheckClient(o.Protocol, o.IP, o.Port, o.Path, o.Codes, o.HTTP2)}
}

// checkClient is what the HTTP and gRPC probers share: the URL and Host of the check, the
// accepted codes, and a client that opens a fresh connection per check and follows no redirect.
type checkClient struct {
	url    string
	host   string
	codes  Codes
	client *http.Client
}

// newCheckClient returns the client of a check over protocol HTTP or HTTPS ("" means HTTP) to
// path on ip:port, over HTTP/2 only when http2 is set.
func newCheckClient(protocol, ip string, port int, path string, codes Codes, http2 bool) checkClient {
	scheme, defaultPort := "http", 80
	if protocol == "HTTPS" {
		scheme, defaultPort = "https", 443
	}
	return checkClient{
		url: scheme + "://" + net.JoinHostPort(ip, strconv.Itoa(port)) + path, host: hostHeader(ip, port, defaultPort), codes: codes,
		client: &http.Client{Transport: checkTransport(http2, scheme == "https"),
			// A redirect is a status like any other: 301 fails a 200 matcher.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
}

// hostHeader is the Host of a check (HC-02): the target's IP and port, the port omitted when it
// is the scheme's default.
func hostHeader(ip string, port, defaultPort int) string {
	if port != defaultPort {
		return net.JoinHostPort(ip, strconv.Itoa(port))
	}
	if a := net.ParseIP(ip); a != nil && a.To4() == nil {
		return "[" + ip + "]"
	}
	return ip
}

// checkTransport returns a transport that opens a fresh connection per check, over HTTP/1.1 or,
// with http2, over HTTP/2 only (h2 when secure, else h2c with prior knowledge).
func checkTransport(http2, secure bool) *http.Transport {
	transport := &http.Transport{
		Proxy:              nil,
		DialContext:        (&net.Dialer{}).DialContext,
		DisableKeepAlives:  true, // HC-02: the connection is closed after each check
		DisableCompression: true,
		// Like the ALB, health checks do not verify target certificates.
		TLSClientConfig:        &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // targets use any certificate
		MaxResponseHeaderBytes: 32 << 10,
	}
	if http2 {
		var protocols http.Protocols
		if secure {
			protocols.SetHTTP2(true)
		} else {
			protocols.SetUnencryptedHTTP2(true)
		}
		transport.Protocols = &protocols
	}
	return transport
}

// Probe sends one check and judges its status against the matcher.
func (p *HTTPProber) Probe(ctx context.Context) Result {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.url, nil)
	if err != nil {
		return failed
	}
	req.Host = p.host
	req.Header.Set("User-Agent", UserAgent)
	resp, err := p.client.Do(req)
	if err != nil {
		if isTimeout(ctx, err) {
			return timedOut
		}
		return failed
	}
	// Read a bounded part of the body so the check completes like a real client, then close.
	_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if err != nil && isTimeout(ctx, err) {
		return timedOut
	}
	if !p.codes.Match(resp.StatusCode) {
		return mismatch(resp.StatusCode)
	}
	return passed(resp.StatusCode)
}

func isTimeout(ctx context.Context, err error) bool {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
