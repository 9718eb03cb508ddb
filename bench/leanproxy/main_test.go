package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"strings"
	"sync/atomic"
	"testing"
)

// startCountingBackend answers "hello <path>" and counts the connections it accepted.
func startCountingBackend(t *testing.T) (addr string, conns *atomic.Int64) {
	t.Helper()
	conns = &atomic.Int64{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "hello "+r.URL.Path+" xff="+r.Header.Get("X-Forwarded-For"))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String(), conns
}

// TestForwarderReusesConnections checks the two shapes the benchmark measures: every answer is
// complete and correct, and sequential requests share one pooled backend connection (the point
// of the experiment is keep-alive without http.Transport).
func TestForwarderReusesConnections(t *testing.T) {
	testCases := []struct {
		desc    string
		handler func(f *forwarder, target string) http.Handler
	}{
		{desc: "forwarder alone", handler: func(f *forwarder, _ string) http.Handler { return f }},
		{desc: "as ReverseProxy's Transport", handler: func(f *forwarder, target string) http.Handler {
			return &httputil.ReverseProxy{
				Rewrite: func(pr *httputil.ProxyRequest) {
					pr.SetXForwarded()
					pr.Out.URL.Scheme, pr.Out.URL.Host = "http", target
				},
				Transport: transport{f},
			}
		}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			target, conns := startCountingBackend(t)
			front := httptest.NewServer(tc.handler(&forwarder{target: target}, target))
			defer front.Close()
			for i := range 5 {
				path := "/bench/" + strings.Repeat("x", i)
				resp, err := http.Get(front.URL + path)
				if err != nil {
					t.Fatal(err)
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					t.Fatal(err)
				}
				if want := "hello " + path + " xff=127.0.0.1"; resp.StatusCode != 200 || string(body) != want {
					t.Fatalf("GET %s = %d %q, want 200 %q", path, resp.StatusCode, body, want)
				}
			}
			if n := conns.Load(); n != 1 {
				t.Errorf("backend accepted %d connections for 5 sequential requests, want 1", n)
			}
		})
	}
}

// TestAbandonedBodyClosesConnection: a response body closed before its end leaves unread bytes
// on the connection, so the connection must not go back to the pool.
func TestAbandonedBodyClosesConnection(t *testing.T) {
	target, conns := startCountingBackend(t)
	f := &forwarder{target: target}
	for range 2 {
		req, err := http.NewRequest(http.MethodGet, "http://"+target+"/bench/abandon", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := transport{f}.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close() // nothing read
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("backend accepted %d connections, want 2 (no reuse after an abandoned body)", n)
	}
	if len(f.idle) != 0 {
		t.Errorf("%d connections pooled, want 0", len(f.idle))
	}
}
