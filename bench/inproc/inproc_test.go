package inproc

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"runtime"
	"strconv"
	"sync"
	"testing"
)

// TestBenchConfigRoutes checks that the benchmark measures what it claims: the benchmark path
// reaches the backend through the tenth rule, and a path that no rule matches gets the default
// fixed response (RUL-01, RUL-04: rules are evaluated in priority order, the default last).
func TestBenchConfigRoutes(t *testing.T) {
	base := startAlbatross(t, startBackend(t))
	c := newClient()
	testCases := []struct {
		desc       string
		path       string
		wantStatus int
		wantBody   string
	}{
		{desc: "tenth rule forwards to the backend", path: "/bench/hello", wantStatus: 200, wantBody: backendBody},
		{desc: "no rule matches: default action", path: "/elsewhere", wantStatus: 404, wantBody: "no rule matched"},
		{desc: "an earlier rule matches first", path: "/login", wantStatus: 200, wantBody: backendBody},
	}
	for _, tc := range testCases {
		t.Run(tc.desc, func(t *testing.T) {
			status, body, err := get(c, base+tc.path)
			if err != nil {
				t.Fatal(err)
			}
			if status != tc.wantStatus || body != tc.wantBody {
				t.Errorf("GET %s = %d %q, want %d %q", tc.path, status, body, tc.wantStatus, tc.wantBody)
			}
		})
	}
}

// BenchmarkDirect is the client and the backend alone: subtract it from the others.
func BenchmarkDirect(b *testing.B) {
	port := startBackend(b)
	load(b, "http://127.0.0.1:"+strconv.Itoa(port)+"/bench/hello")
}

// BenchmarkAlbatross goes through Albatross with ten rules, the tenth matching.
func BenchmarkAlbatross(b *testing.B) {
	base := startAlbatross(b, startBackend(b))
	load(b, base+"/bench/hello")
}

// BenchmarkTunedReverseProxy is httputil.ReverseProxy with a keep-alive pool large enough for
// every connection and pooled copy buffers, and nothing else (bench/plainproxy --tuned).
func BenchmarkTunedReverseProxy(b *testing.B) {
	target, _ := url.Parse("http://127.0.0.1:" + strconv.Itoa(startBackend(b)))
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.Transport = &http.Transport{MaxIdleConnsPerHost: 256, DisableCompression: true}
	rp.BufferPool = &bufferPool{}
	srv := httptest.NewServer(rp)
	b.Cleanup(srv.Close)
	load(b, srv.URL+"/bench/hello")
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

// load sends b.N GET requests over `connections` concurrent keep-alive connections.
func load(b *testing.B, target string) {
	c := newClient()
	if status, body, err := get(c, target); err != nil || status != 200 || body != backendBody {
		b.Fatalf("GET %s = %d %q, %v", target, status, body, err)
	}
	b.ReportAllocs()
	procs := runtime.GOMAXPROCS(0)
	b.SetParallelism((connections + procs - 1) / procs)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			status, _, err := get(c, target)
			if err != nil || status != 200 {
				b.Errorf("GET: %d, %v", status, err)
				return
			}
		}
	})
}
