package elberr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"
)

// fakeTarget listens on 127.0.0.1 and treats each connection with handle; it returns the URL.
func fakeTarget(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				handle(c)
			}()
		}
	}()
	return "http://" + l.Addr().String() + "/"
}

// closedPort returns the URL of a port nobody listens on any more.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/"
}

// readRequest consumes the request head so the target answers after it, like a real server.
func readRequest(c net.Conn) {
	buf := make([]byte, 4096)
	var got []byte
	for !strings.Contains(string(got), "\r\n\r\n") {
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		got = append(got, buf[:n]...)
	}
}

// roundTrip sends one GET through a Transport configured as the wiring should configure it
// (TMO-02 connect timeout, LIM-01 32 K response headers).
func roundTrip(ctx context.Context, url string, tr *http.Transport) error {
	if tr == nil {
		tr = &http.Transport{}
	}
	tr.MaxResponseHeaderBytes = MaxResponseHeaderBytes
	defer tr.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := tr.RoundTrip(req)
	if err == nil {
		resp.Body.Close()
		return errors.New("unexpected success")
	}
	return err
}

// TestFromTransport produces each failure for real against 127.0.0.1 and checks the ALB status
// it maps to (§7 502/504/460 rows, TMO-02, LIM-02).
func TestFromTransport(t *testing.T) {
	silent := func(c net.Conn) { readRequest(c); _, _ = io.Copy(io.Discard, c) }
	testCases := []struct {
		desc      string
		err       func(t *testing.T) error
		status    int
		source    Source
		wantCause string
	}{
		{desc: "connection refused → 502", status: 502, source: SourceTarget, wantCause: "refused",
			err: func(t *testing.T) error { return roundTrip(context.Background(), closedPort(t), nil) }},
		{desc: "accepts then closes with the request outstanding → 502", status: 502, source: SourceTarget, wantCause: "closed the connection",
			err: func(t *testing.T) error {
				return roundTrip(context.Background(), fakeTarget(t, readRequest), nil)
			}},
		{desc: "garbage instead of a response → 502", status: 502, source: SourceTarget, wantCause: "invalid response",
			err: func(t *testing.T) error {
				return roundTrip(context.Background(), fakeTarget(t, func(c net.Conn) {
					readRequest(c)
					_, _ = io.WriteString(c, "SSH-2.0-OpenSSH\r\n\r\n")
				}), nil)
			}},
		{desc: "invalid header line → 502", status: 502, source: SourceTarget, wantCause: "invalid response",
			err: func(t *testing.T) error {
				return roundTrip(context.Background(), fakeTarget(t, func(c net.Conn) {
					readRequest(c)
					_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nBad Header\r\n\r\n")
				}), nil)
			}},
		{desc: "LIM-02 response headers over 32 K → 502", status: 502, source: SourceTarget, wantCause: "invalid response",
			err: func(t *testing.T) error {
				return roundTrip(context.Background(), fakeTarget(t, func(c net.Conn) {
					readRequest(c)
					_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nX-Big: "+strings.Repeat("a", 33<<10)+"\r\n\r\n")
				}), nil)
			}},
		{desc: "no response headers in time → 504", status: 504, source: SourceTarget, wantCause: "response timeout",
			err: func(t *testing.T) error {
				return roundTrip(context.Background(), fakeTarget(t, silent), &http.Transport{ResponseHeaderTimeout: 20 * time.Millisecond})
			}},
		{desc: "TMO-02 connect timeout → 504", status: 504, source: SourceTarget, wantCause: "connect timeout",
			err: func(t *testing.T) error {
				d := &net.Dialer{Deadline: time.Now().Add(-time.Second)} // already expired: a real dial timeout, instantly
				return roundTrip(context.Background(), fakeTarget(t, silent), &http.Transport{DialContext: d.DialContext})
			}},
		{desc: "client went away while the target works → 460", status: 460, source: SourceClient, wantCause: "client closed",
			err: func(t *testing.T) error {
				ctx, cancel := context.WithCancel(context.Background())
				url := fakeTarget(t, func(c net.Conn) { readRequest(c); cancel(); _, _ = io.Copy(io.Discard, c) })
				return roundTrip(ctx, url, nil)
			}},
		{desc: "overall deadline → 504", status: 504, source: SourceTarget, wantCause: "response timeout",
			err: func(t *testing.T) error {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
				defer cancel()
				return roundTrip(ctx, fakeTarget(t, silent), nil)
			}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			err := tc.err(t)
			got := FromTransport(err)
			if got.Status != tc.status || got.Source != tc.source {
				t.Errorf("FromTransport(%v) = %d source %d, want %d source %d", err, got.Status, got.Source, tc.status, tc.source)
			}
			if !strings.Contains(got.Error(), tc.wantCause) || !errors.Is(got, err) {
				t.Errorf("error %q does not name %q or does not wrap %v", got.Error(), tc.wantCause, err)
			}
			if got.Reason != "" {
				t.Errorf("error_reason %q, want empty for HTTP targets (LAM-31)", got.Reason)
			}
		})
	}
}

// TestFromTransportPassThrough keeps errors that already carry an ALB status, and nil.
func TestFromTransportPassThrough(t *testing.T) {
	t.Parallel()
	if FromTransport(nil) != nil {
		t.Error("FromTransport(nil) != nil")
	}
	own := &Error{Status: 503, Source: SourceLoadBalancer}
	if got := FromTransport(fmt.Errorf("wrapped: %w", own)); got != own {
		t.Errorf("got %v, want the wrapped *Error", got)
	}
}

// TestReverseProxyErrorHandler is the wiring the HTTP target uses: ReverseProxy's ErrorHandler
// maps with FromTransport and answers with Write (§7 502 row, ERR-BODY).
func TestReverseProxyErrorHandler(t *testing.T) {
	t.Parallel()
	target, err := url.Parse(closedPort(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(target) },
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			_ = Write(w, r, FromTransport(err), true)
		},
	}
	front := httptest.NewServer(proxy)
	defer front.Close()
	resp, err := http.Get(front.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 502 || string(body) != Page(502) || resp.Header.Get("Server") != Server {
		t.Errorf("got %d %q %v, want the ALB 502 page", resp.StatusCode, body, resp.Header)
	}
}
