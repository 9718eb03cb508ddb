package server

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"runtime/metrics"
	"testing"
	"time"
)

var benchRequest = []byte("GET /path?q=1 HTTP/1.1\r\nHost: bench.example\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n")

// BenchmarkKeepAlive compares a keep-alive GET through the loop with the same through
// net/http's server, on loopback, one request at a time (go test -bench KeepAlive -benchmem
// ./internal/h1/server). Indicative only: the recorded numbers are bench/RESULTS.md's.
func BenchmarkKeepAlive(b *testing.B) {
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "hello")
	})
	b.Run("h1server", func(b *testing.B) {
		addr, _ := serve(b, handler, time.Minute)
		keepAliveClient(b, addr)
	})
	b.Run("nethttp", func(b *testing.B) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		srv := &http.Server{Handler: handler}
		go func() { _ = srv.Serve(ln) }()
		defer srv.Close()
		keepAliveClient(b, ln.Addr().String())
	})
}

// BenchmarkWatchedKeepAlive is BenchmarkKeepAlive's h1server with a handler that runs past
// watchDelay, so that every request is watched for its client going away (watch.go). Its
// figures are counts, not times: allocations and goroutines started per request (the watch's
// timer goroutine); run it under `perf stat -e raw_syscalls:sys_enter` for system calls.
func BenchmarkWatchedKeepAlive(b *testing.B) {
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(watchDelay + time.Millisecond)
		_, _ = io.WriteString(w, "hello")
	})
	addr, _ := serve(b, handler, time.Minute)
	keepAliveClient(b, addr)
}

// keepAliveClient sends benchRequest b.N times on one connection, one at a time, and reports
// the goroutines the process started per request.
func keepAliveClient(b *testing.B, addr string) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	created := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
	metrics.Read(created)
	before := created[0].Value.Uint64()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.Write(benchRequest); err != nil {
			b.Fatal(err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	b.StopTimer()
	metrics.Read(created)
	b.ReportMetric(float64(created[0].Value.Uint64()-before)/float64(b.N), "goroutines/op")
}
