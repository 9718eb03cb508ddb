package reconcile

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/httptarget"
	"github.com/albatross-lb/albatross/internal/targetgroup"
)

// TestTargetProxyOptions: each target protocol and protocol version gets its own proxy settings
// (TG-02), and so its own connection pool.
func TestTargetProxyOptions(t *testing.T) {
	lb := &config.LoadBalancer{Name: "web", Attributes: map[string]string{"idle_timeout.timeout_seconds": "7"}}
	testCases := []struct {
		desc, protocol, version string
		want                    httptarget.Options
	}{
		{desc: "TG-02 defaults: HTTP, HTTP1", want: httptarget.Options{ResponseTimeout: 7 * time.Second}},
		{desc: "HTTPS HTTP1", protocol: "HTTPS", version: "HTTP1", want: httptarget.Options{ResponseTimeout: 7 * time.Second, TLS: true}},
		{desc: "HTTP HTTP2 is h2c", protocol: "HTTP", version: "HTTP2", want: httptarget.Options{ResponseTimeout: 7 * time.Second, HTTP2: true}},
		{desc: "HTTPS GRPC is h2", protocol: "HTTPS", version: "GRPC", want: httptarget.Options{ResponseTimeout: 7 * time.Second, TLS: true, HTTP2: true}},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			tg := &config.TargetGroup{Name: "tg", Port: 80, Protocol: tc.protocol, ProtocolVersion: tc.version}
			if got := targetProxyOptions(lb, tg); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestTargetCheckPerVersion: the health check follows the protocol version (§4.2): GET / over
// HTTP/1.1 for HTTP1, the same over HTTP/2 for HTTP2, and POST /AWS.ALB/healthcheck as a gRPC
// call judged against grpc code 12 for GRPC.
func TestTargetCheckPerVersion(t *testing.T) {
	seen := make(chan string, 8)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r.Proto + " " + r.Method + " " + r.URL.Path
		if r.Header.Get("Content-Type") == "application/grpc" {
			w.Header().Set("Grpc-Status", "12") // a gRPC server without the method
		}
	}))
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetHTTP1(true)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)
	port := srv.Listener.Addr().(*net.TCPAddr).Port

	testCases := []struct {
		desc, version, want string
		wantVersion         targetgroup.ProtocolVersion
	}{
		{desc: "HC-02 HTTP1", want: "HTTP/1.1 GET /", wantVersion: targetgroup.HTTP1},
		{desc: "HTTP2 checks over HTTP/2", version: "HTTP2", want: "HTTP/2.0 GET /", wantVersion: targetgroup.HTTP2},
		{desc: "§4.2 GRPC default check", version: "GRPC", want: "HTTP/2.0 POST /AWS.ALB/healthcheck", wantVersion: targetgroup.GRPC},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			tg := &config.TargetGroup{Name: "tg", Port: port, ProtocolVersion: tc.version}
			if v := protocolVersion(tg); v != tc.wantVersion {
				t.Errorf("protocolVersion = %v, want %v", v, tc.wantVersion)
			}
			spec := targetCheck(tg, targetgroup.NewTarget("127.0.0.1", port), true)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if res := spec.Prober.Probe(ctx); !res.OK {
				t.Fatalf("probe failed: %+v", res)
			}
			if got := <-seen; got != tc.want {
				t.Errorf("target saw %q, want %q", got, tc.want)
			}
			if unused := targetCheck(tg, targetgroup.NewTarget("127.0.0.1", port), false); !unused.NotInUse {
				t.Errorf("a group no listener uses is checked")
			}
		})
	}
}
