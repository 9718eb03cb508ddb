package health

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// checkServer is a target on 127.0.0.1 answering status, recording requests and connections.
type checkServer struct {
	srv    *httptest.Server
	status atomic.Int32
	conns  atomic.Int32
	mu     sync.Mutex
	reqs   []*http.Request
	port   int
}

func newCheckServer(t *testing.T, h http.HandlerFunc) *checkServer {
	cs := &checkServer{}
	cs.status.Store(200)
	if h == nil {
		h = func(w http.ResponseWriter, r *http.Request) {
			cs.mu.Lock()
			cs.reqs = append(cs.reqs, r)
			cs.mu.Unlock()
			if cs.status.Load() == 302 {
				w.Header().Set("Location", "/elsewhere")
			}
			w.WriteHeader(int(cs.status.Load()))
		}
	}
	cs.srv = httptest.NewUnstartedServer(h)
	cs.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			cs.conns.Add(1)
		}
	}
	cs.srv.Start()
	t.Cleanup(cs.srv.Close)
	_, port, _ := net.SplitHostPort(cs.srv.Listener.Addr().String())
	cs.port, _ = strconv.Atoi(port)
	return cs
}

func probeOnce(p Prober, timeout time.Duration) Result {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return p.Probe(ctx)
}

// TestHTTPProbeRequest: HC-02, GET <path with query>, User-Agent ELB-HealthChecker/2.0, Host
// ip:port, and a new connection per check, closed after it.
func TestHTTPProbeRequest(t *testing.T) {
	t.Parallel()
	cs := newCheckServer(t, nil)
	p := NewHTTPProber(HTTPOptions{IP: "127.0.0.1", Port: cs.port, Path: "/health?deep=1"})
	for range 3 {
		if r := probeOnce(p, 5*time.Second); !r.OK {
			t.Fatalf("probe failed: %+v", r)
		}
	}
	if n := cs.conns.Load(); n != 3 {
		t.Errorf("%d connections for 3 checks, want a fresh one each (HC-02)", n)
	}
	r := cs.reqs[0]
	host := "127.0.0.1:" + strconv.Itoa(cs.port)
	if r.Method != http.MethodGet || r.URL.Path != "/health" || r.URL.RawQuery != "deep=1" ||
		r.UserAgent() != UserAgent || r.Host != host || !r.Close {
		t.Errorf("got %s %s ua=%q host=%q close=%v; want GET /health?deep=1 ua=%q host=%q close=true",
			r.Method, r.URL, r.UserAgent(), r.Host, r.Close, UserAgent, host)
	}
}

// TestHTTPProbeHost: HC-02, the port is left out of Host when it is the scheme's default.
func TestHTTPProbeHost(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc     string
		protocol string
		ip       string
		port     int
		want     string
	}{
		{desc: "http on 80", protocol: "HTTP", ip: "10.0.0.10", port: 80, want: "10.0.0.10"},
		{desc: "http on 8080", protocol: "HTTP", ip: "10.0.0.10", port: 8080, want: "10.0.0.10:8080"},
		{desc: "https on 443", protocol: "HTTPS", ip: "10.0.0.10", port: 443, want: "10.0.0.10"},
		{desc: "https on 80", protocol: "HTTPS", ip: "10.0.0.10", port: 80, want: "10.0.0.10:80"},
		{desc: "ipv6 on 80", protocol: "", ip: "::1", port: 80, want: "[::1]"},
		{desc: "ipv6 on 81", protocol: "", ip: "::1", port: 81, want: "[::1]:81"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			p := NewHTTPProber(HTTPOptions{Protocol: tc.protocol, IP: tc.ip, Port: tc.port})
			if p.host != tc.want {
				t.Errorf("Host %q, want %q", p.host, tc.want)
			}
		})
	}
}

// TestHTTPProbeVerdicts: matcher codes and ranges (§4.2), redirects not followed, timeouts and
// connection failures with their HC-04 reasons.
func TestHTTPProbeVerdicts(t *testing.T) {
	t.Parallel()
	testCases := []struct {
		desc   string
		status int
		codes  Codes
		want   Result
	}{
		{desc: "default matcher 200", status: 200, want: passed(200)},
		{desc: "default matcher refuses 204", status: 204, want: mismatch(204)},
		{desc: "range accepts 204", status: 204, codes: Codes{{200, 299}}, want: passed(204)},
		{desc: "redirect is not followed", status: 302, want: mismatch(302)},
		{desc: "list accepts 404", status: 404, codes: Codes{{200, 200}, {404, 404}}, want: passed(404)},
		{desc: "server error", status: 503, codes: Codes{{200, 499}}, want: mismatch(503)},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			cs := newCheckServer(t, nil)
			cs.status.Store(int32(tc.status))
			p := NewHTTPProber(HTTPOptions{IP: "127.0.0.1", Port: cs.port, Codes: tc.codes})
			if got := probeOnce(p, 5*time.Second); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		cs := newCheckServer(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
		p := NewHTTPProber(HTTPOptions{IP: "127.0.0.1", Port: cs.port})
		if got := probeOnce(p, 50*time.Millisecond); got != timedOut {
			t.Errorf("got %+v, want %+v", got, timedOut)
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		t.Parallel()
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		_ = l.Close()
		p := NewHTTPProber(HTTPOptions{IP: "127.0.0.1", Port: port})
		if got := probeOnce(p, 5*time.Second); got != failed {
			t.Errorf("got %+v, want %+v", got, failed)
		}
	})
}
