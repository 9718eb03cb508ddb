package httptarget_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/elberr"
	"github.com/albatross-lb/albatross/internal/httptarget"
	"github.com/albatross-lb/albatross/internal/observe"
)

// targetKind is how a test target speaks.
type targetKind int

const (
	plainHTTP1 targetKind = iota // HTTP/1.1 over TCP
	plainH2C                     // HTTP/2 with prior knowledge over TCP only
	tlsHTTP1                     // HTTP/1.1 over TLS only
	tlsH2                        // HTTP/2 (ALPN h2) or HTTP/1.1 over TLS, self-signed
)

// kindTarget starts a target of kind k on 127.0.0.1 serving h and returns its address and
// listener.
func kindTarget(t *testing.T, k targetKind, h http.HandlerFunc) (string, *countingListener) {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	l := &countingListener{Listener: srv.Listener}
	srv.Listener = l
	switch k {
	case plainH2C:
		var p http.Protocols
		p.SetUnencryptedHTTP2(true)
		srv.Config.Protocols = &p
		srv.Start()
	case tlsHTTP1:
		srv.StartTLS()
	case tlsH2:
		srv.EnableHTTP2 = true
		srv.StartTLS()
	default:
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return l.Addr().String(), l
}

// frontH2 is front over TLS with HTTP/2, as an HTTPS listener serves gRPC clients.
func frontH2(t *testing.T, p *httptarget.Proxy, addr string) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(observe.WithExchange(r.Context(), &observe.Exchange{}))
		if err := p.Serve(w, r, addr); err != nil {
			var e *elberr.Error
			if !errors.As(err, &e) {
				t.Errorf("Serve returned %T %v, want *elberr.Error", err, err)
				return
			}
			_ = elberr.Write(w, r, e, true)
		}
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	t.Cleanup(p.Close)
	return srv
}

// TestTargetProtocols: the proxy speaks the target group's protocol and protocol version (TG-02)
// to its targets: HTTP/1.1 or HTTP/2 (h2c with prior knowledge on plain TCP, h2 over TLS), TLS
// without certificate validation (TLS-05), one pooled connection per target, and 502 when the
// target does not speak the version.
func TestTargetProtocols(t *testing.T) {
	testCases := []struct {
		desc       string
		opts       httptarget.Options
		kind       targetKind
		wantStatus int
		wantProto  string
	}{
		{desc: "HTTP1 over TCP", kind: plainHTTP1, wantStatus: 200, wantProto: "HTTP/1.1 plain"},
		{desc: "TG-02 HTTP2 over TCP is h2c", opts: httptarget.Options{HTTP2: true}, kind: plainH2C, wantStatus: 200, wantProto: "HTTP/2.0 plain"},
		{desc: "TLS-05 HTTPS HTTP1 over TLS, self-signed", opts: httptarget.Options{TLS: true}, kind: tlsHTTP1, wantStatus: 200, wantProto: "HTTP/1.1 tls"},
		{desc: "HTTPS HTTP1 stays HTTP/1.1 where h2 is offered", opts: httptarget.Options{TLS: true}, kind: tlsH2, wantStatus: 200, wantProto: "HTTP/1.1 tls"},
		{desc: "TG-02 HTTPS HTTP2 is h2 over TLS", opts: httptarget.Options{TLS: true, HTTP2: true}, kind: tlsH2, wantStatus: 200, wantProto: "HTTP/2.0 tls"},
		{desc: "HTTP2 to an HTTP/1.1-only target is 502", opts: httptarget.Options{HTTP2: true}, kind: plainHTTP1, wantStatus: 502},
		{desc: "HTTPS HTTP2 to a TLS target without h2 is 502", opts: httptarget.Options{TLS: true, HTTP2: true}, kind: tlsHTTP1, wantStatus: 502},
		{desc: "HTTP1 to an h2c-only target is 502", kind: plainH2C, wantStatus: 502},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			addr, l := kindTarget(t, tc.kind, func(w http.ResponseWriter, r *http.Request) {
				security := "plain"
				if r.TLS != nil {
					security = "tls"
				}
				_, _ = io.WriteString(w, r.Proto+" "+security)
			})
			srv := frontH2(t, httptarget.New(tc.opts), addr)
			for range 3 {
				resp, err := srv.Client().Get(srv.URL + "/")
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tc.wantStatus {
					t.Fatalf("status %d, want %d (%s)", resp.StatusCode, tc.wantStatus, body)
				}
				if tc.wantProto != "" && string(body) != tc.wantProto {
					t.Fatalf("target saw %q, want %q", body, tc.wantProto)
				}
			}
			if n := l.accepted.Load(); tc.wantStatus == 200 && n != 1 {
				t.Errorf("3 requests opened %d target connections, want 1 pooled", n)
			}
		})
	}
}

// TestGRPCStreamAndTrailers: a gRPC-shaped exchange through an HTTP2 proxy. Each message the
// target flushes reaches the client before the target sends the next one (no buffering), the
// request body streams at the same time, and the undeclared grpc-status and grpc-message
// trailers arrive after the body, as gRPC needs.
func TestGRPCStreamAndTrailers(t *testing.T) {
	t.Parallel()
	addr, _ := kindTarget(t, plainH2C, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Te") != "trailers" {
			http.Error(w, "TE: trailers was not forwarded", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/grpc")
		w.WriteHeader(http.StatusOK)
		br := bufio.NewReader(r.Body)
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				break
			}
			_, _ = io.WriteString(w, "echo "+line)
			_ = http.NewResponseController(w).Flush()
		}
		w.Header().Set(http.TrailerPrefix+"Grpc-Status", "0")
		w.Header().Set(http.TrailerPrefix+"Grpc-Message", "done")
	})
	srv := frontH2(t, httptarget.New(httptarget.Options{HTTP2: true}), addr)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pr, pw := io.Pipe()
	defer context.AfterFunc(ctx, func() { pw.CloseWithError(ctx.Err()) })()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/svc.Echo/Chat", pr)
	req.Header.Set("Content-Type", "application/grpc")
	req.Header.Set("Te", "trailers")
	go func() { _, _ = io.WriteString(pw, "one\n") }()
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("no response while the request is still open: %v", err)
	}
	defer resp.Body.Close()
	if resp.ProtoMajor != 2 || resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %d, want HTTP/2 200", resp.Proto, resp.StatusCode)
	}
	br := bufio.NewReader(resp.Body)
	for i, chunk := range []string{"one\n", "two\n", "three\n"} {
		if i > 0 {
			if _, err := io.WriteString(pw, chunk); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := br.ReadString('\n'); err != nil || got != "echo "+chunk {
			t.Fatalf("message %d: %q, %v; want %q before the next is sent", i, got, err, "echo "+chunk)
		}
	}
	pw.Close()
	if rest, err := io.ReadAll(br); err != nil || len(rest) != 0 {
		t.Fatalf("after the request ended: %q, %v", rest, err)
	}
	got := resp.Trailer.Get("Grpc-Status") + " " + resp.Trailer.Get("Grpc-Message")
	if got != "0 done" {
		t.Errorf("trailers %v, want grpc-status 0 and grpc-message done", resp.Trailer)
	}
}

// TestHTTP2TargetFailures: failures of HTTP/2 targets map like HTTP/1.1 ones (§7, TMO-02): a
// refused connection is 502, a target silent past the response timeout is 504.
func TestHTTP2TargetFailures(t *testing.T) {
	testCases := []struct {
		desc       string
		addr       func(t *testing.T) string
		wantStatus int
	}{
		{desc: "refused -> 502", addr: refusedAddr, wantStatus: http.StatusBadGateway},
		{desc: "TMO-02 silent h2c target -> 504", wantStatus: http.StatusGatewayTimeout,
			addr: func(t *testing.T) string {
				release := make(chan struct{})
				addr, _ := kindTarget(t, plainH2C, func(http.ResponseWriter, *http.Request) { <-release })
				t.Cleanup(func() { close(release) }) // runs before the server's Close waits for handlers
				return addr
			}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			p := httptarget.New(httptarget.Options{HTTP2: true, ResponseTimeout: 200 * time.Millisecond})
			srv := frontH2(t, p, tc.addr(t))
			resp, err := srv.Client().Post(srv.URL+"/svc.Echo/Say", "application/grpc", http.NoBody)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.wantStatus)
			}
		})
	}
}
