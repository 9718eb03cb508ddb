package router

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/albatross-lb/albatross/internal/action"
	"github.com/albatross-lb/albatross/internal/observe"
	"github.com/albatross-lb/albatross/internal/rule"
)

// discardWriter is the cheapest ResponseWriter: the benchmark measures the pipeline only.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) WriteHeader(int)             {}
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }

// BenchmarkServeHTTP is the hot path of one request: ten path-pattern rules of which the last
// matches, and a fixed-response action (no target, so only the load balancer's own work).
func BenchmarkServeHTTP(b *testing.B) { benchServeHTTP(b, nil) }

// BenchmarkServeHTTPObserved adds what every request pays for observation: metrics, the per-rule
// count and the recent-requests ring (the access log only queues a pointer).
func BenchmarkServeHTTPObserved(b *testing.B) {
	benchServeHTTP(b, observe.NewListenerObserver(observe.NewMetrics(), "app/web/0123456789abcdef", "HTTP:8080", []int{10}))
}

func benchServeHTTP(b *testing.B, obs Observer) {
	specs := make([]rule.Rule, 10)
	routes := make([]Route, 10)
	for i := range specs {
		specs[i] = rule.Rule{Priority: i + 1, Conditions: []rule.Condition{
			{Field: rule.FieldPathPattern, Values: []string{"/r" + strconv.Itoa(i) + "/*"}}}}
		routes[i] = Route{Priority: i + 1, Action: action.NewFixedResponse(200, "text/plain", "ok", true)}
	}
	table, err := rule.NewTable(specs)
	if err != nil {
		b.Fatal(err)
	}
	rt := New(Settings{Protocol: "HTTP", Port: 8080}, table, routes, action.NewFixedResponse(404, "", "", true), obs, nil)
	r := httptest.NewRequest(http.MethodGet, "/r9/x?q=1", nil)
	r.Header.Set("User-Agent", "bench")
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		r.Host = "example.com"
		delete(r.Header, "X-Amzn-Trace-Id")
		delete(r.Header, "X-Forwarded-For")
		delete(r.Header, "X-Forwarded-Proto")
		delete(r.Header, "X-Forwarded-Port")
		rt.ServeHTTP(w, r)
	}
}
