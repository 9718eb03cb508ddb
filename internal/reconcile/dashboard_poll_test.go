package reconcile

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/albatross-lb/albatross/internal/config"
	"github.com/albatross-lb/albatross/internal/observe"
)

// fullDashboard is the dashboard of a data plane with a listener of 20 rules over 10 target
// groups of 4 targets, whose last-requests and last-failures lists are full of failed Lambda
// requests carrying 4 KiB events and responses and a dozen headers: the most a poll of
// state.json carries for that configuration. Every rule, target group and target has a series in
// history.json.
func fullDashboard(tb testing.TB) http.Handler {
	tb.Helper()
	cfg := &config.Config{}
	var rules []config.Rule
	for i := range 10 {
		tg := config.TargetGroup{Name: fmt.Sprintf("tg%d", i), TargetType: "ip", Port: 9}
		for j := range 4 {
			tg.Targets = append(tg.Targets, config.Target{ID: fmt.Sprintf("127.0.0.%d", j+1)})
		}
		cfg.TargetGroups = append(cfg.TargetGroups, tg)
		for _, p := range []int{10 + i, 50 + i} {
			rules = append(rules, config.Rule{Priority: p, Conditions: []config.Condition{{Field: "path-pattern", Values: []string{fmt.Sprintf("/p%d/*", p)}}},
				Actions: []config.Action{{Type: config.ActionForward, TargetGroupName: tg.Name}}})
		}
	}
	cfg.LoadBalancers = []config.LoadBalancer{{Name: "web", Listeners: []config.Listener{{Port: 0, Address: "127.0.0.1", Rules: rules,
		DefaultActions: []config.Action{{Type: config.ActionFixedResponse, FixedResponseConfig: &config.FixedResponseConfig{StatusCode: "404"}}}}}}}
	dp := New(Options{CacheDir: filepath.Join(tb.TempDir(), "cache")})
	ctx := context.Background()
	if err := dp.Apply(ctx, cfg); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = dp.Close(ctx) })
	h := dp.DashboardHandler()
	lb := loadBalancerID(cfg, "web")
	obs := observe.NewListenerObserver(dp.obs().metrics, lb, "HTTP:80", nil)
	payload := bytes.Repeat([]byte("x"), 5000)
	header := http.Header{}
	for i := range 12 {
		header.Set(fmt.Sprintf("X-Header-%d", i), strings.Repeat("v", 40))
	}
	now := time.Now()
	for i := range 200 {
		tg := cfg.TargetGroupARN(fmt.Sprintf("tg%d", i%10))
		obs.Observe(&observe.Exchange{LoadBalancer: lb, TargetGroupARN: tg, Target: fmt.Sprintf("127.0.0.%d:9", i%4+1),
			Status: 502, ErrorReason: "LambdaInvalidResponse", ErrorDetail: "headers: must not be null (omit the field instead)",
			MatchedRulePriority: 10 + i%10, Method: "GET", RequestURI: fmt.Sprintf("/p%d/some/path?with=query", 10+i%10), RequestHost: "example.com",
			Client: netip.MustParseAddrPort("10.1.2.3:4567"), TraceID: "Root=1-6b16a64b-3730ceb2f6f87b7647db1795", Header: header,
			LambdaEvent: payload, LambdaResponse: payload, Finished: now, TargetSent: now.Add(-time.Millisecond), TargetResponded: now})
	}
	return h
}

// BenchmarkDashboardPoll is what one poll of the dashboard costs the load balancer's process
// (docs/observability.md, "What a dashboard left open costs"): state.json every 2 s and
// history.json every 5 s, for the configuration of fullDashboard.
func BenchmarkDashboardPoll(b *testing.B) {
	h := fullDashboard(b)
	for _, path := range []string{"state.json", "history.json"} {
		b.Run(path, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/dashboard/"+path, nil)
			size := 0
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				size = w.Body.Len()
			}
			b.ReportMetric(float64(size), "bytes/poll")
		})
	}
}

// TestDashboardPollsKeepNothing: polls leave nothing behind (no per-client or per-poll state),
// so a dashboard open for a day holds what one open for a minute does.
func TestDashboardPollsKeepNothing(t *testing.T) {
	h := fullDashboard(t)
	poll := func() {
		for _, path := range []string{"state.json", "history.json"} {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", "/dashboard/"+path, nil))
			if w.Code != 200 {
				t.Fatalf("%s: %d", path, w.Code)
			}
		}
	}
	poll()
	before := heapAlloc()
	const polls = 100
	for range polls {
		poll()
	}
	// One poll allocates hundreds of KiB (BenchmarkDashboardPoll); keeping any of it would show
	// as tens of MiB. The slack is for the rest of the process (health checks, timers).
	if grown := int64(heapAlloc()) - int64(before); grown > 4<<20 {
		t.Errorf("%d polls left the heap %d bytes larger", polls, grown)
	}
}

func heapAlloc() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
