package health

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// h2cServer starts an HTTP/2-only target on 127.0.0.1 (h2c with prior knowledge, or h2 over TLS
// when secure) serving h, and returns its port and a count of accepted connections.
func h2cServer(t *testing.T, secure bool, h http.HandlerFunc) (int, *atomic.Int32) {
	t.Helper()
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	var protocols http.Protocols
	if secure {
		srv.EnableHTTP2 = true
		srv.StartTLS()
	} else {
		protocols.SetUnencryptedHTTP2(true)
		srv.Config.Protocols = &protocols
		srv.Start()
	}
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	n, _ := strconv.Atoi(port)
	return n, &conns
}

// grpcAnswer replies like a gRPC server: an empty message then a grpc-status trailer, or with
// trailersOnly the status in the headers and no message.
func grpcAnswer(status string, trailersOnly bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/grpc")
		if trailersOnly {
			w.Header().Set("Grpc-Status", status)
			w.WriteHeader(http.StatusOK)
			return
		}
		_, _ = w.Write(emptyMessage)
		w.Header().Set(http.TrailerPrefix+"Grpc-Status", status)
	}
}

// TestGRPCProbeRequest: the §4.2 gRPC check is POST /AWS.ALB/healthcheck over HTTP/2 with the
// gRPC content type, TE: trailers, the HC-02 User-Agent and Host, one empty message, and a new
// connection per check.
func TestGRPCProbeRequest(t *testing.T) {
	t.Parallel()
	got := make(chan *http.Request, 2)
	bodies := make(chan []byte, 2)
	port, conns := h2cServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- r
		bodies <- b
		w.Header().Set("Grpc-Status", "12")
	})
	p := NewGRPCProber(GRPCOptions{IP: "127.0.0.1", Port: port})
	for range 2 {
		if res := probeOnce(p, 5*time.Second); !res.OK {
			t.Fatalf("probe failed: %+v", res)
		}
	}
	r, body := <-got, <-bodies
	checks := map[string][2]string{
		"proto":        {r.Proto, "HTTP/2.0"},
		"method":       {r.Method, http.MethodPost},
		"path":         {r.URL.Path, "/AWS.ALB/healthcheck"},
		"content-type": {r.Header.Get("Content-Type"), "application/grpc"},
		"te":           {r.Header.Get("Te"), "trailers"},
		"user-agent":   {r.Header.Get("User-Agent"), UserAgent},
		"host":         {r.Host, "127.0.0.1:" + strconv.Itoa(port)},
		"body":         {string(body), string(emptyMessage)},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", name, c[0], c[1])
		}
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("2 checks used %d connections, want a fresh one each (HC-02)", n)
	}
}

// TestGRPCProbeVerdicts judges grpc-status against Matcher.GrpcCode (§4.2: default 12, 0-99
// lists and ranges) and fails targets that are not gRPC servers.
func TestGRPCProbeVerdicts(t *testing.T) {
	testCases := []struct {
		desc    string
		handler http.HandlerFunc
		http1   bool
		codes   Codes
		want    Result
	}{
		{desc: "§4.2 default matcher 12: UNIMPLEMENTED means up", handler: grpcAnswer("12", false), want: passed(12)},
		{desc: "status in a Trailers-Only reply", handler: grpcAnswer("12", true), want: passed(12)},
		{desc: "OK fails the default matcher", handler: grpcAnswer("0", false), want: mismatch(0)},
		{desc: "range 0-99 accepts UNAVAILABLE", handler: grpcAnswer("14", false), codes: Codes{{0, 99}}, want: passed(14)},
		{desc: "list 0,12 refuses UNAVAILABLE", handler: grpcAnswer("14", true), codes: Codes{{0, 0}, {12, 12}}, want: mismatch(14)},
		{desc: "no grpc-status: not a gRPC server", want: Result{Reason: failed.Reason, Description: failed.Description, noGRPCStatus: true},
			handler: func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "hello") }},
		{desc: "HTTP 404 with a status is not a gRPC answer", want: Result{Reason: failed.Reason, Description: failed.Description, Answered: true, Status: 404},
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Grpc-Status", "12")
				w.WriteHeader(http.StatusNotFound)
			}},
		{desc: "HTTP/1.1-only target fails", http1: true, handler: grpcAnswer("12", false), want: failed},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			var port int
			if tc.http1 {
				port = newCheckServer(t, tc.handler).port
			} else {
				port, _ = h2cServer(t, false, tc.handler)
			}
			got := probeOnce(NewGRPCProber(GRPCOptions{IP: "127.0.0.1", Port: port, Codes: tc.codes}), 5*time.Second)
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestGRPCProbeTLSAndPath: an HTTPS check speaks h2 over TLS without verifying the target's
// certificate (TLS-05) and calls the configured method.
func TestGRPCProbeTLSAndPath(t *testing.T) {
	t.Parallel()
	paths := make(chan string, 1)
	port, _ := h2cServer(t, true, func(w http.ResponseWriter, r *http.Request) {
		paths <- r.Proto + " " + r.URL.Path
		grpcAnswer("0", false)(w, r)
	})
	p := NewGRPCProber(GRPCOptions{Protocol: "HTTPS", IP: "127.0.0.1", Port: port, Path: "/grpc.health.v1.Health/Check", Codes: Codes{{0, 0}}})
	if res := probeOnce(p, 5*time.Second); !res.OK {
		t.Fatalf("probe failed: %+v", res)
	}
	if got := <-paths; got != "HTTP/2.0 /grpc.health.v1.Health/Check" {
		t.Errorf("request %q", got)
	}
}

// TestGRPCProbeTimeout: a target that never answers fails with Target.Timeout.
func TestGRPCProbeTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	port, _ := h2cServer(t, false, func(http.ResponseWriter, *http.Request) { <-release })
	t.Cleanup(func() { close(release) }) // before the server's Close, which waits for handlers
	if got := probeOnce(NewGRPCProber(GRPCOptions{IP: "127.0.0.1", Port: port}), 100*time.Millisecond); got != timedOut {
		t.Fatalf("got %+v, want %+v", got, timedOut)
	}
}

// TestHTTP2Probe: HTTP2 target groups check with the HTTP GET of HC-02 over HTTP/2 (h2c).
func TestHTTP2Probe(t *testing.T) {
	t.Parallel()
	protos := make(chan string, 1)
	port, _ := h2cServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		protos <- r.Proto + " " + r.Method + " " + r.URL.Path + " " + r.Header.Get("User-Agent")
		w.WriteHeader(http.StatusNoContent)
	})
	p := NewHTTPProber(HTTPOptions{IP: "127.0.0.1", Port: port, Path: "/health", Codes: Codes{{200, 299}}, HTTP2: true})
	if res := probeOnce(p, 5*time.Second); !res.OK {
		t.Fatalf("probe failed: %+v", res)
	}
	if got, want := <-protos, "HTTP/2.0 GET /health "+UserAgent; got != want {
		t.Errorf("request %q, want %q", got, want)
	}
}
