package router

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/albatross-lb/albatross/internal/elberr"
)

// listenerHeaders are response headers as listener attributes set them (HDR-RESP-01).
var listenerHeaders = []ResponseHeader{
	{Name: "Strict-Transport-Security", Value: "max-age=31536000"},
	{Name: "X-Frame-Options", Value: "DENY"},
	{Name: "access-control-allow-origin", Value: "https://app.example.com"},
}

// TestResponseHeaders: the listener's headers appear on target responses, replacing the
// target's own (§12.19), and on the load balancer's own pages, including those written on the
// hijacked connection; without attributes nothing is added.
func TestResponseHeaders(t *testing.T) {
	t.Parallel()
	target := handlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Add("X-Frame-Options", "SAMEORIGIN")
		w.Header().Set("Server", "openresty")
		w.WriteHeader(200)
		return nil
	})
	unavailable := handlerFunc(func(http.ResponseWriter, *http.Request) error {
		return &elberr.Error{Status: http.StatusServiceUnavailable, Source: elberr.SourceLoadBalancer}
	})
	testCases := []struct {
		desc       string
		headers    []ResponseHeader
		action     handlerFunc
		wantStatus int
		wantFrame  []string
		wantServer string
	}{
		{desc: "HDR-RESP-01 target response, listener value replaces the target's", headers: listenerHeaders, action: target,
			wantStatus: 200, wantFrame: []string{"DENY"}, wantServer: "openresty"},
		{desc: "HDR-RESP-01 ALB page on the raw path", headers: listenerHeaders, action: unavailable,
			wantStatus: 503, wantFrame: []string{"DENY"}, wantServer: elberr.Server},
		{desc: "HDR-RESP-01 off by default", action: target, wantStatus: 200, wantFrame: []string{"SAMEORIGIN"}, wantServer: "openresty"},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			rt, obs := newRouter(Settings{Protocol: "HTTP", Port: 80, ServerHeader: true, ResponseHeaders: tc.headers}, alwaysMatch(-1, 0), nil, tc.action)
			srv := httptest.NewServer(rt)
			defer srv.Close()
			resp, err := srv.Client().Get(srv.URL + "/")
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			<-obs
			if resp.StatusCode != tc.wantStatus || !slices.Equal(resp.Header.Values("X-Frame-Options"), tc.wantFrame) || resp.Header.Get("Server") != tc.wantServer {
				t.Errorf("status %d X-Frame-Options %q Server %q", resp.StatusCode, resp.Header.Values("X-Frame-Options"), resp.Header.Get("Server"))
			}
			hsts, cors := resp.Header.Get("Strict-Transport-Security"), resp.Header.Get("Access-Control-Allow-Origin")
			if on := tc.headers != nil; (hsts == "max-age=31536000") != on || (cors == "https://app.example.com") != on {
				t.Errorf("HSTS %q CORS %q with headers configured %v", hsts, cors, on)
			}
		})
	}
}
