package client

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"
)

// BenchmarkForward compares one GET through this client with the same through a tuned
// httputil.ReverseProxy over http.Transport (the path HTTP1 groups used before), against the
// same loopback target, from the handler's side (no client-facing server in the loop):
// go test -bench Forward -benchmem ./internal/h1/client
func BenchmarkForward(b *testing.B) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "albatross benchmark backend\n")
	}))
	defer target.Close()
	addr := target.Listener.Addr().String()
	req := func() *http.Request {
		r := httptest.NewRequest(http.MethodGet, "http://lb/bench/hello", nil)
		r.Header = http.Header{"User-Agent": {"wrk"}, "Accept": {"*/*"}, "X-Forwarded-For": {"127.0.0.1"},
			"X-Forwarded-Proto": {"http"}, "X-Forwarded-Port": {"80"}, "X-Amzn-Trace-Id": {"Root=1-67891233-abcdef012345678912345678"}}
		return r
	}
	b.Run("h1client", func(b *testing.B) {
		c := New(Options{})
		defer c.CloseIdle()
		b.ReportAllocs()
		for b.Loop() {
			w := httptest.NewRecorder()
			if err := c.Forward(w, req(), addr, false); err != nil || w.Code != 200 {
				b.Fatal(err, w.Code)
			}
		}
	})
	// The names an HTTP/1.1 client's head lends (H2-05): the cost of writing in received
	// spelling and order, here lower case, as many HTTP libraries send them.
	b.Run("h1client-names", func(b *testing.B) {
		c := New(Options{})
		defer c.CloseIdle()
		names := []string{"user-agent", "accept"}
		b.ReportAllocs()
		for b.Loop() {
			w := httptest.NewRecorder()
			r := req()
			r = r.WithContext(WithOriginalNames(r.Context(), names))
			if err := c.Forward(w, r, addr, false); err != nil || w.Code != 200 {
				b.Fatal(err, w.Code)
			}
		}
	})
	// A request as the listener forwards it: a context the client has to watch (the client
	// going away) and ALG-04's cut. With "watched", the client watches the context with
	// context.AfterFunc; with "loop", the connection loop's cancel hook closes the target
	// connection instead (wire.CancelHook). Both build the same context per request.
	cut, stopCut := context.WithCancel(context.Background())
	defer stopCut()
	for _, offer := range []bool{false, true} {
		name := "h1client-watched"
		if offer {
			name = "h1client-loop"
		}
		b.Run(name, func(b *testing.B) {
			c := New(Options{})
			defer c.CloseIdle()
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				hook, ctx := newHook(offer)
				if err := c.ForwardCut(w, req().WithContext(ctx), addr, false, cut); err != nil || w.Code != 200 {
					b.Fatal(err, w.Code)
				}
				hook.cancelRequest()
			}
		})
	}
	b.Run("reverseproxy", func(b *testing.B) {
		u, _ := url.Parse("http://" + addr)
		tr := &http.Transport{MaxIdleConnsPerHost: 256, DisableCompression: true, DialContext: (&net.Dialer{}).DialContext}
		defer tr.CloseIdleConnections()
		rp := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(u); pr.Out.Host = pr.In.Host }, Transport: tr}
		b.ReportAllocs()
		for b.Loop() {
			w := httptest.NewRecorder()
			rp.ServeHTTP(w, req())
			if w.Code != 200 {
				b.Fatal(w.Code)
			}
		}
	})
}
