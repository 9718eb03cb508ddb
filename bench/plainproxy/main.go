// Command plainproxy is the Go baseline of the benchmark: httputil.NewSingleHostReverseProxy.
// By default every setting is left at its default (http.DefaultTransport, which keeps at most two
// idle connections per host, and a default http.Server): the naive baseline. With --tuned it
// gets the two settings any Go proxy needs (a keep-alive pool as large as the client side and a
// copy-buffer pool) and nothing else: the floor for a proxy built on httputil.ReverseProxy.
//
//	plainproxy --addr 127.0.0.1:PORT --target http://127.0.0.1:PORT [--tuned]
package main

import (
	"flag"
	"fmt"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"sync"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen `address` (host:port)")
	target := flag.String("target", "", "backend `URL`, e.g. http://127.0.0.1:9000")
	tuned := flag.Bool("tuned", false, "keep-alive pool of 256 per host and pooled copy buffers")
	flag.Parse()
	u, err := url.Parse(*target)
	if err != nil || u.Host == "" {
		fmt.Fprintf(os.Stderr, "plainproxy: --target must be an absolute URL, got %q\n", *target)
		os.Exit(2)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	if *tuned {
		proxy.Transport = &http.Transport{MaxIdleConnsPerHost: 256, DisableCompression: true}
		proxy.BufferPool = &bufferPool{}
	}
	// Deliberately default server, timeouts included: this row shows what Go gives untuned.
	if err := http.ListenAndServe(*addr, proxy); err != nil {
		fmt.Fprintln(os.Stderr, "plainproxy:", err)
		os.Exit(1)
	}
}

// bufferPool recycles ReverseProxy's 32 KB copy buffers.
type bufferPool struct{ pool sync.Pool }

func (p *bufferPool) Get() []byte {
	if b, ok := p.pool.Get().(*[]byte); ok {
		return *b
	}
	return make([]byte, 32<<10)
}

func (p *bufferPool) Put(b []byte) { p.pool.Put(&b) }
