package router

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/albatross-lb/albatross/internal/observe"
	"github.com/albatross-lb/albatross/internal/tlsconf"
)

// TestExchangeFields: what the router records for the access log (§8.2): the request line as
// sent, the user agent, the load balancer, received_bytes with the body the action read,
// sent_bytes' header part, and the times.
func TestExchangeFields(t *testing.T) {
	t.Parallel()
	reader := handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		_, _ = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "ok")
		return nil
	})
	rt, obs := newRouter(Settings{Protocol: "HTTP", Port: 80, LoadBalancer: "app/web/0123456789abcdef"}, alwaysMatch(-1, 1), nil, reader)
	r := httptest.NewRequest(http.MethodPost, "/p?q=1", strings.NewReader("hello"))
	r.Header.Set("User-Agent", "ua/1")
	rt.ServeHTTP(httptest.NewRecorder(), r)
	ex := <-obs
	if ex.Method != "POST" || ex.RequestURI != "/p?q=1" || ex.HTTPVersion != "HTTP/1.1" || ex.UserAgent != "ua/1" || ex.LoadBalancer != "app/web/0123456789abcdef" {
		t.Errorf("request %q %q %q ua %q lb %q", ex.Method, ex.RequestURI, ex.HTTPVersion, ex.UserAgent, ex.LoadBalancer)
	}
	// "POST /p?q=1 HTTP/1.1\r\n" + "Host: example.com\r\n" + "User-Agent: ua/1\r\n" + "\r\n" + body
	if want := int64(len("POST /p?q=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: ua/1\r\n\r\nhello")); ex.ReceivedBytes != want {
		t.Errorf("received_bytes %d, want %d", ex.ReceivedBytes, want)
	}
	// The status line, the Date and Content-Length net/http adds, the handler's Content-Type.
	if want := int64(len("HTTP/1.1 200 OK\r\nDate: Mon, 02 Jan 2006 15:04:05 GMT\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\n")); ex.SentHeaderBytes != want || ex.BytesSent != 2 {
		t.Errorf("sent header bytes %d body %d, want %d and 2", ex.SentHeaderBytes, ex.BytesSent, want)
	}
	if ex.Routed.Before(ex.Received) || ex.Finished.Before(ex.Routed) || ex.WebSocket {
		t.Errorf("times received %v routed %v finished %v", ex.Received, ex.Routed, ex.Finished)
	}
}

// TestWebSocketTunnel: an upgrade answered on the hijacked connection, as ReverseProxy does, is
// recorded as 101 with WebSocket set (access log type ws, §8.2 field 1).
func TestWebSocketTunnel(t *testing.T) {
	t.Parallel()
	tunnel := handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		observe.ExchangeFrom(r.Context()).Target = "10.0.0.5:8081"
		c, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return err
		}
		_, _ = brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
		_ = brw.Flush()
		return c.Close()
	})
	rt, obs := newRouter(Settings{Protocol: "HTTP", Port: 80}, alwaysMatch(-1, 0), nil, tunnel)
	addr := serveRouter(t, rt)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = io.WriteString(c, "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
	_, _ = io.ReadAll(c)
	if ex := <-obs; ex.Status != 101 || !ex.WebSocket || ex.TargetStatus != 101 {
		t.Errorf("status %d target %d websocket %v", ex.Status, ex.TargetStatus, ex.WebSocket)
	}
}

// TestTLSChoiceRecorded: the router copies the handshake's certificate choice, kept by the
// listener in the connection's context, into the exchange (TLS-03): domain_name "-" when the
// default certificate was served for an unmatched SNI name, chosen_cert_arn the ARN of the
// certificate presented, or session-reused when the session was resumed.
func TestTLSChoiceRecorded(t *testing.T) {
	t.Parallel()
	const arn = "arn:aws:acm:us-east-1:000000000000:certificate/cd096bc9-8160-8d1f-ba76-72521dafcde4"
	testCases := []struct {
		desc        string
		tls         bool
		resumed     bool
		recorded    *bool // nil: no SNIResult in the context
		wantDefault bool
		wantARN     string
	}{
		{desc: "SNI matched a certificate", tls: true, recorded: ptr(true), wantARN: arn},
		{desc: "default served", tls: true, recorded: ptr(false), wantDefault: true, wantARN: arn},
		{desc: "resumed session", tls: true, resumed: true, wantARN: "session-reused"},
		{desc: "no recorder (older listener)", tls: true},
		{desc: "plain HTTP ignores a stray recorder", tls: false, recorded: ptr(false)},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			rt, obs := newRouter(Settings{Protocol: "HTTPS", Port: 443}, alwaysMatch(-1, 0), nil, answer(200, "ok"))
			r := httptest.NewRequest(http.MethodGet, "https://example.com/", nil)
			r.TLS.DidResume = tc.resumed
			if !tc.tls {
				r.TLS = nil
			}
			if tc.recorded != nil {
				res := &tlsconf.SNIResult{}
				res.Record(*tc.recorded, arn)
				r = r.WithContext(tlsconf.WithSNIResult(r.Context(), res))
			}
			rt.ServeHTTP(httptest.NewRecorder(), r)
			ex := <-obs
			if ex.SNIDefaultCert != tc.wantDefault || ex.CertificateARN != tc.wantARN {
				t.Errorf("SNIDefaultCert %v chosen_cert_arn %q, want %v %q", ex.SNIDefaultCert, ex.CertificateARN, tc.wantDefault, tc.wantARN)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
